package io.snowstream.nifi.processors;

import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.customer.csv.CustomerCsvReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every input of {@code src/test/resources/malformed-inputs} through the processor and checks the route its
 * line in {@code expected-routes.txt} defines: either the FlowFile goes unchanged to failure with a message, or
 * its records are split between valid and invalid with the expected error codes, nothing lost on the way.
 */
class MalformedInputCorpusTest {

    private static final String CORPUS = "/malformed-inputs/";
    private static final String EXPECTATIONS = "expected-routes.txt";

    record Expectation(String file, String outcome, String detail) {
        @Override
        public String toString() {
            return file;
        }
    }

    static List<Expectation> corpus() {
        try (InputStream in =
                Objects.requireNonNull(MalformedInputCorpusTest.class.getResourceAsStream(CORPUS + EXPECTATIONS))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.split("\\|", -1))
                    .map(parts -> new Expectation(parts[0].strip(), parts[1].strip(), parts[2].strip()))
                    .toList();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theCorpusHasAtLeast25InputsEachWithAnExpectation() throws IOException, URISyntaxException {
        final Path folder =
                Path.of(Objects.requireNonNull(getClass().getResource(CORPUS)).toURI());
        try (Stream<Path> files = Files.list(folder)) {
            final List<String> inputs = files.map(path -> path.getFileName().toString())
                    .filter(name -> !name.equals(EXPECTATIONS))
                    .toList();
            assertThat(corpus()).extracting(Expectation::file).containsExactlyInAnyOrderElementsOf(inputs);
            assertThat(inputs).hasSizeGreaterThanOrEqualTo(25);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void routesEachInputAsDefinedAndLosesNothing(final Expectation expectation) throws IOException {
        final byte[] content;
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream(CORPUS + expectation.file()))) {
            content = in.readAllBytes();
        }
        if (expectation.outcome().equals("failure")) {
            assertFailure(content, expectation.detail());
            return;
        }
        final String[] counts = expectation.outcome().split(" ");
        final List<String> codes = expectation.detail().isEmpty()
                ? List.of()
                : Arrays.asList(expectation.detail().split(" "));
        assertSplit(
                content,
                Integer.parseInt(counts[0].substring("valid=".length())),
                Integer.parseInt(counts[1].substring("invalid=".length())),
                codes);
    }

    @Test
    void aTenMegabyteFieldIsOneInvalidRecordNotAFailure() throws IOException {
        final String header = CustomerCsvFormat.HEADER + "\n";
        final String good =
                "1,Ada,Lovelace,ada@example.com,12 Main St,Springfield,IL,United States,2025-06-01T10:00:00.000Z,U\n";
        final String huge = "2,Ada,Lovelace,ada@example.com,\"" + "x,".repeat(5 * 1024 * 1024)
                + "\",Springfield,IL,United States,2025-06-01T10:00:00.000Z,U\n";
        assertSplit((header + good + huge + good).getBytes(StandardCharsets.US_ASCII), 2, 1, List.of("FIELD_TOO_LONG"));
    }

    @Test
    void aRecordOverTheMaximumRecordSizeFailsTheFlowFileUnchanged() throws IOException {
        final String huge = "2,Ada,Lovelace,ada@example.com," + "x".repeat(17 * 1024 * 1024)
                + ",Springfield,IL,United States,2025-06-01T10:00:00.000Z,U\n";
        assertFailure(
                (CustomerCsvFormat.HEADER + "\n" + huge).getBytes(StandardCharsets.US_ASCII),
                "The record starting on line 2 is larger than the Maximum Record Size of 16777216 bytes");
    }

    @Test
    void aLineOfAMillionEmptyColumnsIsOneInvalidRecord() throws IOException {
        final String good =
                "1,Ada,Lovelace,ada@example.com,12 Main St,Springfield,IL,United States,2025-06-01T10:00:00.000Z,U\n";
        final String millionColumns = ",".repeat(999_999) + "\n";
        assertSplit(
                (CustomerCsvFormat.HEADER + "\n" + good + millionColumns + good).getBytes(StandardCharsets.US_ASCII),
                2,
                1,
                List.of("WRONG_FIELD_COUNT"));
    }

    @Test
    void attributesWithControlCharactersPassThroughUntouchedAndDoNotDisturbValidation() {
        final Map<String, String> hostile = Map.of(
                "filename", "a\u0000b\r\nc.csv",
                "terminal.escape", "\u001b[31mred\u001b[0m",
                "record.count", "-1",
                "event.time.min", "'; DROP TABLE customer; --");
        final String csv = CustomerCsvFormat.HEADER + "\n"
                + "1,Ada,Lovelace,ada@example.com,12 Main St,Springfield,IL,United States,2025-06-01T10:00:00.000Z,U\n";
        final TestRunner runner = TestRunners.newTestRunner(ValidateCustomerRecord.class);
        runner.enqueue(csv.getBytes(StandardCharsets.US_ASCII), hostile);

        runner.run();

        runner.assertAllFlowFilesTransferred(ValidateCustomerRecord.REL_VALID, 1);
        final MockFlowFile valid = runner.getFlowFilesForRelationship(ValidateCustomerRecord.REL_VALID)
                .getFirst();
        valid.assertAttributeEquals("filename", hostile.get("filename"));
        valid.assertAttributeEquals("terminal.escape", hostile.get("terminal.escape"));
        // the counts and event-time range describe the content, whatever the input claimed
        valid.assertAttributeEquals(ValidateCustomerRecord.RECORD_COUNT, "1");
        valid.assertAttributeEquals("event.time.min", "2025-06-01T10:00:00.000Z");
    }

    @ParameterizedTest(name = "{0} = \"{1}\"")
    @CsvSource(delimiter = '|', textBlock = """
        Maximum Field Length | 0                 | Maximum Field Length
        Maximum Field Length | -5                | Maximum Field Length
        Maximum Field Length | ${absent.variable} | Maximum Field Length
        Maximum Record Size  | 10 B              | Maximum Record Size
        Maximum Record Size  | 3 GB              | Maximum Record Size
        Maximum Record Size  | ${absent.variable} | Maximum Record Size
        Maximum Record Size  | 1 KB              | must exceed 4 bytes per character of Maximum Field Length
        Allowed Future Skew  | -1 min            | <duration> <TimeUnit>
        Allowed Future Skew  | ${absent.variable} | <duration> <TimeUnit>
        Oldest Event Time    | yesterday         | ISO-8601 UTC instant
        Oldest Event Time    | -1000000000-01-01T00:00:00Z | ISO-8601 UTC instant
        Oldest Event Time    | 2000-01-01T00:00:00+02:00 | ISO-8601 UTC instant
        Oldest Event Time    | 2000-02-30T00:00:00Z | ISO-8601 UTC instant
        Oldest Event Time    | ${absent.variable} | ISO-8601 UTC instant
        Normalize Values     | maybe             | Normalize Values
        """)
    void absurdPropertyValuesAreRefusedAtValidation(final String property, final String value, final String fragment) {
        final TestRunner runner = TestRunners.newTestRunner(ValidateCustomerRecord.class);
        runner.setProperty(property, value);

        assertThat(ValidationMessages.of(runner))
                .anySatisfy(message -> assertThat(message).contains(fragment));
        runner.assertNotValid();
    }

    /**
     * Thousands of records with random bytes (but no quotes or line ends) overwritten: whatever each record's
     * fate, every one of them is counted exactly once, and the valid output is canonical.
     */
    @Test
    void randomlyDamagedRecordsAreEachAccountedForOnce() throws IOException {
        final Random random = new Random(2026);
        final String good =
                "1,Ada,Lovelace,ada@example.com,12 Main St,Springfield,IL,United States,2025-06-01T10:00:00.000Z,U";
        final ByteArrayOutputStream csv = new ByteArrayOutputStream();
        csv.writeBytes((CustomerCsvFormat.HEADER + "\n").getBytes(StandardCharsets.US_ASCII));
        final int records = 5000;
        for (int i = 0; i < records; i++) {
            final byte[] record = good.getBytes(StandardCharsets.US_ASCII);
            for (int damage = random.nextInt(3); damage > 0; damage--) {
                byte replacement;
                do {
                    replacement = (byte) random.nextInt(256);
                } while (replacement == '"' || replacement == '\n' || replacement == '\r');
                record[random.nextInt(record.length)] = replacement;
            }
            csv.writeBytes(record);
            csv.write('\n');
        }

        final TestRunner runner = run(csv.toByteArray());
        runner.assertTransferCount(ValidateCustomerRecord.REL_FAILURE, 0);
        final long valid = runner.getCounterValue("Records valid");
        final long invalid = runner.getCounterValue("Records invalid");
        assertThat(valid + invalid).isEqualTo(records);
        assertThat(valid).isPositive();
        assertThat(invalid).isPositive();
        final MockFlowFile validOutput = runner.getFlowFilesForRelationship(ValidateCustomerRecord.REL_VALID)
                .getFirst();
        assertThat(parse(validOutput.toByteArray())).hasSize((int) valid + 1);
        assertCanonical(validOutput.toByteArray());
        final MockFlowFile invalidOutput = runner.getFlowFilesForRelationship(ValidateCustomerRecord.REL_INVALID)
                .getFirst();
        assertThat(parse(invalidOutput.toByteArray())).hasSize((int) invalid + 1);
    }

    private static void assertFailure(final byte[] content, final String message) throws IOException {
        final TestRunner runner = run(content);
        runner.assertAllFlowFilesTransferred(ValidateCustomerRecord.REL_FAILURE, 1);
        final MockFlowFile failed = runner.getFlowFilesForRelationship(ValidateCustomerRecord.REL_FAILURE)
                .getFirst();
        failed.assertContentEquals(content);
        assertThat(failed.getAttribute(ValidateCustomerRecord.ERROR_MESSAGE)).contains(message);
        assertThat(failed.isPenalized()).isTrue();
    }

    private static void assertSplit(final byte[] content, final int valid, final int invalid, final List<String> codes)
            throws IOException {
        final TestRunner runner = run(content);
        runner.assertTransferCount(ValidateCustomerRecord.REL_FAILURE, 0);
        runner.assertTransferCount(ValidateCustomerRecord.REL_VALID, valid > 0 ? 1 : 0);
        runner.assertTransferCount(ValidateCustomerRecord.REL_INVALID, invalid > 0 ? 1 : 0);
        if (valid > 0) {
            final MockFlowFile output = runner.getFlowFilesForRelationship(ValidateCustomerRecord.REL_VALID)
                    .getFirst();
            assertCounts(output, valid, valid, invalid);
            final List<List<String>> records = parse(output.toByteArray());
            assertThat(String.join(",", records.getFirst())).isEqualTo(CustomerCsvFormat.HEADER);
            assertThat(records).hasSize(valid + 1);
            assertCanonical(output.toByteArray());
        }
        if (invalid > 0) {
            final MockFlowFile output = runner.getFlowFilesForRelationship(ValidateCustomerRecord.REL_INVALID)
                    .getFirst();
            assertCounts(output, invalid, valid, invalid);
            final List<List<String>> records = parse(output.toByteArray());
            assertThat(records.getFirst().subList(0, 3)).containsExactly("error_code", "error_detail", "source_line");
            final List<List<String>> rejected = records.subList(1, records.size());
            assertThat(rejected).extracting(List::getFirst).containsExactlyElementsOf(codes);
            assertThat(rejected).allSatisfy(record -> {
                assertThat(record.get(1)).isNotBlank();
                assertThat(Long.parseLong(record.get(2))).isGreaterThan(1);
            });
            for (final String code : codes) {
                assertThat(runner.getCounterValue("Records invalid: " + code))
                        .isEqualTo(codes.stream().filter(code::equals).count());
            }
        }
        assertThat(runner.getCounterValue("Records valid")).isEqualTo(valid);
        assertThat(runner.getCounterValue("Records invalid")).isEqualTo(invalid);
    }

    /** The valid output is canonical: validating it again keeps every record and every byte. */
    private static void assertCanonical(final byte[] validOutput) throws IOException {
        final TestRunner again = run(validOutput);
        again.assertAllFlowFilesTransferred(ValidateCustomerRecord.REL_VALID, 1);
        again.getFlowFilesForRelationship(ValidateCustomerRecord.REL_VALID)
                .getFirst()
                .assertContentEquals(validOutput);
    }

    private static void assertCounts(
            final MockFlowFile output, final int recordsInOutput, final int valid, final int invalid) {
        output.assertAttributeEquals(ValidateCustomerRecord.RECORD_COUNT, String.valueOf(recordsInOutput));
        output.assertAttributeEquals(ValidateCustomerRecord.VALID_RECORD_COUNT, String.valueOf(valid));
        output.assertAttributeEquals(ValidateCustomerRecord.INVALID_RECORD_COUNT, String.valueOf(invalid));
    }

    private static TestRunner run(final byte[] content) {
        final TestRunner runner = TestRunners.newTestRunner(ValidateCustomerRecord.class);
        runner.enqueue(content);
        runner.run();
        return runner;
    }

    static List<List<String>> parse(final byte[] csv) throws IOException {
        final CustomerCsvReader reader = new CustomerCsvReader(new ByteArrayInputStream(csv), Integer.MAX_VALUE - 64);
        final List<List<String>> records = new ArrayList<>();
        while (reader.next() == CustomerCsvReader.Status.RECORD) {
            final List<String> fields = new ArrayList<>();
            for (int i = 0; i < reader.fieldCount(); i++) {
                fields.add(new String(
                        reader.buffer(), reader.fieldStart(i), reader.fieldLength(i), StandardCharsets.UTF_8));
            }
            records.add(fields);
        }
        return records;
    }
}
