package io.snowstream.nifi.processors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.s3.S3MockServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input for PutS3Batch against S3Mock: keys a template builds from hostile attributes, Expression Language
 * that evaluates to nothing, content that is not canonical CSV, attributes that lie, inputs larger than the batch
 * bounds, and absurd property values. Every case names the route it must take and a fragment of its message; every
 * input is accounted for (stored, failed or still queued) and no exception reaches the framework.
 */
class PutS3BatchHostileInputTest {

    @RegisterExtension
    static final S3MockServer S3 = new S3MockServer();

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static final String RECORD =
            "1,Ann,Lee,ann@example.com,1 Main St,Springfield,IL,US,2026-11-23T10:15:30.123Z,U\n";
    private static final byte[] CANONICAL = (CustomerCsvFormat.HEADER + "\n" + RECORD).getBytes(StandardCharsets.UTF_8);

    private TestRunner runner;
    private String bucket;

    @BeforeEach
    void setUp() {
        bucket = "hostile-" + BUCKETS.incrementAndGet();
        S3.createBucket(bucket);
        runner = PutS3BatchRunners.against(S3, bucket);
        runner.setProperty(PutS3Batch.MAX_ATTEMPTS, "2");
    }

    /** A key template fed by one hostile attribute value, and what must become of the FlowFile. */
    record KeyCase(String name, String template, String path, String errorFragment) {
        @Override
        public String toString() {
            return name;
        }

        boolean refused() {
            return errorFragment != null;
        }
    }

    static List<KeyCase> keyCases() {
        final String template = "customers/${hostile.path}/batch${object.extension}";
        return List.of(
                new KeyCase("parent segment", template, "../secrets", "has a '..' segment"),
                new KeyCase("parent segment deep inside", template, "a/../../../etc", "has a '..' segment"),
                new KeyCase("current segment", template, ".", "has a '.' segment"),
                new KeyCase("empty segment from double slash", template, "a//b", "has an empty path segment"),
                new KeyCase("attribute missing, empty segment", template, null, "has an empty path segment"),
                new KeyCase("NUL byte", template, "a\u0000b", "control character U+0000"),
                new KeyCase("line feed", template, "a\nb", "control character U+000A"),
                new KeyCase("carriage return", template, "a\rb", "control character U+000D"),
                new KeyCase("tab", template, "a\tb", "control character U+0009"),
                new KeyCase("DEL", template, "a\u007Fb", "control character U+007F"),
                new KeyCase("C1 control NEL", template, "a\u0085b", "control character U+0085"),
                new KeyCase("2 KB key", template, "x".repeat(2048), "longer than 1024 bytes"),
                new KeyCase(
                        "600 two-byte characters exceed 1024 UTF-8 bytes",
                        template,
                        "\u00e9".repeat(600),
                        "longer than 1024 bytes"),
                new KeyCase(
                        "whole key from an attribute that is only slashes",
                        "${hostile.path}",
                        "///",
                        "Object key is empty"),
                new KeyCase("whole key from a missing attribute", "${hostile.path}", null, "Object key is empty"),
                new KeyCase("key ending with a slash", "${hostile.path}", "customers/folder/", "ends with '/'"),
                new KeyCase(
                        "leading slashes are removed, not refused", "${hostile.path}", "//customers/a.csv.gz", null),
                new KeyCase(
                        "spaces and non-ASCII letters are stored as given",
                        template,
                        "K\u00f6ln caf\u00e9 \u6771\u4eac",
                        null),
                new KeyCase("quotes and SQL stay literal in the key", template, "x'; DROP TABLE customer; --", null),
                new KeyCase("URL metacharacters are encoded by the SDK", template, "a?b#c%20d&e=f+g", null),
                new KeyCase("1024 bytes exactly is accepted", "${hostile.path}", "k".repeat(1024), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyCases")
    void keyTemplatesFedHostileAttributesAreRefusedOrStoredExactly(final KeyCase keyCase) throws IOException {
        runner.setProperty(PutS3Batch.OBJECT_KEY, keyCase.template());
        runner.enqueue(CANONICAL, keyCase.path() == null ? Map.of() : Map.of("hostile.path", keyCase.path()));

        runWithoutEscapingException();

        assertNothingLost(1);
        if (keyCase.refused()) {
            runner.assertAllFlowFilesTransferred(PutS3Batch.REL_FAILURE, 1);
            final MockFlowFile failed =
                    runner.getFlowFilesForRelationship(PutS3Batch.REL_FAILURE).getFirst();
            failed.assertAttributeEquals("s3.errorCode", "InvalidObjectKey");
            assertThat(failed.getAttribute("s3.errorMessage")).contains(keyCase.errorFragment());
            failed.assertContentEquals(CANONICAL);
            assertThat(failed.isPenalized()).isTrue();
            assertThat(S3.objects(bucket)).isEmpty();
            return;
        }
        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_SUCCESS, 1);
        final String key = runner.getFlowFilesForRelationship(PutS3Batch.REL_SUCCESS)
                .getFirst()
                .getAttribute("s3.key");
        assertThat(S3.objects(bucket))
                .singleElement()
                .satisfies(object -> assertThat(object.key()).isEqualTo(key));
        assertThat(key).doesNotStartWith("/");
    }

    /** Content (and attributes describing it) that is not what PutS3Batch expects. */
    record ContentCase(String name, byte[] content, Map<String, String> attributes, String route, String fragment) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<ContentCase> contentCases() {
        final byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        final byte[] utf16 = ("\uFEFF" + CustomerCsvFormat.HEADER + "\n").getBytes(StandardCharsets.UTF_16LE);
        final byte[] crlf = (CustomerCsvFormat.HEADER + "\r\n" + RECORD).getBytes(StandardCharsets.UTF_8);
        final byte[] bom = ("\uFEFF" + CustomerCsvFormat.HEADER + "\n" + RECORD).getBytes(StandardCharsets.UTF_8);
        final byte[] otherCsv = "id,name\n1,x\n".getBytes(StandardCharsets.UTF_8);
        final byte[] upperHeader =
                (CustomerCsvFormat.HEADER.toUpperCase() + "\n" + RECORD).getBytes(StandardCharsets.UTF_8);
        final byte[] shortHeader = CustomerCsvFormat.HEADER.substring(0, 20).getBytes(StandardCharsets.UTF_8);
        final byte[] headerOnly = (CustomerCsvFormat.HEADER + "\n").getBytes(StandardCharsets.UTF_8);
        final byte[] noFinalLineFeed =
                (CustomerCsvFormat.HEADER + "\n" + RECORD.strip()).getBytes(StandardCharsets.UTF_8);
        return List.of(
                new ContentCase("binary (PNG) content", png, Map.of(), "failure", "canonical customer CSV header"),
                new ContentCase("UTF-16 content", utf16, Map.of(), "failure", "canonical customer CSV header"),
                new ContentCase("CRLF header line", crlf, Map.of(), "failure", "canonical customer CSV header"),
                new ContentCase(
                        "UTF-8 BOM before the header", bom, Map.of(), "failure", "canonical customer CSV header"),
                new ContentCase("another CSV's header", otherCsv, Map.of(), "failure", "canonical customer CSV header"),
                new ContentCase(
                        "header in capitals", upperHeader, Map.of(), "failure", "canonical customer CSV header"),
                new ContentCase("truncated header", shortHeader, Map.of(), "failure", "canonical customer CSV header"),
                new ContentCase("empty content", new byte[0], Map.of(), "success", "0"),
                new ContentCase("header only", headerOnly, Map.of(), "success", "0"),
                new ContentCase("no final line feed", noFinalLineFeed, Map.of(), "success", "1"),
                new ContentCase(
                        "negative record.count is recounted", CANONICAL, Map.of("record.count", "-5"), "success", "1"),
                new ContentCase(
                        "non-numeric record.count is recounted",
                        CANONICAL,
                        Map.of("record.count", "many"),
                        "success",
                        "1"),
                new ContentCase(
                        "record.count beyond a long is recounted",
                        CANONICAL,
                        Map.of("record.count", "99999999999999999999999"),
                        "success",
                        "1"),
                new ContentCase(
                        "garbage event.time attributes are recounted",
                        CANONICAL,
                        Map.of("record.count", "1", "event.time.min", "yesterday", "event.time.max", "\u0000"),
                        "success",
                        "1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contentCases")
    void contentThatIsNotCanonicalIsRefusedAndLyingAttributesAreRecounted(final ContentCase contentCase)
            throws IOException {
        runner.enqueue(contentCase.content(), contentCase.attributes());

        runWithoutEscapingException();

        assertNothingLost(1);
        if (contentCase.route().equals("failure")) {
            runner.assertAllFlowFilesTransferred(PutS3Batch.REL_FAILURE, 1);
            final MockFlowFile failed =
                    runner.getFlowFilesForRelationship(PutS3Batch.REL_FAILURE).getFirst();
            failed.assertAttributeEquals("s3.errorCode", "InvalidInput");
            assertThat(failed.getAttribute("s3.errorMessage")).contains(contentCase.fragment());
            failed.assertContentEquals(contentCase.content());
            assertThat(S3.objects(bucket)).isEmpty();
            assertThat(S3.openMultipartUploads(bucket)).isEmpty();
            return;
        }
        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_SUCCESS, 1);
        runner.getFlowFilesForRelationship(PutS3Batch.REL_SUCCESS)
                .getFirst()
                .assertAttributeEquals("record.count", contentCase.fragment());
    }

    @ParameterizedTest(name = "bucket {0}")
    @MethodSource("hostileBuckets")
    void bucketsThatAreNotBucketNamesRouteToFailure(final String name, final String attribute, final String fragment) {
        runner.setProperty(PutS3Batch.BUCKET, "${target.bucket}");
        runner.enqueue(CANONICAL, attribute == null ? Map.of() : Map.of("target.bucket", attribute));

        runWithoutEscapingException();

        assertNothingLost(1);
        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_FAILURE, 1);
        final MockFlowFile failed =
                runner.getFlowFilesForRelationship(PutS3Batch.REL_FAILURE).getFirst();
        assertThat(failed.getAttribute("s3.errorCode") + ": " + failed.getAttribute("s3.errorMessage"))
                .contains(fragment);
        assertThat(failed.isPenalized()).isTrue();
    }

    static List<Object[]> hostileBuckets() {
        return List.of(
                new Object[] {"from a missing attribute", null, "Bucket evaluated to an empty name"},
                new Object[] {"blank", "   ", "Bucket evaluated to an empty name"},
                new Object[] {"with a slash", "a/../b", "is not a valid bucket name"},
                new Object[] {"with a control character", "bucket\u0000x", "'bucket\\u0000x' is not a valid bucket name"
                },
                new Object[] {"that does not exist", "no-such-bucket-here", "NoSuchBucket"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oversizedInputs")
    void inputsLargerThanTheBatchBoundsAreEachStoredAsAnObjectOfTheirOwn(
            final String name,
            final PropertyDescriptor bound,
            final String value,
            final Map<String, String> attributes) {
        runner.setProperty(bound, value);
        runner.enqueue(CANONICAL, attributes);
        runner.enqueue(CANONICAL, attributes);
        runner.enqueue(CANONICAL, attributes);

        runWithoutEscapingException(3);

        assertNothingLost(3);
        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_SUCCESS, 3);
        assertThat(S3.objects(bucket)).hasSize(3);
    }

    static List<Object[]> oversizedInputs() {
        return List.of(
                new Object[] {"each input above Max Batch Size", PutS3Batch.MAX_BATCH_SIZE, "10 B", Map.of()},
                new Object[] {
                    "each input's record.count above Max Batch Records",
                    PutS3Batch.MAX_BATCH_RECORDS,
                    "5",
                    Map.of("record.count", "1000000")
                },
                new Object[] {"one FlowFile per batch", PutS3Batch.MAX_BATCH_FLOWFILES, "1", Map.of()});
    }

    /** Property values no one should be able to run with: refused at validation with a message naming the problem. */
    @ParameterizedTest(name = "{0} = \"{1}\"")
    @MethodSource("absurdProperties")
    void absurdPropertyValuesAreRefusedAtValidation(final String property, final String value, final String fragment) {
        final PropertyDescriptor descriptor = runner.getProcessor().getPropertyDescriptor(property);
        runner.setProperty(descriptor, value);

        assertThat(ValidationMessages.of(runner))
                .anySatisfy(message -> assertThat(message).contains(property).contains(fragment));
    }

    static List<Object[]> absurdProperties() {
        return List.of(
                new Object[] {"Max Batch Size", "-1 MB", "Data Size"},
                new Object[] {"Max Batch Size", "huge", "Data Size"},
                new Object[] {"Max Batch Records", "0", "positive"},
                new Object[] {"Max Batch Records", "-10", "positive"},
                new Object[] {"Max Batch FlowFiles", "0", "positive"},
                new Object[] {"Max Batch Age", "-1 sec", "<duration> <TimeUnit>"},
                new Object[] {"Communications Timeout", "0 sec", "range"},
                new Object[] {"Communications Timeout", "forever", "<duration> <TimeUnit>"},
                new Object[] {"Initial Retry Delay", "soon", "<duration> <TimeUnit>"},
                new Object[] {"Max Request Attempts", "0", "positive"},
                new Object[] {"Multipart Part Size", "1 MB", "between 5 MB"},
                new Object[] {"Multipart Part Size", "3 GB", "between 5 MB"},
                new Object[] {"Multipart Threshold", "3 GB", "at most 2 GB"},
                new Object[] {"Multipart Threshold", "-5 MB", "Data Size"},
                new Object[] {"Secret Access Key", "${absent.variable}", "white space"},
                new Object[] {"Access Key ID", "${absent.variable}", "white space"},
                new Object[] {"Source Name", "${absent.variable}", "white space"},
                new Object[] {"Region", "${absent.variable}", "AWS region code"},
                new Object[] {"Region", "not a region!", "AWS region code"},
                new Object[] {"Region", "US-EAST-1", "AWS region code"},
                new Object[] {"Region", "us-east-1/../x", "AWS region code"},
                new Object[] {"Endpoint Override URL", "not a url", "is not a URL"},
                new Object[] {"Endpoint Override URL", "ftp://127.0.0.1:21", "http or https"},
                new Object[] {"Endpoint Override URL", "http://", "URL"},
                new Object[] {"Endpoint Override URL", "http:///no-host", "must name a host"},
                new Object[] {"Endpoint Override URL", "file:///etc/passwd", "http or https"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tooManyParts")
    void aPartSizeTooSmallForTheBatchSizeIsRefused(final String name, final String batchSize, final String partSize) {
        runner.setProperty(PutS3Batch.MAX_BATCH_SIZE, batchSize);
        runner.setProperty(PutS3Batch.MULTIPART_PART_SIZE, partSize);

        assertThat(ValidationMessages.of(runner))
                .anySatisfy(message -> assertThat(message).contains("at most 10000 parts"));
    }

    static List<Object[]> tooManyParts() {
        return List.of(
                new Object[] {"100 GB in 5 MB parts", "100 GB", "5 MB"},
                new Object[] {"1 TB in 16 MB parts", "1 TB", "16 MB"});
    }

    private void runWithoutEscapingException() {
        runWithoutEscapingException(1);
    }

    /** nifi-mock's run() rethrows any exception the processor let escape as an AssertionError: there must be none. */
    private void runWithoutEscapingException(final int iterations) {
        assertThatCode(() -> runner.run(iterations)).doesNotThrowAnyException();
    }

    /** Every input is in exactly one place: inside a stored object, on failure, or still queued. */
    private void assertNothingLost(final int inputs) {
        final long stored = runner.getFlowFilesForRelationship(PutS3Batch.REL_SUCCESS).stream()
                .mapToLong(object -> Long.parseLong(object.getAttribute("batch.flowfile.count")))
                .sum();
        final long failed =
                runner.getFlowFilesForRelationship(PutS3Batch.REL_FAILURE).size();
        assertThat(stored + failed + runner.getQueueSize().getObjectCount()).isEqualTo(inputs);
    }
}
