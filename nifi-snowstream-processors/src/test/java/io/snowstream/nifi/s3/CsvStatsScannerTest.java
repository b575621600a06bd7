package io.snowstream.nifi.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.customer.csv.CustomerCsvReader;
import io.snowstream.nifi.customer.csv.EventTime;
import io.snowstream.nifi.customer.validate.CustomerFileValidator;
import io.snowstream.nifi.customer.validate.ValidationOutcome;
import io.snowstream.nifi.customer.validate.ValidationSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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
        final CsvStatsScanner scanner =
                scan(CustomerCsvFormat.HEADER + "\n1,,,,,,,,yesterday,U\n2,,,,,,,,2026-11-23T10:15:31.000Z,U\n");

        assertThat(scanner.records()).isEqualTo(2);
        assertThat(scanner.minEventTime()).isEqualTo(scanner.maxEventTime());
    }

    /** Records whose quoting once split the readers: each is one record to every reader of the bundle. */
    static List<Object[]> trickyRecords() {
        final String time = ",2026-11-23T10:15:31.000Z,U";
        return List.of(
                new Object[] {
                    "embedded quotes, comma and line feed",
                    "1,Ann,\"O\"\"Neil, Jr\",a@x.io,\"1 Main St\nApt 2\",S,IL,US" + time
                },
                new Object[] {
                    "CRLF inside quotes and as line end", "2,Bob,Li,b@x.io,\"2 Elm\r\nSt\",Paris,IdF,FR" + time + "\r\n"
                },
                new Object[] {"a quote inside an unquoted field", "3,Ann,O\"Neil,a@x.io,1 Main St,S,IL,US" + time},
                new Object[] {
                    "two quotes inside an unquoted field", "4,Ann,O\"Ne\"il,a@x.io,\"1 Main\nSt\",S,IL,US" + time
                },
                new Object[] {"text after a closing quote", "5,\"Ann\"e,Li,a@x.io,1 Main St,S,IL,US" + time},
                new Object[] {"a lone CR as line end", "6,Ann,Li,a@x.io,1 Main St,S,IL,US" + time + "\r"},
                new Object[] {"a quoted field of one doubled quote", "7,\"\"\"\",Li,a@x.io,1 Main St,S,IL,US" + time});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trickyRecords")
    void countsTheRecordsTheReaderAndTheValidatorRead(final String name, final String record) throws IOException {
        // the record twice, with a blank and an empty line between: the blank line is skipped like the empty one
        final String lineEnd = record.endsWith("\n") || record.endsWith("\r") ? "" : "\n";
        final String csv = CustomerCsvFormat.HEADER + "\n" + record + lineEnd + " \t\n\n" + record + lineEnd;

        final CsvStatsScanner scanner = scan(csv);
        final ValidationOutcome validated = new CustomerFileValidator(ValidationSettings.defaults())
                .validate(
                        input(csv),
                        OutputStream.nullOutputStream(),
                        OutputStream.nullOutputStream(),
                        0,
                        EventTime.parseCanonical("2026-11-24T00:00:00.000Z"));

        assertThat(readerRecords(csv)).isEqualTo(2);
        assertThat(scanner.records()).isEqualTo(2);
        assertThat(validated.validCount() + validated.invalidCount()).isEqualTo(2);
        assertThat(EventTime.format(scanner.maxEventTime())).isEqualTo("2026-11-23T10:15:31.000Z");
    }

    @Test
    void countsARecordLargerThanItsBufferAsOneAndReadsOn() throws IOException {
        final String huge = "1,\"" + "x\n".repeat(CsvStatsScanner.MAX_RECORD_BYTES / 2 + 1)
                + "\",L,a@x.io,s,c,st,co,2026-01-01T00:00:00.000Z,U\n";
        final CsvStatsScanner scanner =
                scan(CustomerCsvFormat.HEADER + "\n" + huge + "2,,,,,,,,2026-11-23T10:15:31.000Z,D\n");

        assertThat(scanner.records()).isEqualTo(2);
        assertThat(scanner.minEventTime()).isEqualTo(scanner.maxEventTime());
    }

    @Test
    void countsARecordWhoseQuoteNeverClosesAsOne() throws IOException {
        final CsvStatsScanner scanner =
                scan(CustomerCsvFormat.HEADER + "\n2,,,,,,,,2026-11-23T10:15:31.000Z,D\n3,\"open\n4,,,,,,,,x,D\n");

        assertThat(scanner.records()).isEqualTo(2);
    }

    private static long readerRecords(final String csv) throws IOException {
        final CustomerCsvReader reader = new CustomerCsvReader(input(csv), ValidationSettings.DEFAULT_MAX_RECORD_BYTES);
        long records = -1;
        while (reader.next() == CustomerCsvReader.Status.RECORD) {
            records++;
        }
        return records;
    }

    private static ByteArrayInputStream input(final String csv) {
        return new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8));
    }

    private static CsvStatsScanner scan(final String csv) throws IOException {
        return CsvStatsScanner.scan(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
    }
}
