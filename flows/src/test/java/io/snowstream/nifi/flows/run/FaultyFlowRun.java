package io.snowstream.nifi.flows.run;

import io.snowstream.nifi.customer.csv.CustomerCsvReader;
import io.snowstream.nifi.flows.definition.CustomerStreamFlow;
import io.snowstream.nifi.s3.FaultInjectingProxy;
import io.snowstream.nifi.snowflake.stub.SnowflakeStub;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.apache.nifi.util.MockFlowFile;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The flow file run end to end ({@link EndToEndRun}) with faults everywhere: a {@link FaultInjectingProxy} between
 * PutS3Batch and S3Mock failing a share of all S3 requests (500, 503 SlowDown, dropped connections, slow answers;
 * multipart parts, completions and aborts included), and a Snowflake stub answering 503 storms to insertFiles and
 * loadHistoryScan, refusing the key-pair token now and then (401: the flow authenticates each Snowpipe request with
 * it, there is no JDBC login to refuse), and reporting every seventh object LOAD_FAILED. Then it checks the promise from the
 * outside: every generated record is in exactly one loaded object, the quarantine or a failure port with its reason;
 * no two objects in the bucket share a record; no multipart upload is left open; no trigger held its thread longer
 * than the configured bound. Shared by the fault test (small) and {@code ./benchmarks.sh faults} (a million records).
 */
public final class FaultyFlowRun {

    /** Per-request timeout PutS3Batch is given, and the delay of a slow answer (well inside it). */
    public static final Duration S3_TIMEOUT = Duration.ofSeconds(5);

    public static final Duration SLOW_ANSWER = Duration.ofMillis(500);
    private static final int S3_ATTEMPTS = 5;
    private static final int CSV_RECORD_LIMIT = 1 << 20;
    /** Snowpipe fails to load every this many announced objects. */
    private static final int LOAD_FAILURE_EVERY = 7;

    /** What to run: records in all, per generated FlowFile and per object, and the share of S3 requests to fail. */
    public record Settings(
            long records, int recordsPerFlowFile, int recordsPerObject, double s3FaultShare, long seed) {}

    /** What happened, and what the checks found. */
    public record Report(
            long generated,
            long invalid,
            long loaded,
            long quarantined,
            long atFailedUploads,
            long atFailedLoads,
            long atUnreadable,
            int objects,
            int objectsInBucket,
            int objectsSharingRecords,
            int openMultipartUploads,
            Map<String, Integer> faults,
            int failedFlowFilesWithoutReason,
            Map<String, Duration> longestTriggers,
            Duration triggerBound,
            Duration elapsed) {

        public long lost() {
            return generated - loaded - quarantined - atFailedUploads - atFailedLoads - atUnreadable;
        }

        public String describe() {
            final StringBuilder text = new StringBuilder();
            text.append("records generated        ")
                    .append(generated)
                    .append(" (")
                    .append(invalid)
                    .append(" deliberately invalid)\n");
            text.append("  loaded into Snowflake  ").append(loaded).append('\n');
            text.append("  quarantined            ").append(quarantined).append('\n');
            text.append("  at Failed S3 uploads   ").append(atFailedUploads).append('\n');
            text.append("  at Failed loads        ").append(atFailedLoads).append('\n');
            text.append("  at Unreadable input    ").append(atUnreadable).append('\n');
            text.append("  lost                   ").append(lost()).append('\n');
            text.append("objects stored / in bucket ")
                    .append(objects)
                    .append(" / ")
                    .append(objectsInBucket)
                    .append("; objects sharing a record with another: ")
                    .append(objectsSharingRecords)
                    .append('\n');
            text.append("open multipart uploads   ")
                    .append(openMultipartUploads)
                    .append('\n');
            text.append("failed FlowFiles without a reason ")
                    .append(failedFlowFilesWithoutReason)
                    .append('\n');
            text.append("faults injected          ").append(faults).append('\n');
            longestTriggers.forEach((processor, longest) -> text.append("longest trigger  ")
                    .append(longest.toMillis())
                    .append(" ms  ")
                    .append(processor)
                    .append('\n'));
            text.append("bound (Communications Timeout x Max Request Attempts) ")
                    .append(triggerBound.toMillis())
                    .append(" ms\n");
            text.append("elapsed                  ").append(elapsed.toSeconds()).append(" s\n");
            return text.toString();
        }
    }

    private FaultyFlowRun() {}

    /**
     * Runs {@code settings.records()} records through the flow against the S3 server at {@code s3Endpoint}, whose
     * {@code bucket} exists and is empty.
     */
    public static Report run(
            final Path flowDefinition,
            final URI s3Endpoint,
            final String bucket,
            final Settings settings,
            final Duration timeout)
            throws IOException {
        final long started = System.nanoTime();
        try (FaultInjectingProxy proxy = new FaultInjectingProxy(s3Endpoint);
                EndToEndRun run = new EndToEndRun(
                        flowDefinition,
                        s3Endpoint,
                        bucket,
                        Map.of(
                                "s3.endpoint", proxy.endpoint().toString(),
                                "generator.records.per.flowfile", String.valueOf(settings.recordsPerFlowFile()),
                                "s3.batch.max.records", String.valueOf(settings.recordsPerObject()),
                                "s3.batch.max.age", "1 sec"));
                S3Client s3 = client(s3Endpoint)) {
            for (final String put : List.of(CustomerStreamFlow.PUT_BATCHES, CustomerStreamFlow.PUT_QUARANTINE)) {
                // small objects go as multipart uploads too, so that parts, completions and aborts meet faults
                run.flow().runner(put).setProperty("Multipart Threshold", "64 KB");
                run.flow().runner(put).setProperty("Multipart Part Size", "5 MB");
                run.flow().runner(put).setProperty("Communications Timeout", S3_TIMEOUT.toSeconds() + " secs");
                run.flow().runner(put).setProperty("Max Request Attempts", String.valueOf(S3_ATTEMPTS));
            }
            proxy.failRandomly(request -> true, settings.s3FaultShare(), SLOW_ANSWER, settings.seed());
            final AtomicInteger announcedObjects = new AtomicInteger();
            run.failLoadsWhere(key -> announcedObjects.incrementAndGet() % LOAD_FAILURE_EVERY == 0);
            final SnowflakeStub snowflake = run.snowflake();

            int round = 0;
            while (run.generatedRecords() < settings.records()) {
                if (!run.flow().isBackPressured(CustomerStreamFlow.GENERATE)) {
                    run.generate();
                }
                switch (round++ % 60) {
                    case 10 -> snowflake.failNext(SnowflakeStub.Endpoint.INSERT_FILES, 5, 503);
                    case 30 -> snowflake.failNext(SnowflakeStub.Endpoint.LOAD_HISTORY, 5, 503);
                    case 50 -> snowflake.failNext(SnowflakeStub.Endpoint.INSERT_FILES, 1, 401);
                    default -> {}
                }
                run.flow().runPass();
            }
            run.drain(timeout);

            final InProcessFlow flow = run.flow();
            final List<MockFlowFile> failedUploads = flow.atPort(CustomerStreamFlow.FAILED_S3_UPLOADS);
            final List<MockFlowFile> failedLoads = flow.atPort(CustomerStreamFlow.FAILED_SNOWFLAKE_LOADS);
            final List<MockFlowFile> unreadable = flow.atPort(CustomerStreamFlow.UNREADABLE_INPUT);
            final List<EndToEndRun.StoredObject> objects = run.objects();
            final List<String> bucketKeys =
                    s3.listObjectsV2Paginator(request -> request.bucket(bucket)).contents().stream()
                            .map(S3Object::key)
                            .toList();

            final Map<String, Integer> faults = new LinkedHashMap<>();
            proxy.randomFaultCounts().forEach((kind, count) -> faults.put("S3 " + kind, count));
            faults.put(
                    "Snowflake insertFiles 503", snowflake.injectedFailures(SnowflakeStub.Endpoint.INSERT_FILES, 503));
            faults.put(
                    "Snowflake token refused (401)",
                    snowflake.injectedFailures(SnowflakeStub.Endpoint.INSERT_FILES, 401));
            faults.put(
                    "Snowflake loadHistoryScan 503",
                    snowflake.injectedFailures(SnowflakeStub.Endpoint.LOAD_HISTORY, 503));
            faults.put("Snowflake LOAD_FAILED files", (int) failedLoads.stream()
                    .filter(flowFile -> "LOAD_FAILED".equals(flowFile.getAttribute("snowpipe.status")))
                    .count());

            final Map<String, Duration> longest = new LinkedHashMap<>();
            for (final String processor : List.of(
                    CustomerStreamFlow.VALIDATE,
                    CustomerStreamFlow.PUT_BATCHES,
                    CustomerStreamFlow.PUT_QUARANTINE,
                    CustomerStreamFlow.TRIGGER_SNOWPIPE)) {
                longest.put(processor, flow.longestTrigger(processor));
            }
            final int withoutReason = (int) failedUploads.stream()
                            .filter(flowFile -> blank(flowFile.getAttribute("s3.errorMessage")))
                            .count()
                    + (int) failedLoads.stream()
                            .filter(flowFile -> blank(flowFile.getAttribute("snowpipe.error.message")))
                            .count()
                    + (int) unreadable.stream()
                            .filter(flowFile -> blank(flowFile.getAttribute("validation.error.message")))
                            .count();
            return new Report(
                    run.generatedRecords(),
                    run.generatedInvalidRecords(),
                    run.loadedRows().values().stream()
                            .mapToLong(Long::longValue)
                            .sum(),
                    run.quarantined().stream()
                            .mapToLong(EndToEndRun.StoredObject::records)
                            .sum(),
                    records(failedUploads),
                    records(failedLoads),
                    records(unreadable),
                    objects.size() + run.quarantined().size(),
                    bucketKeys.size(),
                    objectsSharingRecords(s3, bucket, bucketKeys),
                    s3.listMultipartUploads(request -> request.bucket(bucket))
                            .uploads()
                            .size(),
                    faults,
                    withoutReason,
                    longest,
                    S3_TIMEOUT.multipliedBy(S3_ATTEMPTS),
                    Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private static boolean blank(final String value) {
        return value == null || value.isBlank();
    }

    private static long records(final List<MockFlowFile> flowFiles) {
        // an unreadable input has no record count: it is counted apart, by FlowFiles
        return flowFiles.stream()
                .map(flowFile -> flowFile.getAttribute("record.count"))
                .filter(count -> count != null)
                .mapToLong(Long::parseLong)
                .sum();
    }

    /** Objects holding a record (byte for byte, header excepted) that another object holds too. */
    private static int objectsSharingRecords(final S3Client s3, final String bucket, final List<String> keys) {
        final Map<String, String> ownerOfRecord = new HashMap<>();
        final Set<String> sharing = new HashSet<>();
        for (final String key : keys) {
            for (final String digest : recordDigests(s3, bucket, key)) {
                final String owner = ownerOfRecord.putIfAbsent(digest, key);
                if (owner != null && !owner.equals(key)) {
                    sharing.add(owner);
                    sharing.add(key);
                }
            }
        }
        return sharing.size();
    }

    private static List<String> recordDigests(final S3Client s3, final String bucket, final String key) {
        final byte[] stored = s3.getObject(request -> request.bucket(bucket).key(key), ResponseTransformer.toBytes())
                .asByteArray();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
            final CustomerCsvReader reader = new CustomerCsvReader(in, CSV_RECORD_LIMIT);
            final MessageDigest sha = MessageDigest.getInstance("SHA-256");
            final List<String> digests = new ArrayList<>();
            boolean header = true;
            while (reader.next() == CustomerCsvReader.Status.RECORD) {
                if (!header) {
                    for (int field = 0; field < reader.fieldCount(); field++) {
                        sha.update(reader.buffer(), reader.fieldStart(field), reader.fieldLength(field));
                        sha.update((byte) 0);
                    }
                    digests.add(HexFormat.of().formatHex(sha.digest()));
                }
                header = false;
            }
            return digests;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static S3Client client(final URI endpoint) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("checker", "checker-secret")))
                .build();
    }
}
