package io.snowstream.nifi.benchmarks;

import io.snowstream.nifi.flows.definition.CustomerStreamFlow;
import io.snowstream.nifi.flows.run.EndToEndRun;
import io.snowstream.nifi.flows.run.FaultyFlowRun;
import io.snowstream.nifi.flows.run.InProcessFlow;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reliability runs too long for the build, against S3Mock and the loopback Snowflake stub:
 * <ul>
 *   <li>{@code faults}: {@link FaultyFlowRun} with a million records: a fifth of the S3 requests failing or crawling,
 *       Snowpipe 503 storms, refused tokens and failed loads; exits non-zero when a record is lost, an object shares
 *       a record with another, a multipart upload stays open, a failure has no reason, or a trigger held its thread
 *       beyond the configured bound;</li>
 *   <li>{@code soak}: a fixed number of records through the flow at its default settings, as fast as back-pressure
 *       lets the generator run, the heap sampled after a full GC at regular record counts. nifi-mock keeps queued
 *       content in the heap (NiFi keeps it in its content repository), and the queues fill up to their back-pressure
 *       thresholds, so each sample is split into the queued content and the rest: the memory the processors and the
 *       framework hold. Exits non-zero when that rest grows, from the first third of the run to the last, beyond the
 *       stated bound.</li>
 * </ul>
 * Arguments: the S3 endpoint (S3Mock), the flow file, then faults and/or soak.
 */
public final class ReliabilityBenchmark {

    private static final long FAULT_RECORDS = 1_000_000;
    private static final long SOAK_RECORDS = 6_000_000;
    private static final long SOAK_SAMPLE_EVERY = 250_000;
    private static final long SOAK_GROWTH_BOUND_BYTES = 64L << 20;
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);

    private ReliabilityBenchmark() {}

    public static void main(final String[] args) throws Exception {
        final URI s3Endpoint = URI.create(args[0]);
        final Path flowFile = Path.of(args[1]);
        boolean passed = true;
        for (final String run : List.of(args).subList(2, args.length)) {
            passed &= switch (run) {
                case "faults" -> faults(s3Endpoint, flowFile);
                case "soak" -> soak(s3Endpoint, flowFile);
                default -> throw new IllegalArgumentException("unknown run " + run + " (faults or soak)");
            };
        }
        System.exit(passed ? 0 : 1);
    }

    private static boolean faults(final URI s3Endpoint, final Path flowFile) throws Exception {
        EndToEndBenchmark.createBucket(s3Endpoint, "faults");
        final FaultyFlowRun.Settings settings = new FaultyFlowRun.Settings(FAULT_RECORDS, 1_000, 25_000, 0.2, 8);
        System.out.printf(
                Locale.ROOT,
                "Faults: %s in one JVM; %,d records, %,d per object, %.0f%% of S3 requests faulted%n",
                flowFile,
                settings.records(),
                settings.recordsPerObject(),
                settings.s3FaultShare() * 100);
        final FaultyFlowRun.Report report = FaultyFlowRun.run(flowFile, s3Endpoint, "faults", settings, DRAIN_TIMEOUT);
        System.out.print(report.describe());
        final boolean passed = report.lost() == 0
                && report.objectsInBucket() == report.objects()
                && report.objectsSharingRecords() == 0
                && report.openMultipartUploads() == 0
                && report.failedFlowFilesWithoutReason() == 0
                && report.atUnreadable() == 0
                && report.longestTriggers().values().stream()
                        .allMatch(longest -> longest.compareTo(report.triggerBound()) < 0);
        System.out.println(passed ? "faults: PASSED" : "faults: FAILED");
        return passed;
    }

    private static boolean soak(final URI s3Endpoint, final Path flowFile) throws Exception {
        EndToEndBenchmark.createBucket(s3Endpoint, "soak");
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        final List<Long> samples = new ArrayList<>();
        final List<Long> queuedSamples = new ArrayList<>();
        System.out.printf(
                Locale.ROOT,
                "Soak: %s at its default settings, %,d records, heap after a full GC every %,d records (max heap %d MB)%n",
                flowFile,
                SOAK_RECORDS,
                SOAK_SAMPLE_EVERY,
                Runtime.getRuntime().maxMemory() >> 20);
        final long start = System.nanoTime();
        try (EndToEndRun run = new EndToEndRun(flowFile, s3Endpoint, "soak", Map.of())) {
            final InProcessFlow flow = run.flow();
            long nextSample = SOAK_SAMPLE_EVERY;
            while (run.generatedRecords() < SOAK_RECORDS) {
                if (!flow.isBackPressured(CustomerStreamFlow.GENERATE)) {
                    run.generate();
                }
                flow.runPass();
                if (run.generatedRecords() >= nextSample) {
                    System.gc();
                    final long queued = queuedBytes(flow);
                    queuedSamples.add(queued);
                    samples.add(memory.getHeapMemoryUsage().getUsed() - queued);
                    nextSample += SOAK_SAMPLE_EVERY;
                }
            }
            run.drain(DRAIN_TIMEOUT);
            final long loaded = run.loadedRows().values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            final long quarantined = run.quarantined().stream()
                    .mapToLong(EndToEndRun.StoredObject::records)
                    .sum();
            System.out.printf(
                    Locale.ROOT,
                    "records %,d: loaded %,d, quarantined %,d, lost %,d; %,d objects; %d s%n",
                    run.generatedRecords(),
                    loaded,
                    quarantined,
                    run.generatedRecords() - loaded - quarantined,
                    run.objects().size(),
                    Duration.ofNanos(System.nanoTime() - start).toSeconds());
            System.gc();
            final long drained = memory.getHeapMemoryUsage().getUsed() - queuedBytes(flow);
            final int third = samples.size() / 3;
            final long firstThird = samples.subList(0, third).stream()
                    .mapToLong(Long::longValue)
                    .max()
                    .orElseThrow();
            final long lastThird = samples.subList(samples.size() - third, samples.size()).stream()
                    .mapToLong(Long::longValue)
                    .max()
                    .orElseThrow();
            System.out.println("queued content (MB), every " + SOAK_SAMPLE_EVERY + " records:      "
                    + String.join(
                            " ",
                            queuedSamples.stream()
                                    .map(bytes -> String.valueOf(bytes >> 20))
                                    .toList()));
            System.out.println("heap after GC less queued content (MB):          "
                    + String.join(
                            " ",
                            samples.stream()
                                    .map(bytes -> String.valueOf(bytes >> 20))
                                    .toList()));
            System.out.printf(
                    Locale.ROOT,
                    "heap less queued content: max first third %d MB, max last third %d MB, growth %d MB (bound %d MB); drained %d MB%n",
                    firstThird >> 20,
                    lastThird >> 20,
                    (lastThird - firstThird) >> 20,
                    SOAK_GROWTH_BOUND_BYTES >> 20,
                    drained >> 20);
            final boolean passed =
                    lastThird - firstThird <= SOAK_GROWTH_BOUND_BYTES && loaded + quarantined == run.generatedRecords();
            System.out.println(passed ? "soak: PASSED" : "soak: FAILED");
            return passed;
        }
    }

    /** Content queued at the processors and parked at the output ports: the flow's backlog, held in the heap by nifi-mock. */
    private static long queuedBytes(final InProcessFlow flow) {
        long bytes = 0;
        for (final String processor : List.of(
                CustomerStreamFlow.GENERATE,
                CustomerStreamFlow.VALIDATE,
                CustomerStreamFlow.PUT_BATCHES,
                CustomerStreamFlow.PUT_QUARANTINE,
                CustomerStreamFlow.TRIGGER_SNOWPIPE)) {
            bytes += flow.runner(processor).getQueueSize().getByteCount();
        }
        for (final String port : List.of(
                CustomerStreamFlow.FAILED_S3_UPLOADS,
                CustomerStreamFlow.UNREADABLE_INPUT,
                CustomerStreamFlow.FAILED_SNOWFLAKE_LOADS)) {
            bytes += flow.atPort(port).stream()
                    .mapToLong(flowFile -> flowFile.getSize())
                    .sum();
        }
        return bytes;
    }
}
