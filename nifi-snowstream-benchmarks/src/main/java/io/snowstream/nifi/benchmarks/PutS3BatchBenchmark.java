package io.snowstream.nifi.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.customer.csv.CustomerCsvWriter;
import io.snowstream.nifi.customer.csv.EventTime;
import io.snowstream.nifi.processors.PutS3Batch;
import io.snowstream.nifi.s3.BatchObjectWriter;
import io.snowstream.nifi.s3.Compression;
import io.snowstream.nifi.s3.CsvStatsScanner;
import io.snowstream.nifi.s3.ObjectTarget;
import io.snowstream.nifi.s3.RetryPolicy;
import io.snowstream.nifi.s3.S3ObjectUpload;
import io.snowstream.nifi.s3.ServerSideEncryption;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSessionFactory;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * PutS3Batch against the same S3 server (S3Mock, started by benchmarks.sh) as its peer baseline, a plain AWS SDK
 * upload of the same object bytes, in the same run:
 * <ol>
 *   <li>throughput: PutS3Batch through nifi-mock (reading ~1,000-record FlowFiles, stripping headers, streaming
 *       the object) against plain SDK calls sending the finished object from memory in the same requests, plain
 *       and gzip;</li>
 *   <li>requests per million records at the default settings;</li>
 *   <li>heap: a 1 GB object streamed through the processor's writer and uploader (nifi-mock keeps FlowFile content
 *       on the heap, so this part feeds the same classes from a generator), reporting live heap after each GC.</li>
 * </ol>
 * Usage: {@code PutS3BatchBenchmark <endpoint> [throughput|heap]}
 */
public final class PutS3BatchBenchmark {

    private static final String BUCKET = "benchmark";
    private static final int RECORDS_PER_FLOWFILE = 1_000;
    private static final long MB = 1_000_000L;
    private static final long MIB = 1024L * 1024;
    private static final int WARMUP_ROUNDS = 2;
    private static final int ROUNDS = 11;
    private static final int DEFAULT_THRESHOLD = 32 * 1024 * 1024;
    private static final int DEFAULT_PART_SIZE = 16 * 1024 * 1024;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final URI endpoint;
    private final S3Client baselineClient;

    private PutS3BatchBenchmark(final URI endpoint) {
        this.endpoint = endpoint;
        this.baselineClient = S3Client.builder()
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .httpClient(ApacheHttpClient.builder().build())
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("benchmark", "benchmark")))
                .build();
    }

    public static void main(final String[] args) throws Exception {
        final PutS3BatchBenchmark benchmark = new PutS3BatchBenchmark(URI.create(args[0]));
        final String mode = args.length > 1 ? args[1] : "throughput";
        if (mode.equals("heap")) {
            benchmark.heap();
        } else {
            benchmark.baselineClient.createBucket(request -> request.bucket(BUCKET));
            benchmark.throughput();
            benchmark.requestsPerMillionRecords();
        }
    }

    private void throughput() throws Exception {
        final List<byte[]> inputs = flowFileContents(700_000);
        final byte[] object = concatenate(inputs);
        final long inputBytes = inputs.stream().mapToLong(input -> input.length).sum();
        final List<Map<String, String>> attributes =
                inputs.stream().map(PutS3BatchBenchmark::validatorAttributes).toList();
        System.out.printf(
                Locale.ROOT,
                "PutS3Batch (defaults, through nifi-mock, timed from its first trigger to its last commit) vs the plain AWS SDK uploading the finished object "
                        + "from memory in the same requests (PutObject up to 32 MiB, else 16 MiB parts), same S3Mock:%n"
                        + "one %.0f MB object from %d FlowFiles of %d records, median of %d interleaved rounds after %d warm-up rounds%n",
                object.length / 1e6,
                inputs.size(),
                RECORDS_PER_FLOWFILE,
                ROUNDS,
                WARMUP_ROUNDS);

        // plain first: the same bytes on both sides, the figure the 0.9 target is about; then gzip, where the peer
        // compresses the finished object in one call before sending it
        for (final Compression compression : List.of(Compression.NONE, Compression.GZIP)) {
            final TestRunner runner = scheduledRunner(compression);
            final long[] oursNanos = new long[ROUNDS];
            final long[] peerNanos = new long[ROUNDS];
            final long[] oursCpuNanos = new long[ROUNDS];
            final long[] peerCpuNanos = new long[ROUNDS];
            // rounds alternate between the two so that drift in the machine's load affects both alike, and which
            // goes first alternates too; each starts on a collected heap, so neither pays for the other's garbage
            for (int round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
                final boolean oursFirst = round % 2 == 0;
                final Timing peerBefore = oursFirst ? null : timePlainSdk(compression, object);
                final Timing ours = timeProcessor(runner, inputs, attributes);
                final Timing peer = oursFirst ? timePlainSdk(compression, object) : peerBefore;
                if (round >= 0) {
                    oursNanos[round] = ours.wallNanos();
                    peerNanos[round] = peer.wallNanos();
                    oursCpuNanos[round] = ours.cpuNanos();
                    peerCpuNanos[round] = peer.cpuNanos();
                }
            }
            runner.run(1, true, false);
            final double oursRate = inputBytes * 1e9 / median(oursNanos);
            final double peerRate = inputBytes * 1e9 / median(peerNanos);
            final double[] roundRatios = new double[ROUNDS];
            Arrays.setAll(roundRatios, round -> (double) peerNanos[round] / oursNanos[round]);
            // CPU time beside the wall-clock figures: other work on a shared machine moves the latter, not the former
            System.out.printf(
                    Locale.ROOT,
                    "  %-5s PutS3Batch %s   plain SDK %s   ratio %.2f   (rounds %.2f-%.2f; CPU per round: "
                            + "PutS3Batch %.0f ms, plain SDK %.0f ms)%n",
                    compression.name().toLowerCase(Locale.ROOT),
                    Measurement.megabytesPerSecond(oursRate),
                    Measurement.megabytesPerSecond(peerRate),
                    oursRate / peerRate,
                    Arrays.stream(roundRatios).min().orElseThrow(),
                    Arrays.stream(roundRatios).max().orElseThrow(),
                    median(oursCpuNanos) / 1e6,
                    median(peerCpuNanos) / 1e6);
        }
    }

    /**
     * Enqueues the inputs (nifi-mock's part, not timed), then times PutS3Batch from the start of its first trigger
     * until the queue is empty and the last trigger's session is committed.
     */
    private static Timing timeProcessor(
            final TestRunner runner, final List<byte[]> inputs, final List<Map<String, String>> attributes) {
        runner.clearTransferState();
        for (int i = 0; i < inputs.size(); i++) {
            runner.enqueue(inputs.get(i), attributes.get(i));
        }
        System.gc();
        final TimedPutS3Batch processor = (TimedPutS3Batch) runner.getProcessor();
        processor.firstTriggerNanos = 0;
        processor.triggerCpuNanos.set(0);
        while (!runner.isQueueEmpty()) {
            runner.run(1, false, false);
        }
        final long elapsed = System.nanoTime() - processor.firstTriggerNanos;
        runner.assertTransferCount("failure", 0);
        return new Timing(elapsed, processor.triggerCpuNanos.get());
    }

    /** One side's time for one round: wall clock, and the CPU time of the thread that did the work. */
    private record Timing(long wallNanos, long cpuNanos) {}

    /**
     * PutS3Batch itself, noting when its first trigger starts: what nifi-mock does in each {@code run} before it
     * triggers the processor (validating every property, starting a thread pool, about 10 ms here) is the test
     * harness's work, which NiFi does not repeat per trigger, so it is not counted. Also sums the CPU time of its
     * triggers (nifi-mock's session commit after each, about a millisecond, is outside them).
     */
    public static final class TimedPutS3Batch extends PutS3Batch {
        private volatile long firstTriggerNanos;
        private final AtomicLong triggerCpuNanos = new AtomicLong();

        @Override
        public void onTrigger(final ProcessContext context, final ProcessSessionFactory sessionFactory) {
            if (firstTriggerNanos == 0) {
                firstTriggerNanos = System.nanoTime();
            }
            final long cpuStart = THREADS.getCurrentThreadCpuTime();
            try {
                super.onTrigger(context, sessionFactory);
            } finally {
                triggerCpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - cpuStart);
            }
        }
    }

    private Timing timePlainSdk(final Compression compression, final byte[] object) throws IOException {
        System.gc();
        final long cpuStart = THREADS.getCurrentThreadCpuTime();
        final long start = System.nanoTime();
        final Body body = compression == Compression.GZIP ? gzip(object) : new Body(object, object.length);
        plainSdkUpload("baseline" + compression.extension(), body);
        return new Timing(System.nanoTime() - start, THREADS.getCurrentThreadCpuTime() - cpuStart);
    }

    private static long median(final long[] values) {
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * The peer: the finished object, already in memory, uploaded with plain SDK calls in the request pattern any
     * careful client uses at the processor's default sizes: one PutObject up to 32 MiB, else 16 MiB parts. A careful
     * client sends the bytes where they lie: {@code RequestBody.fromBytes} and a copied range per part would each
     * copy the object once more, work PutS3Batch does not do, so the bodies read the array in place, as PutS3Batch's do.
     * The client, its checksums (the SDK's default CRC32 trailer) and its payload signing are PutS3Batch's.
     */
    private void plainSdkUpload(final String key, final Body body) {
        if (body.length() <= DEFAULT_THRESHOLD) {
            baselineClient.putObject(request -> request.bucket(BUCKET).key(key), body.range(0, body.length()));
            return;
        }
        final String uploadId = baselineClient
                .createMultipartUpload(request -> request.bucket(BUCKET).key(key))
                .uploadId();
        final List<CompletedPart> parts = new ArrayList<>();
        for (int offset = 0, number = 1; offset < body.length(); offset += DEFAULT_PART_SIZE, number++) {
            final int partNumber = number;
            final int length = Math.min(DEFAULT_PART_SIZE, body.length() - offset);
            final String eTag = baselineClient
                    .uploadPart(
                            request -> request.bucket(BUCKET)
                                    .key(key)
                                    .uploadId(uploadId)
                                    .partNumber(partNumber),
                            body.range(offset, length))
                    .eTag();
            parts.add(CompletedPart.builder().partNumber(partNumber).eTag(eTag).build());
        }
        baselineClient.completeMultipartUpload(request ->
                request.bucket(BUCKET).key(key).uploadId(uploadId).multipartUpload(upload -> upload.parts(parts)));
    }

    private void requestsPerMillionRecords() throws Exception {
        final List<byte[]> inputs = flowFileContents(1_000_000);
        final TestRunner runner = scheduledRunner(Compression.GZIP);
        timeProcessor(
                runner,
                inputs,
                inputs.stream().map(PutS3BatchBenchmark::validatorAttributes).toList());
        runner.run(1, true, false);
        final List<MockFlowFile> objects = runner.getFlowFilesForRelationship("success");
        final long objectBytes = objects.stream()
                .mapToLong(object -> Long.parseLong(object.getAttribute("s3.object.size")))
                .sum();
        System.out.printf(
                Locale.ROOT,
                "Default settings, 1,000,000 records in %d FlowFiles (%.0f MB of CSV): %d object(s), %.1f MB gzip; "
                        + "S3 requests per million records: %d%n",
                inputs.size(),
                inputs.stream().mapToLong(input -> input.length).sum() / 1e6,
                objects.size(),
                objectBytes / 1e6,
                runner.getCounterValue("S3 requests"));
    }

    /** PutS3Batch at its defaults (plus the connection to S3Mock), scheduled once so rounds reuse its client. */
    private TestRunner scheduledRunner(final Compression compression) {
        final TestRunner runner = TestRunners.newTestRunner(TimedPutS3Batch.class);
        runner.setProperty("Bucket", BUCKET);
        runner.setProperty("Credentials Source", "static-keys");
        runner.setProperty("Access Key ID", "benchmark");
        runner.setProperty("Secret Access Key", "benchmark");
        runner.setProperty("Endpoint Override URL", endpoint.toString());
        runner.setProperty("Use Path-Style Access", "true");
        runner.setProperty("Compression", compression.name());
        runner.setProperty("Max Batch Age", "0 sec");
        runner.run(1, false, true);
        return runner;
    }

    private void heap() throws Exception {
        final AtomicLong peakLiveHeap = new AtomicLong();
        final AtomicInteger collections = new AtomicInteger();
        watchLiveHeapAfterGc(peakLiveHeap, collections);
        final long objectBytes = 1024 * MIB;
        final ObjectTarget target = new ObjectTarget(
                BUCKET,
                "heap/one-gigabyte.csv",
                "text/csv",
                "STANDARD",
                ServerSideEncryption.NONE,
                null,
                Map.of("record-count", "unknown"));
        final long start = System.nanoTime();
        final S3ObjectUpload upload = new S3ObjectUpload(
                baselineClient, target, new RetryPolicy(5, Duration.ofMillis(200), () -> true), (int) (32 * MIB), (int)
                        (16 * MIB));
        final Compression.Encoder body = Compression.NONE.wrap(upload);
        final BatchObjectWriter writer = new BatchObjectWriter(body);
        long written = 0;
        final byte[] input = concatenate(flowFileContents(RECORDS_PER_FLOWFILE));
        while (written < objectBytes) {
            try (InputStream content = new ByteArrayInputStream(input)) {
                writer.append(content);
            }
            written += input.length - CustomerCsvFormat.HEADER_LINE.length;
        }
        body.finish();
        final S3ObjectUpload.UploadResult result = upload.complete();
        final double seconds = (System.nanoTime() - start) / 1e9;
        final long maxHeap = Runtime.getRuntime().maxMemory();
        System.out.printf(
                Locale.ROOT,
                "1 GB batch (%,d bytes, %d parts) streamed by PutS3Batch's writer and uploader in %.1f s, usable heap %d MiB: "
                        + "peak live heap after GC %.1f MB over %d collections (part buffer: 32 MiB)%n",
                result.bytes(),
                result.parts(),
                seconds,
                maxHeap / MIB,
                peakLiveHeap.get() / 1e6,
                collections.get());
    }

    private static void watchLiveHeapAfterGc(final AtomicLong peak, final AtomicInteger collections) {
        final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());
        for (final GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) collector)
                    .addNotificationListener(
                            (notification, handback) -> {
                                if (!notification
                                        .getType()
                                        .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                                    return;
                                }
                                final GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                                        (CompositeData) notification.getUserData());
                                final long live = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                                        .filter(entry -> heapPools.contains(entry.getKey()))
                                        .map(Map.Entry::getValue)
                                        .mapToLong(MemoryUsage::getUsed)
                                        .sum();
                                peak.accumulateAndGet(live, Math::max);
                                collections.incrementAndGet();
                            },
                            null,
                            null);
        }
    }

    /** Canonical CSV FlowFile contents of {@value #RECORDS_PER_FLOWFILE} records each, as ValidateCustomerRecord emits. */
    private static List<byte[]> flowFileContents(final int records) {
        final List<byte[]> contents = new ArrayList<>();
        final long baseTime = 1_795_000_000_000L;
        for (int first = 0; first < records; first += RECORDS_PER_FLOWFILE) {
            final ByteArrayOutputStream content = new ByteArrayOutputStream(RECORDS_PER_FLOWFILE * 160);
            try (CustomerCsvWriter writer = new CustomerCsvWriter(content)) {
                writer.writeHeader();
                for (int id = first; id < Math.min(records, first + RECORDS_PER_FLOWFILE); id++) {
                    writer.field(id);
                    writer.field(FIRST_NAMES[id % FIRST_NAMES.length]);
                    writer.field(LAST_NAMES[id * 7 % LAST_NAMES.length]);
                    writer.field("customer" + id + "@example.com");
                    writer.field((id % 9_000 + 100) + " " + STREETS[id % STREETS.length]
                            + (id % 11 == 0 ? ", Apt " + id % 97 : ""));
                    writer.field(CITIES[id * 3 % CITIES.length]);
                    writer.field(STATES[id % STATES.length]);
                    writer.field("US");
                    writer.eventTimeField(baseTime + id * 37L);
                    writer.field(id % 20 == 0 ? CustomerCsvFormat.OP_DELETE : CustomerCsvFormat.OP_UPSERT);
                    writer.endRecord();
                }
            }
            contents.add(content.toByteArray());
        }
        return contents;
    }

    /** The attributes ValidateCustomerRecord writes on its output: record count and event-time range. */
    private static Map<String, String> validatorAttributes(final byte[] input) {
        try (InputStream content = new ByteArrayInputStream(input)) {
            final CsvStatsScanner stats = CsvStatsScanner.scan(content);
            return Map.of(
                    "record.count",
                    Long.toString(stats.records()),
                    "event.time.min",
                    EventTime.format(stats.minEventTime()),
                    "event.time.max",
                    EventTime.format(stats.maxEventTime()));
        } catch (final IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] concatenate(final List<byte[]> inputs) {
        final ByteArrayOutputStream object = new ByteArrayOutputStream();
        object.writeBytes(CustomerCsvFormat.HEADER_LINE);
        for (final byte[] input : inputs) {
            object.write(
                    input, CustomerCsvFormat.HEADER_LINE.length, input.length - CustomerCsvFormat.HEADER_LINE.length);
        }
        return object.toByteArray();
    }

    /** The first {@code length} bytes of {@code bytes}: an object body in memory. */
    private record Body(byte[] bytes, int length) {
        RequestBody range(final int offset, final int rangeLength) {
            return RequestBody.fromContentProvider(
                    () -> new ByteArrayInputStream(bytes, offset, rangeLength),
                    rangeLength,
                    "application/octet-stream");
        }
    }

    /**
     * The baseline's gzip: the JDK's, at the same fastest level PutS3Batch uses, the whole object in one call; the
     * compressed bytes are sent from the stream's own array rather than a copy of it.
     */
    private static Body gzip(final byte[] plain) throws IOException {
        final InPlaceOutputStream compressed = new InPlaceOutputStream(plain.length / 4);
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed, 64 * 1024) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gzip.write(plain);
        }
        return compressed.body();
    }

    private static final class InPlaceOutputStream extends ByteArrayOutputStream {
        InPlaceOutputStream(final int initialSize) {
            super(initialSize);
        }

        Body body() {
            return new Body(buf, count);
        }
    }

    private static final String[] FIRST_NAMES = {
        "Ann", "Bob", "Chloé", "Dmitri", "Eve", "Farah", "Gus", "Hana", "Ivan", "Jun"
    };
    private static final String[] LAST_NAMES = {
        "Smith", "O'Neil", "García", "Nguyen", "Müller", "Okafor", "Rossi", "Kim", "Patel"
    };
    private static final String[] STREETS = {
        "Main St", "Elm Ave", "Oak Blvd", "Maple Dr", "2nd St", "Lakeview Rd", "Pine Ct"
    };
    private static final String[] CITIES = {
        "Springfield", "Portland", "Austin", "Denver", "Madison", "Columbus", "Raleigh"
    };
    private static final String[] STATES = {"IL", "OR", "TX", "CO", "WI", "OH", "NC", "CA", "NY", "WA"};
}
