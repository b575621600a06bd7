package io.snowstream.nifi.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import io.snowstream.nifi.s3.S3MockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator meets when things go wrong, in a real NiFi running the flow file: S3 goes away and PutS3Batch is
 * stopped (scenario d); NiFi is stopped with bin/nifi.sh stop, and killed with kill -9, in the middle of the flow,
 * and started again (scenario e). One NiFi serves the class, in this order. The generator issues no invalid records
 * here: a quarantine object written twice around a crash could not be told from two real ones.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutageAndRestartSystemTest {

    private static final Duration GENERATE_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);
    /** Scenario d: the requirement itself, how long stopping PutS3Batch may take during an S3 outage. */
    private static final Duration STOP_BOUND = Duration.ofSeconds(10);

    @RegisterExtension
    static final NiFiInstance NIFI = FlowFixture.withAwsEnvironment(NiFiInstance.http());

    /** The S3 server in use: scenario d stops one and starts another. */
    private static volatile S3MockServer s3;
    private static FlowFixture fixture;
    private static DeployedFlow flow;

    @BeforeAll
    static void deployFlow() throws Exception {
        s3 = startS3();
        fixture = FlowFixture.deploy(NIFI, () -> s3.client(), s3.endpoint().toString(), Map.of(
                "s3.batch.max.age", "5 sec",
                "s3.batch.max.records", "100000",
                "generator.records.per.flowfile", "10000",
                "generator.invalid.percentage", "0"));
        flow = fixture.flow;
        flow.configureProcessor(DeployedFlow.TRIGGER, Map.of("Notification Method", "INSERT_FILES"), Map.of());
    }

    @AfterAll
    static void stopAll() throws Exception {
        try {
            if (fixture != null) {
                NIFI.client().scheduleGroup(flow.groupId(), "STOPPED");
                fixture.close();
            }
        } finally {
            if (s3 != null) {
                s3.afterAll(null);
            }
        }
    }

    private static S3MockServer startS3() throws Exception {
        final S3MockServer server = new S3MockServer();
        server.beforeAll(null);
        return server;
    }

    /**
     * Scenario d: records flow normally, then S3 stops answering (S3Mock stopped: connections refused) while
     * PutS3Batch holds a due batch. Stopping PutS3Batch during its attempts completes within 10 s with no thread left
     * active, and every record it was given is still queued in front of it or at its failure port. When S3 is back
     * (a new server, the s3.endpoint parameter changed) and PutS3Batch is started, every record is delivered.
     */
    @Test
    @Order(1)
    void d_stoppingPutS3BatchDuringAnS3OutageIsPromptAndLosesNothing() throws Exception {
        final Delivery.Start warmUp = fixture.delivery.start();
        generate(50_000, warmUp);
        flow.awaitDrained(DRAIN_TIMEOUT);
        System.out.println("[system test d] before the outage: " + fixture.delivery.verify(warmUp, "INSERT_FILES",
                Delivery.Run.UNINTERRUPTED));

        final Delivery.Start start = fixture.delivery.start();
        final long validBefore = flow.counter(DeployedFlow.VALIDATE, "Records valid");
        final long storedBefore = flow.counter(DeployedFlow.PUT_BATCHES, "Records stored");
        s3.afterAll(null);
        generate(30_000, start);

        final String put = flow.processorId(DeployedFlow.PUT_BATCHES);
        Await.until("PutS3Batch to be at work on a batch S3 cannot take", Duration.ofMinutes(3), Duration.ofMillis(50),
                () -> NIFI.client().processor(put).path("status").path("aggregateSnapshot").path("activeThreadCount").asInt(),
                active -> active > 0);
        final long stopRequested = System.nanoTime();
        flow.requestStop(DeployedFlow.PUT_BATCHES);
        flow.awaitStopped(DeployedFlow.PUT_BATCHES, Duration.ofMinutes(5));
        final Duration stopping = Duration.ofNanos(System.nanoTime() - stopRequested);
        System.out.printf("[system test d] PutS3Batch stopped %.1f s after the request, during the S3 outage%n",
                stopping.toMillis() / 1000.0);
        assertThat(stopping).as("time to stop PutS3Batch during an S3 outage").isLessThanOrEqualTo(STOP_BOUND);
        final JsonNode stopped = NIFI.client().processor(put);
        assertThat(stopped.path("status").path("aggregateSnapshot").path("activeThreadCount").asInt()).isZero();

        final long given = flow.counter(DeployedFlow.VALIDATE, "Records valid") - validBefore;
        final long stored = flow.counter(DeployedFlow.PUT_BATCHES, "Records stored") - storedBefore;
        final long queued = flow.queuedRecords(flow.connectionId(DeployedFlow.VALIDATE, DeployedFlow.PUT_BATCHES));
        final long atFailure = flow.queuedRecords(flow.connectionId(DeployedFlow.PUT_BATCHES, DeployedFlow.FAILED_S3));
        System.out.printf("[system test d] records given to PutS3Batch during the outage %,d: stored %,d, queued %,d,"
                + " at failure %,d%n", given, stored, queued, atFailure);
        assertThat(stored).as("records stored while S3 was away").isZero();
        assertThat(queued + atFailure).as("records queued in front of PutS3Batch or at its failure port").isEqualTo(given);

        // S3 is back, somewhere else: the operator points the flow at it and starts PutS3Batch again
        s3 = startS3();
        s3.createBucket(Delivery.BUCKET);
        flow.setParameters(Map.of("s3.endpoint", s3.endpoint().toString()));
        flow.start(DeployedFlow.PUT_BATCHES);
        flow.awaitDrained(DRAIN_TIMEOUT);
        final Delivery.Report report = fixture.delivery.verify(start, "INSERT_FILES", Delivery.Run.UNINTERRUPTED);
        System.out.println("[system test d] after the outage: " + report);
        assertThat(s3.openMultipartUploads(Delivery.BUCKET)).as("open multipart uploads").isEmpty();
    }

    /**
     * Scenario e, graceful: NiFi is stopped with bin/nifi.sh stop while records flow, and started again. The
     * processors resume by themselves, the generator continues its sequence, every record is delivered once, and
     * nothing is left behind.
     */
    @Test
    @Order(2)
    void e_afterBinNifiShStopAndStartEveryRecordIsDelivered() {
        final Delivery.Start start = fixture.delivery.start();
        final long beforeStop = runUntilMidFlow(start);
        NIFI.stop();
        final Delivery.Report report = restartAndDrain(start, beforeStop, Delivery.Run.RESTARTED);
        System.out.println("[system test e, bin/nifi.sh stop] " + report);
        assertThat(report.orphans()).as("objects left behind by a graceful stop").isEmpty();
        assertThat(s3.openMultipartUploads(Delivery.BUCKET)).as("open multipart uploads after a graceful stop").isEmpty();
    }

    /**
     * Scenario e, crash: NiFi's JVM is killed with kill -9 while records flow, and started again. Every record is
     * delivered; what may be left behind is what docs/reliability.md says: at most one open multipart upload and at
     * most one unannounced object per PutS3Batch, whose records a loaded object holds too.
     */
    @Test
    @Order(3)
    void e_afterKill9AndStartEveryRecordIsDelivered() {
        final Delivery.Start start = fixture.delivery.start();
        final long beforeKill = runUntilMidFlow(start);
        NIFI.kill();
        final List<MultipartUpload> openAfterKill = s3.openMultipartUploads(Delivery.BUCKET);
        final Delivery.Report report = restartAndDrain(start, beforeKill, Delivery.Run.CRASHED);
        final List<MultipartUpload> open = s3.openMultipartUploads(Delivery.BUCKET);
        System.out.println("[system test e, kill -9] " + report + "; open multipart uploads right after the kill: "
                + openAfterKill.size() + ", after the restart: " + open.size());
        assertThat(report.orphans()).as("unannounced objects left by the crash (at most one per PutS3Batch)").hasSizeLessThanOrEqualTo(1);
        assertThat(open).as("open multipart uploads left by the crash (at most one per PutS3Batch)").hasSizeLessThanOrEqualTo(1);
    }

    /** Starts the whole group and returns once records are in every stage: generated, queued, stored, announced. */
    private static long runUntilMidFlow(final Delivery.Start start) {
        final long objectsBefore = fixture.snowpipe.insertFilesAnnouncements().size();
        flow.startAll();
        Await.until("records to be in flight: generated, stored and announced", GENERATE_TIMEOUT, () ->
                flow.generatedRecords() - start.generated() >= 100_000
                        && fixture.snowpipe.insertFilesAnnouncements().size() > objectsBefore
                        && flow.queued() > 0);
        return flow.generatedRecords();
    }

    /**
     * Starts NiFi with bin/nifi.sh start; the processors resume as they were (RUNNING). Once the generator has
     * continued past where it was, it is stopped, the flow drains, and the phase is checked.
     */
    private static Delivery.Report restartAndDrain(final Delivery.Start start, final long generatedBefore, final Delivery.Run run) {
        NIFI.start();
        final long resumed = Await.until("the generator to continue its sequence after the restart", GENERATE_TIMEOUT,
                flow::generatedRecords, generated -> generated >= generatedBefore + 50_000);
        flow.stop(DeployedFlow.GENERATE);
        assertThat(resumed).as("the generator's position after the restart").isGreaterThan(generatedBefore);
        flow.awaitDrained(DRAIN_TIMEOUT);
        return fixture.delivery.verify(start, "INSERT_FILES", run);
    }

    private static void generate(final long records, final Delivery.Start start) {
        flow.startAll();
        Await.until("the generator to issue " + records + " records", GENERATE_TIMEOUT,
                () -> flow.generatedRecords() - start.generated() >= records);
        flow.stop(DeployedFlow.GENERATE);
    }
}
