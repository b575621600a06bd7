package io.snowstream.nifi.s3;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.customer.csv.EventTime;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class CsvStatsScannerTest {

    @Test
    void countsRecordsAndFindsTheEventTimeRangeDespiteQuotedLineFeedsAndCommas() throws IOException {
        final String csv = CustomerCsvFormat.HEADER + "\n"
                + "1,Ann,\"O\"\"Neil, Jr\",a@x.io,\"1 Main St\nApt 2\",Springfield,IL,US,2026-11-23T10:15:31.000Z,U\n"
                + "2,Bob,Li,b@x.io,2 Elm St,Paris,,FR,2026-11-23T09:00:00.000Z,U\n"
                + "3,,,,,,,,2026-11-24T00:00:00.000Z,D\n";

        final CsvStatsScanner scanner = scan(csv);

        assertThat(scanner.records()).isEqualTo(3);
        assertThat(EventTime.format(scanner.minEventTime())).isEqualTo("2026-11-23T09:00:00.000Z");
        assertThat(EventTime.format(scanner.maxEventTime())).isEqualTo("2026-11-24T00:00:00.000Z");
    }

    @Test
    void countsALastRecordWithoutLineFeed() throws IOException {
        final CsvStatsScanner scanner = scan(CustomerCsvFormat.HEADER + "\n1,,,,,,,,2026-11-23T10:15:31.000Z,U");

        assertThat(scanner.records()).isEqualTo(1);
    }

    @Test
    void headerOnlyHasNoRecordsAndNoEventTimes() throws IOException {
        final CsvStatsScanner scanner = scan(CustomerCsvFormat.HEADER + "\n");

        assertThat(scanner.records()).isZero();
        assertThat(scanner.minEventTime()).isEqualTo(EventTime.INVALID);
    }

    @Test
    void ignoresEventTimesThatAreNotCanonical() throws IOException {
        final CsvStatsScanner scanner = scan(CustomerCsvFormat.HEADER + "\n1,,,,,,,,yesterday,U\n2,,,,,,,,2026-11-23T10:15:31.000Z,U\n");

        assertThat(scanner.records()).isEqualTo(2);
        assertThat(scanner.minEventTime()).isEqualTo(scanner.maxEventTime());
    }

    private static CsvStatsScanner scan(final String csv) throws IOException {
        return CsvStatsScanner.scan(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
    }
}
