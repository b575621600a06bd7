package io.snowstream.nifi.processors;

import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.customer.csv.EventTime;
import io.snowstream.nifi.s3.FaultInjectingProxy;
import io.snowstream.nifi.s3.S3MockServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.apache.nifi.components.AllowableValue;
import org.apache.nifi.components.ConfigVerificationResult;
import org.apache.nifi.components.ConfigVerificationResult.Outcome;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.provenance.ProvenanceEventRecord;
import org.apache.nifi.provenance.ProvenanceEventType;
import org.apache.nifi.util.MockComponentLog;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.MockProcessSession;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

class PutS3BatchTest {

    @RegisterExtension
    static final S3MockServer S3 = new S3MockServer();

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static final String TIME_BASE = "2026-11-23T10:15:30.123Z";
    private static FaultInjectingProxy proxy;

    private TestRunner runner;
    private String bucket;
    private int nextRecordId;

    @BeforeAll
    static void startProxy() throws IOException {
        proxy = new FaultInjectingProxy(S3.endpoint());
    }

    @AfterAll
    static void stopProxy() {
        proxy.close();
    }

    @BeforeEach
    void setUp() {
        proxy.reset();
        bucket = "batch-" + BUCKETS.incrementAndGet();
        S3.createBucket(bucket);
        runner = PutS3BatchRunners.against(S3, bucket);
    }

    @Test
    void smallBatchBecomesOneGzipObjectWithOneHeaderAndEveryRecord() throws IOException {
        final List<String> first = records(3);
        final List<String> second = records(2);
        final List<String> third = records(4);
        enqueueWithAttributes(first);
        enqueueWithAttributes(second);
        enqueueWithAttributes(third);

        runner.run();

        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_SUCCESS, 1);
        assertThat(runner.getQueueSize().getObjectCount()).isZero();
        final MockFlowFile object =
                runner.getFlowFilesForRelationship(PutS3Batch.REL_SUCCESS).getFirst();
        final String key = object.getAttribute("s3.key");
        assertThat(key).matches("customers/\\d{4}/\\d{2}/\\d{2}/\\d{2}/customers-\\d{17}-.+-[0-9a-f-]{36}\\.csv\\.gz");
        object.assertAttributeEquals("s3.bucket", bucket);
        object.assertAttributeEquals("record.count", "9");
        object.assertAttributeEquals("batch.flowfile.count", "3");
        object.assertAttributeEquals("event.time.min", eventTime(0));
        object.assertAttributeEquals("event.time.max", eventTime(8));
        object.assertAttributeExists("s3.etag");
        object.assertAttributeExists("s3.upload.duration.millis");
        object.assertAttributeNotExists("s3.uploadId");
        assertThat(object.getAttribute("s3.url")).endsWith("/" + bucket + "/" + key);
        assertThat(object.getSize()).isZero();

        final List<String> expected = new ArrayList<>();
        expected.add(CustomerCsvFormat.HEADER);
        expected.addAll(first);
        expected.addAll(second);
        expected.addAll(third);
        assertThat(recordsOf(gunzip(S3.content(bucket, key)))).containsExactlyElementsOf(expected);

        final List<ProvenanceEventRecord> sends = runner.getProvenanceEvents().stream()
                .filter(event -> event.getEventType() == ProvenanceEventType.SEND)
                .toList();
        assertThat(sends)
                .singleElement()
                .satisfies(send -> assertThat(send.getTransitUri()).isEqualTo("s3://" + bucket + "/" + key));
        assertThat(runner.getCounterValue("Objects stored")).isEqualTo(1);
        assertThat(runner.getCounterValue("Records stored")).isEqualTo(9);
    }

    @Test
    void inputsWithoutAttributesAreCountedFromTheirContent() throws IOException {
        final List<String> lines = records(5);
        runner.enqueue(csv(lines));

        runner.run();

        final MockFlowFile object =
                runner.getFlowFilesForRelationship(PutS3Batch.REL_SUCCESS).getFirst();
        object.assertAttributeEquals("record.count", "5");
        object.assertAttributeEquals("event.time.min", eventTime(0));
        object.assertAttributeEquals("event.time.max", eventTime(4));
        final HeadObjectResponse head =
                S3.client().headObject(request -> request.bucket(bucket).key(object.getAttribute("s3.key")));
        assertThat(head.metadata()).containsEntry("record-count", "5");
    }

    @Test
    void ageBoundHoldsAQuietQueueAndThenFiresWithoutFurtherData() throws InterruptedException {
        runner.setProperty(PutS3Batch.MAX_BATCH_AGE, "1 hour");
        enqueueWithAttributes(records(2));
        enqueueWithAttributes(records(2));

        runner.run();

        runner.assertTransferCount(PutS3Batch.REL_SUCCESS, 0);
        assertThat(runner.getQueueSize().getObjectCount()).isEqualTo(2);
        assertThat(S3.objects(bucket)).isEmpty();

        runner.setProperty(PutS3Batch.MAX_BATCH_AGE, "50 millis");
        Thread.sleep(100);
        runner.run();

        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_SUCCESS, 1);
        runner.getFlowFilesForRelationship(PutS3Batch.REL_SUCCESS)
                .getFirst()
                .assertAttributeEquals("record.count", "4");
        assertThat(runner.getQueueSize().getObjectCount()).isZero();
    }

    @Test
    void aWaitingBatchThatFillsUpIsStoredAtOnce() {
        runner.setProperty(PutS3Batch.MAX_BATCH_AGE, "1 hour");
        runner.setProperty(PutS3Batch.MAX_BATCH_RECORDS, "10");
        enqueueWithAttributes(records(4));
        runner.run(1, false, true);
        runner.assertTransferCount(PutS3Batch.REL_SUCCESS, 0);

        enqueueWithAttributes(records(6));
        runner.run(1, true, false);

        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_SUCCESS, 1);
        runner.getFlowFilesForRelationship(PutS3Batch.REL_SUCCESS)
                .getFirst()
                .assertAttributeEquals("record.count", "10");
    }

    @Test
    void recordBoundClosesFullBatchesAndLeavesTheRestWaitingForAge() {
        runner.setProperty(PutS3Batch.MAX_BATCH_AGE, "1 hour");
        runner.setProperty(PutS3Batch.MAX_BATCH_RECORDS, "100");
        for (int i = 0; i < 5; i++) {
            enqueueWithAttributes(records(40));
        }

        runner.run(3);

        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_SUCCESS, 2);
        assertThat(runner.getFlowFilesForRelationship(PutS3Batch.REL_SUCCESS))
                .allSatisfy(object -> object.assertAttributeEquals("record.count", "80"));
        assertThat(runner.getQueueSize().getObjectCount()).isEqualTo(1);
        assertThat(S3.objects(bucket)).hasSize(2);
    }

    @Test
    void sizeBoundClosesFullBatches() {
        runner.setProperty(PutS3Batch.MAX_BATCH_AGE, "1 hour");
        final byte[] content = csv(records(20));
        runner.setProperty(PutS3Batch.MAX_BATCH_SIZE, (content.length * 3) + " B");
        for (int i = 0; i < 7; i++) {
            runner.enqueue(content, Map.of("record.count", "20"));
        }

        runner.run(3);

        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_SUCCESS, 2);
        assertThat(runner.getFlowFilesForRelationship(PutS3Batch.REL_SUCCESS))
                .allSatisfy(object -> object.assertAttributeEquals("batch.flowfile.count", "3"));
        assertThat(runner.getQueueSize().getObjectCount()).isEqualTo(1);
    }

    @Test
    void largeBatchIsStreamedAsMultipartUploadAndStoredByteForByte() {
        runner.setProperty(PutS3Batch.COMPRESSION, PutS3Batch.COMPRESSION_NONE);
        runner.setProperty(PutS3Batch.MULTIPART_THRESHOLD, "5 MB");
        runner.setProperty(PutS3Batch.MULTIPART_PART_SIZE, "5 MB");
        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(CustomerCsvFormat.HEADER_LINE);
        long bytes = 0;
        while (bytes < 21L * 1024 * 1024) {
            final List<String> lines = records(20_000);
            final byte[] content = csv(lines);
            runner.enqueue(content, Map.of("record.count", "20000"));
            expected.write(
                    content,
                    CustomerCsvFormat.HEADER_LINE.length,
                    content.length - CustomerCsvFormat.HEADER_LINE.length);
            bytes += content.length;
        }

        runner.run();

        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_SUCCESS, 1);
        final MockFlowFile object =
                runner.getFlowFilesForRelationship(PutS3Batch.REL_SUCCESS).getFirst();
        object.assertAttributeExists("s3.uploadId");
        assertThat(object.getAttribute("s3.key")).endsWith(".csv");
        final byte[] stored = S3.content(bucket, object.getAttribute("s3.key"));
        assertThat(stored.length).isGreaterThanOrEqualTo(20 * 1024 * 1024);
        assertThat(Arrays.equals(stored, expected.toByteArray()))
                .as("stored object equals the concatenated inputs")
                .isTrue();
        assertThat(S3.openMultipartUploads(bucket)).isEmpty();
    }

    @Test
    void encryptionStorageClassAndMetadataAreVisibleOnTheStoredObject() {
        runner.setProperty(PutS3Batch.SERVER_SIDE_ENCRYPTION, PutS3Batch.SSE_S3);
        runner.setProperty(PutS3Batch.STORAGE_CLASS, "STANDARD_IA");
        runner.setProperty(PutS3Batch.SOURCE_NAME, "test-pipeline");
        enqueueWithAttributes(records(3));

        runner.run();

        final MockFlowFile object =
                runner.getFlowFilesForRelationship(PutS3Batch.REL_SUCCESS).getFirst();
        object.assertAttributeEquals("s3.sseAlgorithm", "AES256");
        final HeadObjectResponse head =
                S3.client().headObject(request -> request.bucket(bucket).key(object.getAttribute("s3.key")));
        assertThat(head.serverSideEncryptionAsString()).isEqualTo("AES256");
        assertThat(head.storageClassAsString()).isEqualTo("STANDARD_IA");
        assertThat(head.metadata())
                .containsEntry("record-count", "3")
                .containsEntry("first-event-time", eventTime(0))
                .containsEntry("last-event-time", eventTime(2))
                .containsEntry("source", "test-pipeline");
    }

    @Test
    void missingBucketRoutesEveryInputToFailureWithTheS3ErrorCode() {
        runner.setProperty(PutS3Batch.BUCKET, "no-such-bucket");
        enqueueWithAttributes(records(2));
        enqueueWithAttributes(records(2));

        runner.run();

        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_FAILURE, 2);
        for (final MockFlowFile input : runner.getFlowFilesForRelationship(PutS3Batch.REL_FAILURE)) {
            input.assertAttributeEquals("s3.statusCode", "404");
            input.assertAttributeEquals("s3.errorCode", "NoSuchBucket");
            input.assertAttributeExists("s3.errorMessage");
            assertThat(input.isPenalized()).isTrue();
            assertThat(input.getContent()).startsWith(CustomerCsvFormat.HEADER);
        }
    }

    @Test
    void badCredentialsRouteToFailureWithTheS3ErrorCode() {
        proxy.requireAccessKeyId("the-real-key");
        runner.setProperty(PutS3Batch.ENDPOINT_OVERRIDE, proxy.endpoint().toString());
        enqueueWithAttributes(records(2));

        runner.run();

        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_FAILURE, 1);
        final MockFlowFile input =
                runner.getFlowFilesForRelationship(PutS3Batch.REL_FAILURE).getFirst();
        input.assertAttributeEquals("s3.statusCode", "403");
        input.assertAttributeEquals("s3.errorCode", "InvalidAccessKeyId");
        assertThat(input.getAttribute("s3.errorMessage")).doesNotContain(S3MockServer.SECRET_ACCESS_KEY);
        assertThat(S3.objects(bucket)).isEmpty();
    }

    @Test
    void failingPartUploadsAreRetriedIntoExactlyOneObjectWithNoUploadLeftOpen() {
        useProxyWithSmallParts();
        proxy.fail(FaultInjectingProxy.Request::isPartUpload, 2, 500, "InternalError");
        proxy.reset(FaultInjectingProxy.Request::isPartUpload, 1);
        proxy.fail(
                request -> request.method().equals("POST")
                        && request.query() != null
                        && request.query().contains("uploadId="),
                1,
                503,
                "SlowDown");
        final byte[] expected = enqueueMegabytes(12);

        runner.run();

        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_SUCCESS, 1);
        assertThat(proxy.injectedFailures()).hasSize(4);
        final List<S3Object> objects = S3.objects(bucket);
        assertThat(objects)
                .singleElement()
                .satisfies(stored -> assertThat(stored.size()).isEqualTo(expected.length));
        assertThat(Arrays.equals(S3.content(bucket, objects.getFirst().key()), expected))
                .isTrue();
        assertThat(S3.openMultipartUploads(bucket)).isEmpty();
    }

    @Test
    void serverFailingForLongerThanTheRetriesLosesNothingAndLeavesNoUploadOpen() {
        useProxyWithSmallParts();
        runner.setProperty(PutS3Batch.MAX_ATTEMPTS, "3");
        proxy.fail(
                request -> request.isPartUpload() && request.query().contains("partNumber=2"), 3, 500, "InternalError");
        final byte[] expected = enqueueMegabytes(12);

        runner.run();

        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_FAILURE, 4);
        runner.getFlowFilesForRelationship(PutS3Batch.REL_FAILURE)
                .forEach(input -> input.assertAttributeEquals("s3.errorCode", "InternalError"));
        assertThat(S3.objects(bucket)).isEmpty();
        assertThat(S3.openMultipartUploads(bucket)).isEmpty();

        // the failure relationship loops back: once the server recovers, the same inputs make exactly one object
        final List<MockFlowFile> failed = runner.getFlowFilesForRelationship(PutS3Batch.REL_FAILURE);
        runner.clearTransferState();
        failed.forEach(input -> runner.enqueue(input.toByteArray(), input.getAttributes()));
        runner.run();

        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_SUCCESS, 1);
        assertThat(S3.objects(bucket)).singleElement();
        assertThat(Arrays.equals(
                        S3.content(bucket, S3.objects(bucket).getFirst().key()), expected))
                .isTrue();
    }

    @Test
    void refusedKeysRouteTheBatchToFailureWithoutWritingAnything() {
        runner.setProperty(PutS3Batch.OBJECT_KEY, "customers/${path}/batch.csv.gz");
        runner.enqueue(csv(records(2)), Map.of("path", "../secrets"));

        runner.run();

        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_FAILURE, 1);
        final MockFlowFile input =
                runner.getFlowFilesForRelationship(PutS3Batch.REL_FAILURE).getFirst();
        input.assertAttributeEquals("s3.errorCode", "InvalidObjectKey");
        assertThat(input.getAttribute("s3.errorMessage")).contains("'..'");
        assertThat(S3.objects(bucket)).isEmpty();
    }

    @Test
    void inputThatIsNotCanonicalCsvGoesToFailureAloneAndTheRestOfItsBatchIsStored() throws IOException {
        enqueueWithAttributes(records(2));
        runner.enqueue("id,name\n1,x\n");
        enqueueWithAttributes(records(3));

        runner.run();

        runner.assertTransferCount(PutS3Batch.REL_FAILURE, 1);
        runner.getFlowFilesForRelationship(PutS3Batch.REL_FAILURE)
                .getFirst()
                .assertAttributeEquals("s3.errorCode", "InvalidInput");
        runner.assertTransferCount(PutS3Batch.REL_SUCCESS, 1);
        runner.getFlowFilesForRelationship(PutS3Batch.REL_SUCCESS)
                .getFirst()
                .assertAttributeEquals("record.count", "5");
        assertThat(recordsOf(
                        gunzip(S3.content(bucket, S3.objects(bucket).getFirst().key()))))
                .hasSize(1 + 5);
        assertThat(runner.getQueueSize().getObjectCount()).isZero();
    }

    @Test
    void inputWhoseContentCannotBeReadGoesToFailureAloneAndTheRestOfItsBatchIsStored() throws IOException {
        enqueueWithAttributes(records(2));
        enqueueWithAttributes(records(1));
        enqueueWithAttributes(records(3));
        final PutS3Batch processor = (PutS3Batch) runner.getProcessor();
        final UnreadableContentSessions sessions = new UnreadableContentSessions(runner, 1);

        processor.onScheduled(runner.getProcessContext());
        processor.onTrigger(runner.getProcessContext(), sessions);
        processor.onStopped();

        final MockProcessSession session = sessions.triggerSession();
        session.assertTransferCount(PutS3Batch.REL_FAILURE, 1);
        final MockFlowFile unreadable =
                session.getFlowFilesForRelationship(PutS3Batch.REL_FAILURE).getFirst();
        unreadable.assertAttributeEquals("s3.errorCode", "ContentNotReadable");
        unreadable.assertAttributeEquals("record.count", "1");
        assertThat(unreadable.isPenalized()).isTrue();
        session.assertTransferCount(PutS3Batch.REL_SUCCESS, 1);
        session.getFlowFilesForRelationship(PutS3Batch.REL_SUCCESS)
                .getFirst()
                .assertAttributeEquals("record.count", "5");
        assertThat(recordsOf(
                        gunzip(S3.content(bucket, S3.objects(bucket).getFirst().key()))))
                .hasSize(1 + 5);
    }

    @Test
    void anUnforeseenFailureReturnsTheWholeBatchToTheQueuePenalized() throws IOException {
        enqueueWithAttributes(records(2));
        enqueueWithAttributes(records(1));
        final PutS3Batch processor = (PutS3Batch) runner.getProcessor();
        final UnreadableContentSessions sessions = UnreadableContentSessions.lostContent(runner, 1);

        // scheduled as the framework marks it, so that the failure is not taken for a stop
        processor.updateScheduledTrue();
        processor.onScheduled(runner.getProcessContext());
        processor.onTrigger(runner.getProcessContext(), sessions);
        processor.updateScheduledFalse();
        processor.onStopped();

        final MockProcessSession session = sessions.triggerSession();
        session.assertTransferCount(PutS3Batch.REL_SUCCESS, 0);
        session.assertTransferCount(PutS3Batch.REL_FAILURE, 0);
        session.assertRolledBack();
        assertThat(sessions.rolledBackPenalized()).isTrue();
        // NiFi itself drops the input whose content is gone; nifi-mock returns it to the queue with the other
        assertThat(runner.getQueueSize().getObjectCount()).isEqualTo(2);
        assertThat(S3.objects(bucket)).isEmpty();
        assertThat(S3.openMultipartUploads(bucket)).isEmpty();
    }

    @Test
    void anEmptyQueueYields() {
        runner.run();

        assertThat(runner.isYieldCalled()).isTrue();
        assertThat(S3.objects(bucket)).isEmpty();
    }

    @Test
    void aWaitingBatchYieldsAndIsHeldSoThatLaterTriggersReadOnlyWhatArrived() throws IOException {
        runner.setProperty(PutS3Batch.MAX_BATCH_AGE, "1 hour");
        runner.setProperty(PutS3Batch.MAX_BATCH_RECORDS, "10");
        enqueueWithAttributes(records(4));
        enqueueWithAttributes(records(3));

        runner.run(1, false, true);

        assertThat(runner.isYieldCalled()).isTrue();
        runner.assertTransferCount(PutS3Batch.REL_SUCCESS, 0);
        // held by the forming batch, not put back: the next trigger does not offer them to the planner again
        assertThat(runner.getQueueSize().getObjectCount()).isZero();

        enqueueWithAttributes(records(3));
        runner.run(1, true, false);

        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_SUCCESS, 1);
        final MockFlowFile object =
                runner.getFlowFilesForRelationship(PutS3Batch.REL_SUCCESS).getFirst();
        object.assertAttributeEquals("record.count", "10");
        object.assertAttributeEquals("batch.flowfile.count", "3");
        final List<String> stored = recordsOf(
                gunzip(S3.content(bucket, S3.objects(bucket).getFirst().key())));
        assertThat(stored.subList(1, stored.size()))
                .extracting(line -> line.substring(0, line.indexOf(',')))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 10)
                        .mapToObj(id -> "c-" + id)
                        .toList());
    }

    @Test
    void stoppingTheProcessorReturnsAWaitingBatchToTheQueue() {
        runner.setProperty(PutS3Batch.MAX_BATCH_AGE, "1 hour");
        enqueueWithAttributes(records(4));
        runner.run(1, false, true);
        assertThat(runner.getQueueSize().getObjectCount()).isZero();

        runner.stop();

        assertThat(runner.getQueueSize().getObjectCount()).isEqualTo(1);
        runner.assertTransferCount(PutS3Batch.REL_SUCCESS, 0);
        runner.assertTransferCount(PutS3Batch.REL_FAILURE, 0);
    }

    @Test
    void aStopDuringRetriesEndsThemAndReturnsTheBatchToTheQueue() throws Exception {
        runner.setProperty(PutS3Batch.ENDPOINT_OVERRIDE, proxy.endpoint().toString());
        runner.setProperty(PutS3Batch.MAX_ATTEMPTS, "1000");
        runner.setProperty(PutS3Batch.INITIAL_RETRY_DELAY, "5 sec");
        proxy.fail(request -> true, Integer.MAX_VALUE, 503, "SlowDown");
        enqueueWithAttributes(records(2));
        enqueueWithAttributes(records(3));

        final Thread trigger = Thread.ofPlatform().start(() -> runner.run(1, false, true));
        while (proxy.injectedFailures().isEmpty()) {
            Thread.sleep(10);
        }
        runner.unSchedule();
        trigger.join();

        // with 1000 attempts a few seconds apart, a join that returned at all means the stop ended the retries
        runner.assertTransferCount(PutS3Batch.REL_SUCCESS, 0);
        runner.assertTransferCount(PutS3Batch.REL_FAILURE, 0);
        assertThat(runner.getQueueSize().getObjectCount()).isEqualTo(2);
        assertThat(proxy.injectedFailures()).hasSizeLessThan(5);
        assertThat(S3.objects(bucket)).isEmpty();
    }

    @Test
    void aMultipartUploadBrokenOffByAStopIsAbortedWhenTheProcessorRunsAgain() throws Exception {
        useProxyWithSmallParts();
        runner.setProperty(PutS3Batch.MAX_ATTEMPTS, "1000");
        runner.setProperty(PutS3Batch.INITIAL_RETRY_DELAY, "5 sec");
        proxy.fail(FaultInjectingProxy.Request::isPartUpload, Integer.MAX_VALUE, 503, "SlowDown");
        final byte[] expected = enqueueMegabytes(12);

        final Thread trigger = Thread.ofPlatform().start(() -> runner.run(1, false, true));
        while (proxy.injectedFailures().isEmpty()) {
            Thread.sleep(10);
        }
        runner.unSchedule();
        trigger.join();

        // the stop closed the client under the upload, so its abort could not be sent then (without the abort on
        // the next run the upload stays open: this test fails so)
        assertThat(runner.getQueueSize().getObjectCount()).isEqualTo(4);

        proxy.reset();
        runner.run();

        assertThat(S3.openMultipartUploads(bucket)).isEmpty();
        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_SUCCESS, 1);
        final List<S3Object> objects = S3.objects(bucket);
        assertThat(objects).singleElement();
        assertThat(Arrays.equals(S3.content(bucket, objects.getFirst().key()), expected))
                .isTrue();
    }

    @Test
    void aStopWhileS3NeverAnswersEndsTheRequestAndReturnsTheBatchToTheQueue() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // accepts connections and never answers: the Communications Timeout (an hour) would end the request
            final AtomicInteger accepted = new AtomicInteger();
            final Thread acceptor = Thread.ofVirtual().start(() -> {
                final List<Socket> held = new ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept());
                        accepted.incrementAndGet();
                    }
                } catch (final IOException closed) {
                    held.forEach(socket -> {
                        try {
                            socket.close();
                        } catch (final IOException ignored) {
                            // the test is over either way
                        }
                    });
                }
            });
            runner.setProperty(PutS3Batch.ENDPOINT_OVERRIDE, "http://127.0.0.1:" + silent.getLocalPort());
            runner.setProperty(PutS3Batch.COMMUNICATIONS_TIMEOUT, "1 hour");
            enqueueWithAttributes(records(2));
            final PutS3Batch processor = (PutS3Batch) runner.getProcessor();
            final AtomicReference<Throwable> failure = new AtomicReference<>();

            final Thread trigger = Thread.ofPlatform().start(() -> {
                try {
                    runner.run(1, false, true);
                } catch (final Throwable t) {
                    failure.set(t);
                }
            });
            while (trigger.isAlive() && accepted.get() == 0) {
                Thread.sleep(10);
            }
            runner.unSchedule();
            trigger.join();
            acceptor.interrupt();

            // a join that returned at all means the stop ended a request that would have waited an hour
            assertThat(failure.get()).isNull();
            runner.assertTransferCount(PutS3Batch.REL_SUCCESS, 0);
            runner.assertTransferCount(PutS3Batch.REL_FAILURE, 0);
            assertThat(runner.getQueueSize().getObjectCount()).isEqualTo(1);
            processor.onStopped();
        }
    }

    @Test
    void verifyReportsAReachableBucketAndAMissingOne() {
        final PutS3Batch processor = (PutS3Batch) runner.getProcessor();
        final MockComponentLog log = new MockComponentLog("verify", processor);

        final List<ConfigVerificationResult> reachable = processor.verify(runner.getProcessContext(), log, Map.of());
        assertThat(reachable).extracting(ConfigVerificationResult::getOutcome).containsOnly(Outcome.SUCCESSFUL);

        runner.setProperty(PutS3Batch.BUCKET, "no-such-bucket");
        final List<ConfigVerificationResult> missing = processor.verify(runner.getProcessContext(), log, Map.of());
        assertThat(missing).extracting(ConfigVerificationResult::getOutcome).contains(Outcome.FAILED);
        assertThat(missing).extracting(ConfigVerificationResult::getExplanation).anyMatch(text -> text.contains("404"));
    }

    @Test
    void verifyExplainsTheListBucketPermissionWhenHeadBucketIsDenied() {
        runner.setProperty(PutS3Batch.ENDPOINT_OVERRIDE, proxy.endpoint().toString());
        proxy.fail(request -> request.method().equals("HEAD"), 1, 403, "AccessDenied");
        final PutS3Batch processor = (PutS3Batch) runner.getProcessor();

        final List<ConfigVerificationResult> denied =
                processor.verify(runner.getProcessContext(), new MockComponentLog("verify", processor), Map.of());

        assertThat(denied)
                .filteredOn(result -> result.getOutcome() == Outcome.FAILED)
                .singleElement()
                .satisfies(result -> assertThat(result.getExplanation())
                        .contains("HTTP 403")
                        .contains("s3:ListBucket on arn:aws:s3:::" + bucket)
                        .contains("Uploads need only s3:PutObject"));
    }

    @Test
    void offersOnlyStorageClassesSnowpipeCanReadEachDescribed() {
        final PropertyDescriptor storageClass =
                runner.getProcessor().getPropertyDescriptor(PutS3Batch.STORAGE_CLASS.getName());

        assertThat(storageClass.getAllowableValues())
                .extracting(AllowableValue::getValue)
                .containsExactly("STANDARD", "INTELLIGENT_TIERING", "STANDARD_IA", "ONEZONE_IA", "GLACIER_IR");
        assertThat(storageClass.getAllowableValues())
                .allSatisfy(value -> assertThat(value.getDescription()).hasSizeGreaterThan(40));
        runner.setProperty(PutS3Batch.STORAGE_CLASS, "GLACIER");
        runner.assertNotValid();
        runner.setProperty(PutS3Batch.STORAGE_CLASS, "DEEP_ARCHIVE");
        runner.assertNotValid();
    }

    @Test
    void partSizeBelowTheS3MinimumIsInvalid() {
        runner.setProperty(PutS3Batch.MULTIPART_PART_SIZE, "1 MB");
        runner.assertNotValid();
        runner.setProperty(PutS3Batch.MULTIPART_PART_SIZE, "5 MB");
        runner.assertValid();
    }

    private void useProxyWithSmallParts() {
        runner.setProperty(PutS3Batch.ENDPOINT_OVERRIDE, proxy.endpoint().toString());
        runner.setProperty(PutS3Batch.COMPRESSION, PutS3Batch.COMPRESSION_NONE);
        runner.setProperty(PutS3Batch.MULTIPART_THRESHOLD, "5 MB");
        runner.setProperty(PutS3Batch.MULTIPART_PART_SIZE, "5 MB");
    }

    /** Enqueues about {@code megabytes} MB of CSV in four inputs; returns the object they should make. */
    private byte[] enqueueMegabytes(final int megabytes) {
        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(CustomerCsvFormat.HEADER_LINE);
        final int recordsPerInput = megabytes * 1024 * 1024 / 4 / 100;
        for (int i = 0; i < 4; i++) {
            final byte[] content = csv(records(recordsPerInput));
            runner.enqueue(content, Map.of("record.count", Integer.toString(recordsPerInput)));
            expected.write(
                    content,
                    CustomerCsvFormat.HEADER_LINE.length,
                    content.length - CustomerCsvFormat.HEADER_LINE.length);
        }
        return expected.toByteArray();
    }

    /** Enqueues the records with the attributes ValidateCustomerRecord writes. */
    private void enqueueWithAttributes(final List<String> lines) {
        final List<String> times = lines.stream()
                .map(line -> line.split(",US,")[1].substring(0, EventTime.LENGTH))
                .sorted()
                .toList();
        runner.enqueue(
                csv(lines),
                Map.of(
                        "record.count", Integer.toString(lines.size()),
                        "event.time.min", times.getFirst(),
                        "event.time.max", times.getLast()));
    }

    /** Records with fields that need quoting (a comma, a quote, a line feed), each with its own event time. */
    private List<String> records(final int count) {
        final List<String> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final int id = nextRecordId++;
            lines.add(
                    "c-" + id + ",Ann,\"O\"\"Neil\",ann" + id + "@example.com,\"1 Main St,\nApt 2\",Springfield,IL,US,"
                            + eventTime(id) + "," + (id % 7 == 0 ? "D" : "U"));
        }
        return lines;
    }

    private static String eventTime(final int offsetSeconds) {
        return EventTime.format(EventTime.parseCanonical(TIME_BASE) + offsetSeconds * 1000L);
    }

    private static byte[] csv(final List<String> lines) {
        final StringBuilder text = new StringBuilder(CustomerCsvFormat.HEADER).append('\n');
        lines.forEach(line -> text.append(line).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gunzip(final byte[] gzipped) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return in.readAllBytes();
        }
    }

    /** Splits CSV text into records, keeping line feeds inside quoted fields. */
    private static List<String> recordsOf(final byte[] csv) {
        final String text = new String(csv, StandardCharsets.UTF_8);
        final List<String> records = new ArrayList<>();
        final StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (final char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == '\n' && !quoted) {
                records.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        assertThat(current).as("object ends with a line feed").isEmpty();
        return records;
    }
}
