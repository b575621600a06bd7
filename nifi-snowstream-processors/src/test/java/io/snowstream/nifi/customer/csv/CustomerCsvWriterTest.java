package io.snowstream.nifi.customer.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CustomerCsvWriterTest {

    @Test
    void writesHeaderAndPlainRecordWithLineFeed() {
        final String csv = write(writer -> {
            writer.writeHeader();
            writer.field(42);
            writer.field("Ada");
            writer.field("Lovelace");
            writer.field("ada.lovelace@example.com");
            writer.field("12 St James's Square");
            writer.field("London");
            writer.field("England");
            writer.field("United Kingdom");
            writer.eventTimeField(EventTime.parseCanonical("2026-11-23T10:15:30.123Z"));
            writer.field(CustomerCsvFormat.OP_UPSERT);
            writer.endRecord();
        });

        assertThat(csv)
                .isEqualTo(
                        "customer_id,first_name,last_name,email,street,city,state,country,updated_at,op\n"
                                + "42,Ada,Lovelace,ada.lovelace@example.com,12 St James's Square,London,England,United Kingdom,2026-11-23T10:15:30.123Z,U\n");
    }

    @Test
    void quotesOnlyFieldsThatNeedItAndDoublesQuotes() {
        final String csv = write(writer -> {
            writer.field("Apt 4, Main St");
            writer.field("say \"hi\"");
            writer.field("line\nbreak");
            writer.field("carriage\rreturn");
            writer.field("plain");
            writer.field((String) null);
            writer.field("");
            writer.endRecord();
        });

        assertThat(csv)
                .isEqualTo("\"Apt 4, Main St\",\"say \"\"hi\"\"\",\"line\nbreak\",\"carriage\rreturn\",plain,,\n");
    }

    @Test
    void quoteOpeningAQuotedFieldRightAfterTheBufferFillsIsNotLost() {
        final ByteArrayOutputStream target = new ByteArrayOutputStream();
        try (CustomerCsvWriter writer = new CustomerCsvWriter(target)) {
            writer.field("x".repeat(64 * 1024 - 1));
            writer.field("a,b");
            writer.endRecord();
        }

        assertThat(target.toString(StandardCharsets.UTF_8)).isEqualTo("x".repeat(64 * 1024 - 1) + ",\"a,b\"\n");
    }

    @Test
    void encodesNonAsciiAsUtf8() {
        final String csv = write(writer -> {
            writer.field("Zoë");
            writer.field("Łódź, Polska");
            writer.endRecord();
        });

        assertThat(csv).isEqualTo("Zoë,\"Łódź, Polska\"\n");
    }

    @Test
    void writesNumbersIncludingTheExtremes() {
        final String csv = write(writer -> {
            writer.field(0);
            writer.field(Long.MAX_VALUE);
            writer.field(Long.MIN_VALUE);
            writer.field(-7);
            writer.endRecord();
        });

        assertThat(csv).isEqualTo("0,9223372036854775807,-9223372036854775808,-7\n");
    }

    @Test
    void handlesFieldsLargerThanItsBuffer() {
        final String large = "x".repeat(200_000);
        final String largeQuoted = "a,\"b\"".repeat(50_000);
        final String csv = write(writer -> {
            writer.field(large);
            writer.field(largeQuoted);
            writer.endRecord();
        });

        assertThat(csv).isEqualTo(large + ",\"" + largeQuoted.replace("\"", "\"\"") + "\"\n");
    }

    @Test
    void quotesAFieldThatStartsExactlyWhereTheBufferIsFull() {
        final String filler = "x".repeat(64 * 1024 - 1);
        final String csv = write(writer -> {
            writer.field(filler);
            writer.field("a,b");
            writer.endRecord();
        });

        assertThat(csv).isEqualTo(filler + ",\"a,b\"\n");
    }

    @Test
    void countsBytesWritten() {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final CustomerCsvWriter writer = new CustomerCsvWriter(out);
        writer.writeHeader();
        writer.field("é");
        writer.endRecord();

        assertThat(writer.bytesWritten()).isEqualTo(CustomerCsvFormat.HEADER_LINE.length + 3);
        writer.close();
        assertThat(out.size()).isEqualTo(CustomerCsvFormat.HEADER_LINE.length + 3);
    }

    private static String write(final java.util.function.Consumer<CustomerCsvWriter> body) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CustomerCsvWriter writer = new CustomerCsvWriter(out)) {
            body.accept(writer);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
