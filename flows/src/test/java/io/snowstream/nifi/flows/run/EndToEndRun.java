package io.snowstream.nifi.flows.run;

import io.snowstream.nifi.customer.csv.CustomerColumn;
import io.snowstream.nifi.customer.csv.CustomerCsvReader;
import io.snowstream.nifi.customer.csv.EventTime;
import io.snowstream.nifi.flows.definition.CustomerStreamFlow;
import io.snowstream.nifi.flows.definition.FlowJson;
import io.snowstream.nifi.snowflake.stub.SnowflakeStub;
import io.snowstream.nifi.snowflake.stub.TestKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.apache.nifi.util.MockFlowFile;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The flow file run end to end in this JVM: {@link InProcessFlow} against an S3 server (S3Mock) and the loopback
 * Snowflake stub, which here also plays Snowpipe (each file announced by insertFiles appears LOADED in the load
 * history, with the object's record count as rows). Records what happened, by the clock: each object stored, each
 * file announced, each load confirmed, and what reached the output ports. Shared by the end-to-end test and the
 * end-to-end benchmark.
 */
public final class EndToEndRun implements AutoCloseable {

    public static final String ACCOUNT = "SNOWSTREAM_TEST";
    public static final String USER = "SNOWSTREAM_NIFI";
    private static final int CSV_RECORD_LIMIT = 1 << 20;
    private static final int EVENT_TIME_COLUMN = CustomerColumn.CANONICAL_COLUMNS.indexOf(CustomerColumn.UPDATED_AT);

    /** An object PutS3Batch stored, as its success FlowFile describes it, and when the flow saw it. */
    public record StoredObject(String key, long records, long storedAtMillis) {}

    private final SnowflakeStub snowflake;
    private final boolean ownsSnowflake;
    private final S3Client s3;
    private final String bucket;
    private final InProcessFlow flow;

    private long generatedRecords;
    private long generatedInvalidRecords;
    private final List<StoredObject> objects = new ArrayList<>();
    private final List<StoredObject> quarantined = new ArrayList<>();
    private final Map<String, Instant> announced = new ConcurrentHashMap<>();
    private final Map<String, Long> loadedRows = new HashMap<>();
    private Predicate<String> failingLoads = key -> false;

    /**
     * @param flowFile   the flow definition to run
     * @param s3Endpoint an S3 server accepting any credentials, whose {@code bucket} exists
     * @param overrides  parameter values beyond those that point the flow at the test servers
     */
    public EndToEndRun(
            final Path flowFile, final URI s3Endpoint, final String bucket, final Map<String, String> overrides)
            throws IOException {
        this(flowFile, s3Endpoint, bucket, overrides, SnowflakeStub.start(ACCOUNT, USER, TestKeys.publicKey()), true);
    }

    /**
     * A run against an existing Snowflake account (stub), which it leaves open: a NiFi restarted after a crash
     * meets the same S3 bucket and the same pipe, with the load history the first run left.
     */
    public EndToEndRun(
            final Path flowFile,
            final URI s3Endpoint,
            final String bucket,
            final Map<String, String> overrides,
            final SnowflakeStub snowflake)
            throws IOException {
        this(flowFile, s3Endpoint, bucket, overrides, snowflake, false);
    }

    private EndToEndRun(
            final Path flowFile,
            final URI s3Endpoint,
            final String bucket,
            final Map<String, String> overrides,
            final SnowflakeStub snowflake,
            final boolean ownsSnowflake)
            throws IOException {
        this.bucket = bucket;
        this.snowflake = snowflake;
        this.ownsSnowflake = ownsSnowflake;
        // PutS3Batch takes the default credentials chain (as on EC2 or in docker compose): system properties here
        System.setProperty("aws.accessKeyId", "end-to-end-test");
        System.setProperty("aws.secretAccessKey", "end-to-end-test-secret");
        s3 = S3Client.builder()
                .endpointOverride(s3Endpoint)
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("end-to-end-test", "end-to-end-test-secret")))
                .build();
        final Map<String, String> parameters = new HashMap<>();
        parameters.put("s3.bucket", bucket);
        parameters.put("s3.endpoint", s3Endpoint.toString());
        parameters.put("s3.path.style.access", "true");
        parameters.put("snowflake.account", ACCOUNT);
        parameters.put("snowflake.account.url", snowflake.url().toString());
        parameters.put("snowflake.user", USER);
        parameters.put("snowflake.private.key", TestKeys.privateKeyPem());
        parameters.put("snowflake.stage.location", "s3://" + bucket + "/customers/");
        parameters.putAll(overrides);
        flow = InProcessFlow.of(FlowJson.read(flowFile), parameters);
        flow.addListener(this::record);
    }

    private void record(
            final String processor,
            final String relationship,
            final List<MockFlowFile> flowFiles,
            final long atMillis) {
        switch (processor + "/" + relationship) {
            case CustomerStreamFlow.GENERATE + "/success" ->
                flowFiles.forEach(flowFile -> {
                    generatedRecords += Long.parseLong(flowFile.getAttribute("record.count"));
                    generatedInvalidRecords += Long.parseLong(flowFile.getAttribute("generate.invalid.count"));
                });
            case CustomerStreamFlow.PUT_BATCHES + "/success" ->
                flowFiles.forEach(flowFile -> objects.add(stored(flowFile, atMillis)));
            case CustomerStreamFlow.PUT_QUARANTINE + "/success" ->
                flowFiles.forEach(flowFile -> quarantined.add(stored(flowFile, atMillis)));
            case CustomerStreamFlow.TRIGGER_SNOWPIPE + "/retry" -> flowFiles.forEach(this::playSnowpipe);
            case CustomerStreamFlow.TRIGGER_SNOWPIPE + "/success" ->
                flowFiles.forEach(flowFile -> loadedRows.put(
                        flowFile.getAttribute("s3.key"),
                        Long.parseLong(flowFile.getAttribute("snowpipe.rows.loaded"))));
            default -> {}
        }
    }

    private static StoredObject stored(final MockFlowFile flowFile, final long atMillis) {
        return new StoredObject(
                flowFile.getAttribute("s3.key"), Long.parseLong(flowFile.getAttribute("record.count")), atMillis);
    }

    /**
     * Snowpipe fails to load the objects whose key matches: they appear LOAD_FAILED in the load history, with an
     * error as Snowflake reports a file it could not parse.
     */
    public void failLoadsWhere(final Predicate<String> key) {
        failingLoads = key;
    }

    /**
     * A file just announced becomes LOADED in the pipe's load history, with every record of the object as a row (or
     * LOAD_FAILED without rows, for an object {@link #failLoadsWhere} names).
     */
    private void playSnowpipe(final MockFlowFile flowFile) {
        final String path = flowFile.getAttribute("snowpipe.path");
        final String key = flowFile.getAttribute("s3.key");
        if (path == null || flowFile.getAttribute("snowpipe.status") != null || announced.containsKey(key)) {
            return;
        }
        // Snowpipe loads a file once: its load metadata skips a file announced again
        if (snowflake.hasLoadHistory(path)) {
            return;
        }
        announced.put(key, Instant.parse(flowFile.getAttribute("snowpipe.requested.at")));
        final long rows = Long.parseLong(flowFile.getAttribute("record.count"));
        if (failingLoads.test(key)) {
            snowflake.addLoadHistory(
                    path,
                    "LOAD_FAILED",
                    0,
                    rows,
                    Instant.now().toString(),
                    "Numeric value 'x' is not recognized (injected load failure)");
        } else {
            snowflake.addLoadHistory(path, "LOADED", rows, rows, Instant.now().toString(), null);
        }
    }

    public InProcessFlow flow() {
        return flow;
    }

    public SnowflakeStub snowflake() {
        return snowflake;
    }

    /** Triggers the generator once: one FlowFile of generator.records.per.flowfile records. */
    public void generate() {
        flow.trigger(CustomerStreamFlow.GENERATE);
    }

    /** Runs the flow until every processor's queue is empty: every object stored, announced and confirmed. */
    public void drain(final Duration timeout) {
        flow.runUntil(flow::isIdle, timeout);
    }

    public long generatedRecords() {
        return generatedRecords;
    }

    public long generatedInvalidRecords() {
        return generatedInvalidRecords;
    }

    public List<StoredObject> objects() {
        return List.copyOf(objects);
    }

    public List<StoredObject> quarantined() {
        return List.copyOf(quarantined);
    }

    /** When each object (by key) was announced to Snowpipe. */
    public Map<String, Instant> announced() {
        return Map.copyOf(announced);
    }

    /** Rows Snowflake reported loaded, by object key, for each load the flow confirmed. */
    public Map<String, Long> loadedRows() {
        return Map.copyOf(loadedRows);
    }

    /** How many records the object holds in S3 (decompressed, header excluded). */
    public long recordCountOf(final String key) {
        return eventTimesOf(key).length;
    }

    /**
     * The event times (updated_at, epoch millis) of the object's records, read back from S3; a rejected record whose
     * updated_at is not where the canonical layout has it counts with {@link EventTime#INVALID}.
     */
    public long[] eventTimesOf(final String key) {
        final byte[] stored = s3.getObject(request -> request.bucket(bucket).key(key), ResponseTransformer.toBytes())
                .asByteArray();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
            final CustomerCsvReader reader = new CustomerCsvReader(in, CSV_RECORD_LIMIT);
            final List<Long> times = new ArrayList<>();
            boolean header = true;
            CustomerCsvReader.Status status;
            while ((status = reader.next()) == CustomerCsvReader.Status.RECORD) {
                if (!header) {
                    times.add(
                            reader.fieldCount() > EVENT_TIME_COLUMN
                                    ? EventTime.parseCanonical(
                                            reader.buffer(),
                                            reader.fieldStart(EVENT_TIME_COLUMN),
                                            reader.fieldLength(EVENT_TIME_COLUMN))
                                    : EventTime.INVALID);
                }
                header = false;
            }
            if (status != CustomerCsvReader.Status.END_OF_INPUT) {
                throw new IllegalStateException(
                        key + " is not well-formed CSV: " + status + " at line " + reader.recordLine());
            }
            return times.stream().mapToLong(Long::longValue).toArray();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        flow.close();
        s3.close();
        if (ownsSnowflake) {
            snowflake.close();
        }
    }
}
