package io.snowstream.nifi.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class BatchObjectWriterTest {

    private static final String HEADER = CustomerCsvFormat.HEADER + "\n";

    @Test
    void keepsOneHeaderAndEveryRecordInOrder() throws IOException {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final BatchObjectWriter writer = new BatchObjectWriter(body);

        writer.append(input(HEADER + "a\n"));
        writer.append(input(HEADER + "b\nc\n"));
        writer.append(input(HEADER));

        assertThat(body.toString(StandardCharsets.UTF_8)).isEqualTo(HEADER + "a\nb\nc\n");
    }

    @Test
    void endsAnInputsLastRecordSoTheNextStartsOnItsOwnLine() throws IOException {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final BatchObjectWriter writer = new BatchObjectWriter(body);

        writer.append(input(HEADER + "a"));
        writer.append(input(HEADER + "b"));

        assertThat(body.toString(StandardCharsets.UTF_8)).isEqualTo(HEADER + "a\nb\n");
    }

    @Test
    void emptyInputContributesNothing() throws IOException {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        new BatchObjectWriter(body).append(input(""));

        assertThat(body.size()).isZero();
    }

    @Test
    void refusesAnInputWithoutTheCanonicalHeaderBeforeWritingAnyOfIt() throws IOException {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final BatchObjectWriter writer = new BatchObjectWriter(body);
        writer.append(input(HEADER + "a\n"));

        assertThatThrownBy(() -> writer.append(input(CustomerCsvFormat.LEGACY_HEADER + "\nb\n")))
                .isInstanceOf(BatchObjectWriter.InvalidInputException.class);
        assertThat(body.toString(StandardCharsets.UTF_8)).isEqualTo(HEADER + "a\n");
    }

    @Test
    void storesRejectedRecordsUnderTheirOwnHeader() throws IOException {
        final String rejectedHeader = "error_code,error_detail,source_line," + CustomerCsvFormat.HEADER + "\n";
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final BatchObjectWriter writer = new BatchObjectWriter(body);

        writer.append(input(rejectedHeader + "MALFORMED_EMAIL,bad,2,a\n"));
        writer.append(input(rejectedHeader + "UNKNOWN_OP,bad,7,b\n"));

        assertThat(body.toString(StandardCharsets.UTF_8))
                .isEqualTo(rejectedHeader + "MALFORMED_EMAIL,bad,2,a\nUNKNOWN_OP,bad,7,b\n");
    }

    @Test
    void refusesAnInputWhoseHeaderDiffersFromTheObjects() throws IOException {
        final String rejectedHeader = "error_code,error_detail,source_line," + CustomerCsvFormat.HEADER + "\n";
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final BatchObjectWriter writer = new BatchObjectWriter(body);
        writer.append(input(HEADER + "a\n"));

        assertThatThrownBy(() -> writer.append(input(rejectedHeader + "X,y,2,b\n")))
                .isInstanceOf(BatchObjectWriter.InvalidInputException.class)
                .hasMessageContaining("differs");
        assertThat(body.toString(StandardCharsets.UTF_8)).isEqualTo(HEADER + "a\n");
    }

    @Test
    void refusesAFirstLineWithoutLineEndOrOfUnboundedLength() {
        final BatchObjectWriter writer = new BatchObjectWriter(new ByteArrayOutputStream());

        assertThatThrownBy(
                        () -> writer.append(input("error_code,error_detail,source_line," + CustomerCsvFormat.HEADER)))
                .isInstanceOf(BatchObjectWriter.InvalidInputException.class);
        assertThatThrownBy(() -> writer.append(input("x".repeat(100_000) + "\n")))
                .isInstanceOf(BatchObjectWriter.InvalidInputException.class);
    }

    @Test
    void gzipEncodingRoundTrips() throws IOException {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final Compression.Encoder encoder = Compression.GZIP.wrap(body);
        new BatchObjectWriter(encoder).append(input(HEADER + "a,\"b\nc\"\n"));
        encoder.finish();

        final byte[] plain = new GZIPInputStream(new ByteArrayInputStream(body.toByteArray())).readAllBytes();
        assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo(HEADER + "a,\"b\nc\"\n");
    }

    private static ByteArrayInputStream input(final String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
