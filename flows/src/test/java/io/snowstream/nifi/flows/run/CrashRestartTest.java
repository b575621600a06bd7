package io.snowstream.nifi.flows.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.nifi.flows.definition.CustomerStreamFlow;
import io.snowstream.nifi.s3.FaultInjectingProxy;
import io.snowstream.nifi.s3.S3MockServer;
import io.snowstream.nifi.snowflake.stub.SnowflakeStub;
import io.snowstream.nifi.snowflake.stub.TestKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * NiFi dies at each step boundary of the flow, and starts again. A death is played by a proxy in front of S3 (or of
 * Snowflake) that, from the crash point on, lets nothing through and answers nothing: the trigger in flight never
 * commits, and anything it would still send has no effect, as for a killed process. The restart is a new set of
 * runners meeting the same bucket and the same Snowflake account, with the queues NiFi's FlowFile repository holds:
 * what the last committed sessions left queued (a session that did not commit returns its FlowFiles to the queue).
 * Each case states what reaches Snowflake and what is left behind; docs/reliability.md has the table.
 */
class CrashRestartTest {

    @RegisterExtension
    static final S3MockServer S3 = new S3MockServer();

    private static final Path FLOW = Path.of(System.getProperty("snowstream.repository.root", ".."))
            .resolve("flows")
            .resolve(CustomerStreamFlow.BUCKET)
            .resolve(CustomerStreamFlow.FLOW_NAME + ".json");
    private static final int FLOWFILES = 4;
    private static final int RECORDS_PER_FLOWFILE = 1_000;
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    /** One batch of every record. */
    private static final Map<String, String> PARAMETERS = Map.of(
            "generator.records.per.flowfile",
            String.valueOf(RECORDS_PER_FLOWFILE),
            "generator.invalid.percentage",
            "0",
            "s3.batch.max.records",
            String.valueOf(FLOWFILES * RECORDS_PER_FLOWFILE),
            "s3.batch.max.age",
            "1 sec");

    /** The Snowflake account outlives NiFi's crash: one stub for both incarnations (and all cases). */
    private static final SnowflakeStub SNOWFLAKE = startSnowflake();

    private static int bucketNumber;

    /** A FlowFile as the repository keeps it. */
    private record Queued(byte[] content, Map<String, String> attributes) {}

    /**
     * What NiFi's FlowFile repository holds of the crashed incarnation: the FlowFiles each committed trigger routed,
     * by processor and relationship. Transfers are seen only after a trigger returned, so a trigger that never
     * finished leaves nothing here; after the crash nothing is recorded any more.
     */
    private static final class Repository {
        private final Map<String, List<Queued>> routed = new HashMap<>();
        private volatile boolean crashed;

        void watch(final InProcessFlow flow) {
            flow.addListener((processor, relationship, flowFiles, atMillis) -> {
                if (!crashed) {
                    flowFiles.forEach(flowFile -> routed.computeIfAbsent(
                                    processor + "/" + relationship, ignored -> new ArrayList<>())
                            .add(new Queued(flowFile.toByteArray(), new HashMap<>(flowFile.getAttributes()))));
                }
            });
        }

        /** Queues what {@code processor} routed to {@code relationship} at {@code destination} of the restarted flow. */
        void restore(
                final String processor, final String relationship, final InProcessFlow flow, final String destination) {
            routed.getOrDefault(processor + "/" + relationship, List.of())
                    .forEach(flowFile -> flow.runner(destination).enqueue(flowFile.content(), flowFile.attributes()));
        }
    }

    /** What the restarted flow delivered, and what is left in the bucket and the account. */
    private record Outcome(
            long generated,
            long loaded,
            int objectsInBucket,
            int objectsLoaded,
            int openMultipartUploads,
            int announcementsOfLoadedObjects) {}

    private static SnowflakeStub startSnowflake() {
        try {
            return SnowflakeStub.start(EndToEndRun.ACCOUNT, EndToEndRun.USER, TestKeys.publicKey());
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopSnowflake() {
        SNOWFLAKE.close();
    }

    @Test
    void crashBeforeTheUploadTriggerLosesNothingAndDuplicatesNothing() throws Exception {
        final Outcome outcome = crashAtTheUpload(null, false);
        assertDeliveredOnce(outcome);
        assertThat(outcome.openMultipartUploads()).isZero();
    }

    @Test
    void crashAfterTheBatchIsFormedBeforeItsFirstRequestLosesNothingAndDuplicatesNothing() throws Exception {
        final Outcome outcome = crashAtTheUpload(request -> true, false);
        assertDeliveredOnce(outcome);
        assertThat(outcome.openMultipartUploads()).isZero();
    }

    @Test
    void crashDuringTheMultipartUploadLeavesOnlyAnOpenUploadForTheBucketsLifecycleRule() throws Exception {
        final Outcome outcome = crashAtTheUpload(FaultInjectingProxy.Request::isPartUpload, false);
        assertDeliveredOnce(outcome);
        // started by the dead incarnation, never completed nor aborted: not an object, invisible to Snowpipe
        assertThat(outcome.openMultipartUploads()).isEqualTo(1);
    }

    @Test
    void crashAfterTheUploadBeforeTheCommitLeavesASecondObjectWithTheSameRecordsThatIsNeverAnnounced()
            throws Exception {
        final Outcome outcome = crashAtTheUpload(
                request -> request.method().equals("POST")
                        && request.query() != null
                        && request.query().contains("uploadId="),
                true);
        assertThat(outcome.loaded()).isEqualTo(outcome.generated());
        assertThat(outcome.objectsLoaded()).isEqualTo(1);
        // the object the dead incarnation completed stays in the bucket under its own key, with the same records
        assertThat(outcome.objectsInBucket()).isEqualTo(2);
        assertThat(outcome.announcementsOfLoadedObjects()).isEqualTo(1);
        assertThat(outcome.openMultipartUploads()).isZero();
    }

    @Test
    void crashAfterTheUploadCommittedBeforeTheTriggerLosesNothingAndDuplicatesNothing() throws Exception {
        assertDeliveredOnce(crashAtTheTrigger(null));
    }

    @Test
    void crashAfterInsertFilesBeforeTheTriggerCommitsAnnouncesTheFileAgainWhichSnowpipeLoadsOnce() throws Exception {
        final Outcome outcome = crashAtTheTrigger(request -> request.path().endsWith("/insertFiles"));
        assertThat(outcome.loaded()).isEqualTo(outcome.generated());
        assertThat(outcome.objectsLoaded()).isEqualTo(1);
        assertThat(outcome.objectsInBucket()).isEqualTo(1);
        assertThat(outcome.announcementsOfLoadedObjects()).isEqualTo(2);
    }

    @Test
    void crashAfterTheTriggerCommittedLosesNothingAndAnnouncesNothingAgain() throws Exception {
        final String bucket = newBucket();
        final Repository repository = new Repository();
        final long generated;
        try (EndToEndRun crashed = new EndToEndRun(FLOW, S3.endpoint(), bucket, PARAMETERS, SNOWFLAKE)) {
            repository.watch(crashed.flow());
            generated = formBatch(crashed);
            crashed.flow().trigger(CustomerStreamFlow.PUT_BATCHES);
            crashed.flow().trigger(CustomerStreamFlow.TRIGGER_SNOWPIPE);
            repository.crashed = true;
        }
        assertDeliveredOnce(restart(
                bucket,
                generated,
                flow -> repository.restore(
                        CustomerStreamFlow.TRIGGER_SNOWPIPE, "retry", flow, CustomerStreamFlow.TRIGGER_SNOWPIPE)));
    }

    /**
     * Forms one batch in a first incarnation whose S3 requests go through a proxy that dies at {@code crashPoint}
     * (no trigger at all when it is null), then restarts with PutS3Batch's queue as the repository kept it.
     */
    private static Outcome crashAtTheUpload(
            final Predicate<FaultInjectingProxy.Request> crashPoint, final boolean afterForwarding) throws Exception {
        final String bucket = newBucket();
        final Repository repository = new Repository();
        final long generated;
        try (FaultInjectingProxy s3 = new FaultInjectingProxy(S3.endpoint())) {
            final Map<String, String> parameters = new HashMap<>(PARAMETERS);
            parameters.put("s3.endpoint", s3.endpoint().toString());
            try (EndToEndRun crashed = new EndToEndRun(FLOW, S3.endpoint(), bucket, parameters, SNOWFLAKE)) {
                // the batch (~150 KB) goes as a multipart upload: create, one part, complete
                crashed.flow().runner(CustomerStreamFlow.PUT_BATCHES).setProperty("Multipart Threshold", "32 KB");
                repository.watch(crashed.flow());
                generated = formBatch(crashed);
                if (crashPoint != null) {
                    s3.crashAt(crashPoint, afterForwarding);
                    die(crashed, CustomerStreamFlow.PUT_BATCHES, s3, repository);
                }
                repository.crashed = true;
            }
        }
        return restart(
                bucket,
                generated,
                flow -> repository.restore(CustomerStreamFlow.VALIDATE, "valid", flow, CustomerStreamFlow.PUT_BATCHES));
    }

    /**
     * Stores one object in a first incarnation whose Snowflake requests go through a proxy that dies at
     * {@code crashPoint} (no trigger at all when it is null), then restarts with Trigger Snowpipe's queue as the
     * repository kept it.
     */
    private static Outcome crashAtTheTrigger(final Predicate<FaultInjectingProxy.Request> crashPoint) throws Exception {
        final String bucket = newBucket();
        final Repository repository = new Repository();
        final long generated;
        try (FaultInjectingProxy snowflake = new FaultInjectingProxy(SNOWFLAKE.url())) {
            final Map<String, String> parameters = new HashMap<>(PARAMETERS);
            parameters.put("snowflake.account.url", snowflake.endpoint().toString());
            try (EndToEndRun crashed = new EndToEndRun(FLOW, S3.endpoint(), bucket, parameters, SNOWFLAKE)) {
                repository.watch(crashed.flow());
                generated = formBatch(crashed);
                crashed.flow().trigger(CustomerStreamFlow.PUT_BATCHES);
                if (crashPoint != null) {
                    snowflake.crashAt(crashPoint, true);
                    die(crashed, CustomerStreamFlow.TRIGGER_SNOWPIPE, snowflake, repository);
                }
                repository.crashed = true;
            }
        }
        return restart(
                bucket,
                generated,
                flow -> repository.restore(
                        CustomerStreamFlow.PUT_BATCHES, "success", flow, CustomerStreamFlow.TRIGGER_SNOWPIPE));
    }

    /** Generates and validates one batch's worth of records: PutS3Batch's queue then holds one full batch. */
    private static long formBatch(final EndToEndRun run) {
        for (int i = 0; i < FLOWFILES; i++) {
            run.generate();
        }
        while (!run.flow().runner(CustomerStreamFlow.VALIDATE).isQueueEmpty()) {
            run.flow().trigger(CustomerStreamFlow.VALIDATE);
        }
        return run.generatedRecords();
    }

    /**
     * Runs one trigger of {@code processor} on another thread until it reaches the proxy's crash point; from then
     * on the process counts as dead: nothing is recorded, and closing the proxy drops whatever it still sends.
     */
    private static void die(
            final EndToEndRun run, final String processor, final FaultInjectingProxy proxy, final Repository repository)
            throws Exception {
        final CompletableFuture<Void> trigger =
                CompletableFuture.runAsync(() -> run.flow().trigger(processor));
        assertThat(proxy.awaitCrash(TIMEOUT)).as("crash point reached").isTrue();
        repository.crashed = true;
        proxy.close();
        // the dead trigger's thread ends on the dropped connections; what it does then is not the repository's
        trigger.handle((ignored, failure) -> null).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static Outcome restart(final String bucket, final long generated, final Consumer<InProcessFlow> restore)
            throws IOException {
        try (EndToEndRun restarted = new EndToEndRun(FLOW, S3.endpoint(), bucket, PARAMETERS, SNOWFLAKE)) {
            restore.accept(restarted.flow());
            restarted.drain(TIMEOUT);
            final Map<String, Long> loaded = restarted.loadedRows();
            final List<String> paths = loaded.keySet().stream()
                    .map(key -> key.substring("customers/".length()))
                    .toList();
            final long announcements = SNOWFLAKE.restRequests().stream()
                    .filter(request -> request.path().endsWith("/insertFiles"))
                    .flatMap(request ->
                            StreamSupport.stream(request.body().path("files").spliterator(), false))
                    .filter(file -> paths.contains(file.path("path").asText()))
                    .count();
            return new Outcome(
                    generated,
                    loaded.values().stream().mapToLong(Long::longValue).sum(),
                    (int) S3.objects(bucket).stream()
                            .map(S3Object::key)
                            .filter(key -> key.startsWith("customers/"))
                            .count(),
                    loaded.size(),
                    S3.openMultipartUploads(bucket).size(),
                    (int) announcements);
        }
    }

    private static String newBucket() {
        final String bucket = "crash-" + ++bucketNumber;
        S3.createBucket(bucket);
        return bucket;
    }

    private static void assertDeliveredOnce(final Outcome outcome) {
        assertThat(outcome.loaded()).as("records loaded").isEqualTo(outcome.generated());
        assertThat(outcome.objectsLoaded()).isEqualTo(1);
        assertThat(outcome.objectsInBucket()).isEqualTo(1);
        assertThat(outcome.announcementsOfLoadedObjects()).isEqualTo(1);
    }
}
