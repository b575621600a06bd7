package io.snowstream.nifi.customer.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.customer.csv.EventTime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CustomerFileValidatorTest {

    private static final long NOW = EventTime.parseCanonical("2026-11-24T00:00:00.000Z");
    private static final String GOOD =
            "1,Ada,Lovelace,ada@example.com,12 Main St,Springfield,IL,United States,2025-06-01T10:00:00.000Z,U\n";

    private final CustomerFileValidator validator = new CustomerFileValidator(ValidationSettings.defaults());
    private final ByteArrayOutputStream valid = new ByteArrayOutputStream();
    private final ByteArrayOutputStream invalid = new ByteArrayOutputStream();

    @Test
    void countsRecordsPerOutputAndPerRuleAndTracksTheEventTimeRange() throws IOException {
        final ValidationOutcome result = validate(CustomerCsvFormat.HEADER + "\n" + GOOD
                + GOOD.replace("2025-06-01T10:00:00.000Z", "2025-06-02T10:00:00.000Z") + "x\n" + "y\n"
                + GOOD.replace("ada@", "ada"));

        assertThat(result.isFailure()).isFalse();
        assertThat(result.layout()).isEqualTo(InputLayout.CANONICAL);
        assertThat(result.validCount()).isEqualTo(2);
        assertThat(result.invalidCount()).isEqualTo(3);
        assertThat(result.violations())
                .isEqualTo(Map.of(ViolationCode.WRONG_FIELD_COUNT, 2L, ViolationCode.MALFORMED_EMAIL, 1L));
        assertThat(EventTime.format(result.minEventTime())).isEqualTo("2025-06-01T10:00:00.000Z");
        assertThat(EventTime.format(result.maxEventTime())).isEqualTo("2025-06-02T10:00:00.000Z");
        assertThat(invalid.toString(StandardCharsets.UTF_8))
                .contains("WRONG_FIELD_COUNT,\"expected 10 fields, found 1\",4,x\n");
    }

    @Test
    void writesNothingToAnOutputWithoutRecords() throws IOException {
        validate(CustomerCsvFormat.HEADER + "\n" + GOOD);
        assertThat(valid.toString(StandardCharsets.UTF_8)).isEqualTo(CustomerCsvFormat.HEADER + "\n" + GOOD);
        assertThat(invalid.size()).isZero();
    }

    @Test
    void treatsBlankLinesLikeEmptyOnesWhereverTheyStand() throws IOException {
        final String records = GOOD + "\n" + "   \n" + GOOD.replace("1,", "2,") + "\t\n";
        final ValidationOutcome blank = validate(CustomerCsvFormat.HEADER + "\n" + records + "  ");
        final String blankOutput = valid.toString(StandardCharsets.UTF_8);
        valid.reset();
        final ValidationOutcome empty =
                validate(CustomerCsvFormat.HEADER + "\n" + GOOD + "\n\n" + GOOD.replace("1,", "2,") + "\n");

        assertThat(blank.validCount()).isEqualTo(2).isEqualTo(empty.validCount());
        assertThat(blank.invalidCount()).isZero().isEqualTo(empty.invalidCount());
        assertThat(blankOutput).isEqualTo(valid.toString(StandardCharsets.UTF_8));
        assertThat(invalid.size()).isZero();
    }

    @Test
    void rejectsAnIdWithLeadingZerosInsteadOfMergingItWithAnother() throws IOException {
        final ValidationOutcome result =
                validate(CustomerCsvFormat.HEADER + "\n" + GOOD.replace("1,", "7,") + GOOD.replace("1,", "007,"));

        assertThat(result.validCount()).isEqualTo(1);
        assertThat(result.violations()).isEqualTo(Map.of(ViolationCode.NON_CANONICAL_ID, 1L));
        assertThat(valid.toString(StandardCharsets.UTF_8)).doesNotContain("007");
        assertThat(invalid.toString(StandardCharsets.UTF_8))
                .contains(
                        "NON_CANONICAL_ID,\"customer_id '007' is not written canonically (no sign, no leading zeros): it would be read as "
                                + "customer 7; write it as 7 if that is meant\",3,007,");
    }

    @Test
    void writesANonAsciiEmailFullyLowerCased() throws IOException {
        validate(CustomerCsvFormat.HEADER + "\n"
                + GOOD.replace("ada@example.com", "JOSÉ.PÉREZ@EXAMPLE.ES").replace("Springfield", "\"Spring, field\""));

        assertThat(valid.toString(StandardCharsets.UTF_8))
                .isEqualTo(CustomerCsvFormat.HEADER + "\n"
                        + GOOD.replace("ada@example.com", "josé.pérez@example.es")
                                .replace("Springfield", "\"Spring, field\""));
    }

    @Test
    void rewritesSnowflakesTimestampOutputAsCanonicalUtc() throws IOException {
        validate(CustomerCsvFormat.HEADER + "\n"
                + GOOD.replace("2025-06-01T10:00:00.000Z", "2025-06-01 10:00:00.000 +0000")
                + GOOD.replace("2025-06-01T10:00:00.000Z", "2025-06-01 10:00:00.000 Z"));

        assertThat(valid.toString(StandardCharsets.UTF_8)).isEqualTo(CustomerCsvFormat.HEADER + "\n" + GOOD + GOOD);
    }

    @Test
    void keepsInvalidBytesOfARejectedRecordExactly() throws IOException {
        final byte[] input = (CustomerCsvFormat.HEADER + "\n" + GOOD.replace("Ada", "A\u00FFa"))
                .getBytes(StandardCharsets.ISO_8859_1);
        final ValidationOutcome result = validator.validate(new ByteArrayInputStream(input), valid, invalid, NOW, NOW);

        assertThat(result.violations()).containsOnlyKeys(ViolationCode.INVALID_UTF8);
        final byte[] expectedField = "1,A\u00FFa,".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(new String(invalid.toByteArray(), StandardCharsets.ISO_8859_1))
                .contains(new String(expectedField, StandardCharsets.ISO_8859_1));
    }

    @Test
    void propagatesAFaultOfAnOutputStreamAsIOException() {
        final OutputStream broken = new OutputStream() {
            @Override
            public void write(final int b) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void write(final byte[] b, final int off, final int len) throws IOException {
                throw new IOException("disk full");
            }
        };
        final InputStream input =
                new ByteArrayInputStream((CustomerCsvFormat.HEADER + "\n" + GOOD).getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> validator.validate(input, broken, invalid, NOW, NOW))
                .isInstanceOf(IOException.class)
                .hasMessage("disk full");
    }

    private ValidationOutcome validate(final String csv) throws IOException {
        return validator.validate(
                new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), valid, invalid, NOW, NOW);
    }
}
