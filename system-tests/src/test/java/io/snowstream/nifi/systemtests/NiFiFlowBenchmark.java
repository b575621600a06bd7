package io.snowstream.nifi.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.nifi.customer.csv.EventTime;
import io.snowstream.nifi.customer.generate.ChangeStreamGenerator;
import io.snowstream.nifi.customer.generate.GeneratorSettings;
import io.snowstream.nifi.customer.generate.GeneratorState;
import io.snowstream.nifi.s3.S3MockServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bundle's flow against the same job built from Apache NiFi's stock processors, both inside one real NiFi
 * (NIFI_HOME), on this machine, against S3Mock. Run it with {@code ./benchmarks.sh nifi}; it is tagged
 * {@code benchmark} and left out of {@code ./mvnw verify}.
 *
 * <ol>
 *   <li><b>Idle</b>: NiFi with nothing running, then each flow with every processor running but its generator, and
 *       no data, for 30 s each: NiFi's CPU as a share of one core, and the tasks each processor ran.</li>
 *   <li><b>Generation included</b>, saturated: the shipped flow file (GenerateFakeCustomers at a 0 sec run schedule,
 *       10,000 records per FlowFile, no invalid records → ValidateCustomerRecord → PutS3Batch) against GenerateRecord
 *       (CSV writer, the customer schema) → ValidateRecord → MergeRecord → PutS3Object. Records/s in steady state,
 *       from the first object landing in S3 to the last one landing after a window: the records in the objects that
 *       landed in between, and NiFi's GC in between. CPU per record over the whole round: NiFi's CPU time (from /proc)
 *       from the generator's start until every generated record has landed, over the records generated.</li>
 *   <li><b>Generation left out</b>: the same pre-generated customer CSV (files of 10,000 records, the validator's
 *       header) replayed into both flows through GetFile: from GetFile's start to the last record landing in S3.</li>
 * </ol>
 *
 * Trigger Snowpipe stays disabled (as in the flow file): the figure is records landed in S3. Both flows batch
 * 100,000 records per object with a 10 sec age bound. Rounds alternate between the flows (ours, stock, stock, ours,
 * ...; one flow running at a time); the first round of each flow warms up and is not counted. It prints per-round
 * figures, medians, the spread and the ratios, beside the goals; it asserts only correctness (every record fed lands
 * in S3, nothing is left in a queue), never speed.
 */
@Tag("benchmark")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NiFiFlowBenchmark {

    private static final int ROUNDS = Integer.getInteger("snowstream.benchmark.rounds", 4);
    private static final int WARMUP_ROUNDS = Integer.getInteger("snowstream.benchmark.warmup.rounds", 1);
    private static final int RECORDS_PER_FILE = 10_000;
    private static final int REPLAY_FILES = Integer.getInteger("snowstream.benchmark.replay.files", 200);
    private static final long REPLAY_RECORDS = (long) REPLAY_FILES * RECORDS_PER_FILE;
    private static final long BATCH_RECORDS = 100_000;
    private static final String BATCH_AGE = "10 sec";
    private static final Duration GENERATION_WINDOW =
            Duration.ofSeconds(Long.getLong("snowstream.benchmark.window.seconds", 15));
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(30);
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration HEAP_SAMPLE = Duration.ofSeconds(5);
    private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);
    private static final String HEAP = "2g";

    private static final String BUCKET = "snowstream";
    private static final String OUR_PREFIX = "bench/snowstream/";
    private static final String OUR_QUARANTINE_PREFIX = "bench/snowstream-quarantine/";
    private static final String STOCK_PREFIX = "bench/stock/";

    /** The goals of issue 11, printed beside the figures. */
    private static final double GOAL_REPLAY_SPEED = 3;

    private static final double GOAL_REPLAY_CPU = 3;
    private static final double GOAL_GENERATION_SPEED = 20;
    private static final double GOAL_GC_SHARE = 0.10;

    @RegisterExtension
    @Order(1)
    static final S3MockServer S3 = new S3MockServer();

    @RegisterExtension
    @Order(2)
    static final NiFiInstance NIFI =
            FlowFixture.withAwsEnvironment(NiFiInstance.http()).withHeap(HEAP, HEAP);

    private static final Report REPORT = new Report();
    private static long nifiPid;
    private static BenchmarkedFlow ours;
    private static BenchmarkedFlow stock;
    private static Path replayFiles;
    private static final List<Path> temporaryDirectories = new ArrayList<>();
    private static final Map<String, Idle> idle = new LinkedHashMap<>();
    private static final Map<String, List<Round>> generation = new LinkedHashMap<>();
    private static final Map<String, List<Round>> replay = new LinkedHashMap<>();

    // ---- set-up

    @BeforeAll
    static void deployBothFlows() throws IOException {
        nifiPid = NIFI.applicationPid();
        final NiFiClient nifi = NIFI.client();
        final var versionInfo = nifi.get("/system-diagnostics")
                .path("systemDiagnostics")
                .path("aggregateSnapshot")
                .path("versionInfo");
        REPORT.line(
                "NiFi flow benchmark: the snowstream flow vs the same job from NiFi's stock processors, in one real NiFi");
        REPORT.line("  %s", ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
        REPORT.line(
                "  NiFi %s (NIFI_HOME=%s), Java %s (%s), NiFi heap -Xms%s -Xmx%s",
                nifi.about().path("version").asText(),
                NIFI.installation().home(),
                versionInfo.path("javaVersion").asText(),
                versionInfo.path("javaVendor").asText(),
                HEAP,
                HEAP);
        REPORT.line(
                "  machine: nproc=%d, %s, load average at start %s",
                Runtime.getRuntime().availableProcessors(), memTotal(), loadAverage());
        REPORT.line(
                "  other NiFi processes: %s; S3Mock (child JVM) and this test JVM share the machine",
                otherNiFiProcesses().isEmpty() ? "none" : otherNiFiProcesses());

        S3.createBucket(BUCKET);
        NarLoads.awaitProcessorTypes(nifi);
        ours = deployOurs(nifi);
        stock = deployStock(nifi);
        replayFiles = writeReplayFiles();
        REPORT.line(
                "  batches: %,d records per object, max age %s, on both sides; rounds: %d warm-up + %d measured per flow,"
                        + " alternating",
                BATCH_RECORDS, BATCH_AGE, WARMUP_ROUNDS, ROUNDS);
        REPORT.line("");
    }

    /** The shipped flow file, deployed with the project's script, plus a GetFile in front of the validator. */
    private static BenchmarkedFlow deployOurs(final NiFiClient nifi) throws IOException {
        final DeployedFlow flow = DeployedFlow.upload(NIFI);
        final Map<String, String> parameters = new HashMap<>();
        parameters.put("s3.bucket", BUCKET);
        parameters.put("s3.endpoint", S3.endpoint().toString());
        parameters.put("s3.path.style.access", "true");
        parameters.put("s3.prefix", OUR_PREFIX);
        parameters.put("s3.quarantine.prefix", OUR_QUARANTINE_PREFIX);
        parameters.put("s3.batch.max.records", String.valueOf(BATCH_RECORDS));
        parameters.put("s3.batch.max.age", BATCH_AGE);
        parameters.put("generator.records.per.flowfile", String.valueOf(RECORDS_PER_FILE));
        parameters.put("generator.invalid.percentage", "0");
        flow.setParameters(parameters);
        flow.configureProcessor(DeployedFlow.GENERATE, Map.of(), Map.of("schedulingPeriod", "0 sec"));

        final Path input = temporaryDirectory("nifi-benchmark-snowstream-input");
        final ProcessGroupBuilder group = ProcessGroupBuilder.existingGroup(nifi, flow.groupId());
        final ProcessGroupBuilder.Endpoint getFile = group.processor(
                "Get customer CSV files",
                StockCustomerFlow.GET_FILE,
                StockCustomerFlow.getFileProperties(input),
                "0 sec",
                Set.of());
        group.connect(
                getFile,
                List.of("success"),
                new ProcessGroupBuilder.Endpoint(
                        flow.processorId(DeployedFlow.VALIDATE), ProcessGroupBuilder.Kind.PROCESSOR));
        final List<String> pipeline = List.of(
                flow.processorId(DeployedFlow.VALIDATE),
                flow.processorId(DeployedFlow.PUT_BATCHES),
                flow.processorId(DeployedFlow.PUT_QUARANTINE));
        group.awaitValid(
                Stream.concat(pipeline.stream(), Stream.of(getFile.id(), flow.processorId(DeployedFlow.GENERATE)))
                        .toList());
        REPORT.line(
                "  snowstream: %s, deployed with deploy/scripts/upload-flow-to-nifi.sh: GenerateFakeCustomers (0 sec,"
                        + " %,d records/FlowFile, 0 %% invalid) or GetFile -> ValidateCustomerRecord -> PutS3Batch (gzip, as shipped);"
                        + " Trigger Snowpipe left disabled",
                "flows/snowstream/customer-stream-to-snowflake.json", RECORDS_PER_FILE);
        return new BenchmarkedFlow(
                nifi,
                "snowstream",
                flow.groupId(),
                flow.processorId(DeployedFlow.GENERATE),
                getFile.id(),
                pipeline,
                Set.of(flow.connectionId(DeployedFlow.PUT_BATCHES, DeployedFlow.TRIGGER)),
                OUR_PREFIX,
                input,
                flow::generatedRecords);
    }

    private static BenchmarkedFlow deployStock(final NiFiClient nifi) throws IOException {
        final Path input = temporaryDirectory("nifi-benchmark-stock-input");
        final StockCustomerFlow flow = StockCustomerFlow.build(
                nifi,
                nifi.rootGroupId(),
                new StockCustomerFlow.Target(
                        S3.endpoint().toString(),
                        "us-east-1",
                        BUCKET,
                        STOCK_PREFIX,
                        S3MockServer.ACCESS_KEY_ID,
                        S3MockServer.SECRET_ACCESS_KEY),
                new StockCustomerFlow.Batch(BATCH_RECORDS, BATCH_AGE),
                RECORDS_PER_FILE,
                input);
        REPORT.line(
                "  stock NiFi: built over REST: GenerateRecord (CSVRecordSetWriter, the customer schema as Schema Text with"
                        + " updated_at as an int: 2.8.0's GenerateRecord fails on timestamp fields; 0 sec, %,d records/FlowFile) or GetFile -> ValidateRecord (CSVReader with the schema, strict types, no extra fields)"
                        + " -> MergeRecord (min = max %,d records, max bin age %s) -> PutS3Object (plain CSV)",
                RECORDS_PER_FILE, BATCH_RECORDS, BATCH_AGE);
        return new BenchmarkedFlow(
                nifi,
                "stock NiFi",
                flow.groupId,
                flow.generate,
                flow.getFile,
                List.of(flow.validate, flow.merge, flow.put),
                Set.of(),
                STOCK_PREFIX,
                input,
                () -> nifi.counter(flow.generate, "Records Processed"));
    }

    /** The replayed input: customer CSV from the bundle's own generator (seeded), files of 10,000 records with a header. */
    private static Path writeReplayFiles() throws IOException {
        final Path directory = temporaryDirectory("nifi-benchmark-replay");
        final GeneratorSettings settings = new GeneratorSettings(
                Locale.US, true, 70, 25, 5, 0, 10_000, EventTime.parseCanonical("2026-01-01T00:00:00.000Z"), 1);
        final ChangeStreamGenerator generator = ChangeStreamGenerator.create(
                settings, GeneratorState.initial(20261130L, Locale.US), System::currentTimeMillis);
        long bytes = 0;
        for (int file = 0; file < REPLAY_FILES; file++) {
            final Path path = directory.resolve(String.format(Locale.ROOT, "customers-%05d.csv", file));
            try (OutputStream out = Files.newOutputStream(path)) {
                generator.writeBatch(out, RECORDS_PER_FILE);
            }
            bytes += Files.size(path);
        }
        REPORT.line(
                "  replayed input: %,d records in %d files of %,d (%,d bytes, %.0f bytes/record), written once by the bundle's"
                        + " generator classes (seeded: 70 %% inserts, 25 %% updates, 5 %% deletes)",
                REPLAY_RECORDS, REPLAY_FILES, RECORDS_PER_FILE, bytes, (double) bytes / REPLAY_RECORDS);
        return directory;
    }

    @AfterAll
    static void summarize() throws IOException {
        try {
            if (ours != null) {
                REPORT.summary();
            }
        } finally {
            REPORT.save();
            for (final Path directory : temporaryDirectories) {
                NiFiInstance.deleteRecursively(directory);
            }
        }
    }

    // ---- 1. idle

    @Test
    @Order(1)
    void idleFlowsLeaveTheCpuAlone() {
        REPORT.line(
                "Idle: %d s each, no data (NiFi's JVM CPU from /proc/<pid>/stat, share of one core)",
                IDLE_WINDOW.toSeconds());
        idle.put("NiFi, nothing running", measureIdle(null));
        for (final BenchmarkedFlow flow : List.of(ours, stock)) {
            flow.idleProcessors().forEach(flow::start);
            try {
                idle.put(flow.label(), measureIdle(flow));
            } finally {
                flow.stopAll();
            }
        }
        REPORT.line("");
    }

    private static Idle measureIdle(final BenchmarkedFlow flow) {
        Await.sleep(SETTLE);
        final Map<String, Long> tasksBefore = flow == null ? Map.of() : flow.taskCounts();
        final Map<String, Double> threadsBefore = ProcessCpu.threads(nifiPid);
        final double cpuBefore = cpu();
        final long start = System.nanoTime();
        Await.sleep(IDLE_WINDOW);
        final double cpu = cpu() - cpuBefore;
        final double seconds = (System.nanoTime() - start) / 1e9;
        final Map<String, Double> busiest = ProcessCpu.busiest(threadsBefore, ProcessCpu.threads(nifiPid), 4);
        final Map<String, Long> tasks = new TreeMap<>();
        if (flow != null) {
            flow.taskCounts().forEach((name, count) -> tasks.put(name, count - tasksBefore.getOrDefault(name, 0L)));
        }
        final Idle result = new Idle(cpu / seconds, tasks);
        REPORT.line(
                "  %-22s %5.2f %% of one core (%.2f CPU s in %.1f s)%s; busiest threads (CPU s): %s",
                flow == null ? "NiFi, nothing running" : flow.label() + ", idle",
                result.share() * 100,
                cpu,
                seconds,
                tasks.isEmpty() ? "" : "; tasks in the window: " + tasks,
                busiest);
        return result;
    }

    // ---- 2. generation included

    @Test
    @Order(2)
    void generationIncluded_everyGeneratedRecordLands() {
        REPORT.line(
                "Generation included, saturated: records/s landed in S3 between the first object and the last one after a"
                        + " %d s window, GC in that window; CPU per record over the whole round (generator start to every record"
                        + " landed)",
                GENERATION_WINDOW.toSeconds());
        alternate(generation, NiFiFlowBenchmark::generationRound);
        REPORT.line("");
    }

    private static Round generationRound(final BenchmarkedFlow flow) {
        final LandedObjects landed = prepare(flow);
        flow.startPipeline();
        final long generatedBefore = flow.generatedRecords().getAsLong();
        final double cpuAtStart = cpu();
        flow.start(flow.generator());

        final Sampler sampler = new Sampler(landed);
        final Sample first;
        try {
            first = sampler.awaitLanding(
                    Duration.ofMinutes(3), sample -> !sample.keys().isEmpty());
        } catch (final AssertionError e) {
            throw new AssertionError(
                    flow.label() + ": " + e.getMessage() + "; queues: " + flow.queues() + flow.rejected(), e);
        }
        final Sample last;
        final Map<String, Double> busy;
        try (ProcessorUtilization utilization = ProcessorUtilization.startIfEnabled(NIFI.client(), flow.groupId())) {
            last = sampler.awaitLanding(
                    GENERATION_WINDOW.plusMinutes(2),
                    sample -> sample.nanos() - first.nanos() >= GENERATION_WINDOW.toNanos()
                            && sample.keys().size() > first.keys().size());
            busy = utilization.shares();
        }
        flow.stop(flow.generator());
        flow.awaitDrained(DRAIN_TIMEOUT);
        final double cpuAtEnd = cpu();
        final long generated = flow.generatedRecords().getAsLong() - generatedBefore;

        final Set<String> all = new LinkedHashSet<>(landed.keys());
        final LandedObjects.Count total = landed.count(all);
        final LandedObjects.Count window = landed.count(LandedObjects.difference(last.keys(), first.keys()));
        assertThat(total.records())
                .as("%s: records landed in S3 = records generated", flow.label())
                .isEqualTo(generated);
        finish(flow, landed);
        return new Round(
                (last.nanos() - first.nanos()) / 1e9,
                window.records(),
                last.cpu() - first.cpu(),
                generated,
                cpuAtEnd - cpuAtStart,
                last.diagnostics(),
                first.diagnostics(),
                sampler.peakHeap(first, last),
                window.csvBytes(),
                last.keys().size() - first.keys().size(),
                machineCores(first, last),
                threadCpu(first, last),
                busy);
    }

    // ---- 3. generation left out

    @Test
    @Order(3)
    void generationLeftOut_everyReplayedRecordLands() {
        REPORT.line(
                "Generation left out: the same %,d pre-generated records replayed through GetFile into each flow, from GetFile's"
                        + " start to the last record landed in S3",
                REPLAY_RECORDS);
        alternate(replay, NiFiFlowBenchmark::replayRound);
        REPORT.line("");
    }

    private static Round replayRound(final BenchmarkedFlow flow) {
        final LandedObjects landed = prepare(flow);
        flow.startPipeline();
        link(replayFiles, flow.inputDirectory());
        final long expectedObjects = (REPLAY_RECORDS + BATCH_RECORDS - 1) / BATCH_RECORDS;

        final Sampler sampler = new Sampler(landed);
        final Sample start = sampler.sample(true);
        flow.start(flow.fileSource());
        Sample last;
        final Map<String, Double> busy;
        try (ProcessorUtilization utilization = ProcessorUtilization.startIfEnabled(NIFI.client(), flow.groupId())) {
            last = sampler.awaitLanding(ROUND_TIMEOUT, sample -> sample.keys().size() >= expectedObjects);
            busy = utilization.shares();
        } catch (final AssertionError e) {
            throw new AssertionError(
                    flow.label() + ": " + e.getMessage() + "; queues: " + flow.queues() + flow.rejected(), e);
        }
        // more objects than full batches (a bin closed by age): wait until nothing is left in the flow
        while (!flow.drained()) {
            final Sample sample = sampler.awaitLanding(Duration.ofSeconds(1), ignored -> true, true);
            if (sample != null) {
                last = sample;
            }
        }
        final Set<String> all = new LinkedHashSet<>(landed.keys());
        assertThat(all).as("%s: objects after the flow drained", flow.label()).isEqualTo(last.keys());
        final LandedObjects.Count total = landed.count(all);
        assertThat(Files.exists(flow.inputDirectory()) && isEmpty(flow.inputDirectory()))
                .as("input directory emptied")
                .isTrue();
        assertThat(total.records())
                .as("%s: records landed in S3 = records replayed", flow.label())
                .isEqualTo(REPLAY_RECORDS);
        finish(flow, landed);
        return new Round(
                (last.nanos() - start.nanos()) / 1e9,
                total.records(),
                last.cpu() - start.cpu(),
                total.records(),
                last.cpu() - start.cpu(),
                last.diagnostics(),
                start.diagnostics(),
                sampler.peakHeap(start, last),
                total.csvBytes(),
                all.size(),
                machineCores(start, last),
                threadCpu(start, last),
                busy);
    }

    // ---- rounds

    private interface RoundRunner {
        Round run(BenchmarkedFlow flow);
    }

    /** Warm-up and measured rounds, alternating which flow goes first (ours, stock, stock, ours, ...). */
    private static void alternate(final Map<String, List<Round>> results, final RoundRunner runner) {
        results.put(ours.label(), new ArrayList<>());
        results.put(stock.label(), new ArrayList<>());
        for (int round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
            final List<BenchmarkedFlow> order = round % 2 == 0 ? List.of(ours, stock) : List.of(stock, ours);
            for (final BenchmarkedFlow flow : order) {
                final Round result;
                try {
                    result = runner.run(flow);
                } finally {
                    flow.stopAll();
                }
                final boolean warmUp = round < WARMUP_ROUNDS;
                REPORT.line(
                        "  %s %-11s %s",
                        warmUp ? "warm-up " : String.format(Locale.ROOT, "round %-2d", round - WARMUP_ROUNDS + 1),
                        flow.label(),
                        result);
                if (!warmUp) {
                    results.get(flow.label()).add(result);
                }
            }
        }
    }

    /**
     * Makes the flow start from nothing: stopped, every queue empty (after a failed round, what it left is dropped,
     * and said so), no object under its prefix.
     */
    private static LandedObjects prepare(final BenchmarkedFlow flow) {
        flow.stopAll();
        if (!flow.drained()) {
            REPORT.line("  (%s: dropping what an earlier failed round left queued: %s)", flow.label(), flow.queues());
            flow.emptyAllConnections();
        }
        assertThat(flow.drained())
                .as("%s drained before the round: %s", flow.label(), flow.queues())
                .isTrue();
        final LandedObjects landed = new LandedObjects(S3.client(), BUCKET, flow.s3Prefix());
        landed.deleteAll();
        return landed;
    }

    /** After a round: nothing left in any queue, nothing quarantined, the objects deleted. */
    private static void finish(final BenchmarkedFlow flow, final LandedObjects landed) {
        flow.stopAll();
        assertThat(flow.drained())
                .as("%s: queues after the round: %s", flow.label(), flow.queues())
                .isTrue();
        assertThat(new LandedObjects(S3.client(), BUCKET, OUR_QUARANTINE_PREFIX).keys())
                .as("quarantined objects")
                .isEmpty();
        flow.emptyParkedConnections();
        landed.deleteAll();
    }

    // ---- measuring

    /**
     * One observation: when, NiFi's CPU time so far, the whole machine's busy CPU time so far, the keys landed so far,
     * and (at the landings that bound a window, and every 5 s) NiFi's diagnostics.
     */
    private record Sample(
            long nanos,
            double cpu,
            double machineCpu,
            Set<String> keys,
            SystemDiagnostics diagnostics,
            Map<String, Double> threads) {}

    /**
     * Polls S3 every 100 ms for new objects. NiFi's diagnostics (a REST request, which costs NiFi some CPU too) are
     * fetched only at the landings that bound a window, and every 5 s for the heap.
     */
    private static final class Sampler {
        private final LandedObjects landed;
        private final List<SystemDiagnostics> heapSamples = new ArrayList<>();
        private Set<String> lastKeys = Set.of();
        private long lastHeapSample;

        Sampler(final LandedObjects landed) {
            this.landed = landed;
        }

        Sample sample(final boolean withDiagnostics) {
            final long nanos = System.nanoTime();
            final double cpu = cpu();
            final double machineCpu = machineCpu();
            final Set<String> keys = new LinkedHashSet<>(landed.keys());
            SystemDiagnostics diagnostics = null;
            if (withDiagnostics || nanos - lastHeapSample >= HEAP_SAMPLE.toNanos()) {
                diagnostics = SystemDiagnostics.of(NIFI.client());
                heapSamples.add(diagnostics);
                lastHeapSample = nanos;
            }
            return new Sample(nanos, cpu, machineCpu, keys, diagnostics, diagnostics == null ? Map.of() : threadCpu());
        }

        /** The first sample with new objects that {@code done} accepts, with diagnostics; fails after the timeout. */
        Sample awaitLanding(final Duration timeout, final java.util.function.Predicate<Sample> done) {
            final Sample sample = awaitLanding(timeout, done, false);
            if (sample == null) {
                throw new AssertionError("no object landed as expected within " + timeout.toSeconds() + " s; objects: "
                        + lastKeys.size());
            }
            return sample;
        }

        /** Like {@link #awaitLanding(Duration, java.util.function.Predicate)}, or null after the timeout when allowed. */
        Sample awaitLanding(
                final Duration timeout, final java.util.function.Predicate<Sample> done, final boolean nullOnTimeout) {
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                final Sample sample = sample(false);
                if (!sample.keys().equals(lastKeys)) {
                    lastKeys = sample.keys();
                    if (done.test(sample)) {
                        // the landing's own diagnostics, fetched right after the listing that saw it
                        final Sample landing = new Sample(
                                sample.nanos(),
                                sample.cpu(),
                                sample.machineCpu(),
                                sample.keys(),
                                SystemDiagnostics.of(NIFI.client()),
                                threadCpu());
                        heapSamples.add(landing.diagnostics());
                        return landing;
                    }
                }
                Await.sleep(POLL);
            }
            return nullOnTimeout ? null : awaitFailed(timeout);
        }

        private Sample awaitFailed(final Duration timeout) {
            throw new AssertionError(
                    "no object landed as expected within " + timeout.toSeconds() + " s; objects: " + lastKeys.size());
        }

        /** The highest heap use sampled between two samples (inclusive). */
        long peakHeap(final Sample from, final Sample to) {
            return heapSamples.stream()
                    .filter(sample -> sample.nanos() >= from.diagnostics().nanos()
                            && sample.nanos() <= to.diagnostics().nanos())
                    .mapToLong(SystemDiagnostics::usedHeapBytes)
                    .max()
                    .orElse(0);
        }
    }

    /**
     * CPU seconds all processes of the machine have used so far (all cores together), from the first line of
     * /proc/stat: user, nice, system, irq, softirq and steal; idle and iowait are not busy, guest time is in user
     * already. Counted in USER_HZ (100 per second on Linux).
     */
    private static double machineCpu() {
        try {
            final String[] fields =
                    Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < Math.min(fields.length, 9); i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(fields[i]);
                }
            }
            return busy / 100.0;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Cores of the machine busy on average between two samples (every process: NiFi, S3Mock, this JVM, others). */
    private static double machineCores(final Sample from, final Sample to) {
        return (to.machineCpu() - from.machineCpu()) / ((to.nanos() - from.nanos()) / 1e9);
    }

    private static double cpu() {
        return ProcessCpu.seconds(nifiPid);
    }

    /** NiFi's CPU time so far by kind of thread (see {@link #threadKind}). */
    private static Map<String, Double> threadCpu() {
        final Map<String, Double> kinds = new TreeMap<>();
        ProcessCpu.threads(nifiPid).forEach((thread, seconds) -> kinds.merge(threadKind(thread), seconds, Double::sum));
        return kinds;
    }

    /**
     * What a NiFi thread does, from its name as Linux shows it (15 characters): the processors' timer-driven threads,
     * the JIT compilers, the garbage collector, the REST API's web server (the benchmark's own requests), the rest.
     */
    private static String threadKind(final String thread) {
        if (thread.startsWith("Timer-Driven")) {
            return "processors";
        } else if (thread.contains("CompilerThre")) {
            return "JIT";
        } else if (thread.startsWith("GC Thread") || thread.startsWith("G1 ")) {
            return "GC";
        } else if (thread.startsWith("NiFi Web Serve")) {
            return "REST";
        }
        return "other";
    }

    /** CPU seconds by kind of thread between two samples, largest first. */
    private static Map<String, Double> threadCpu(final Sample from, final Sample to) {
        final Map<String, Double> delta = new LinkedHashMap<>();
        to.threads().entrySet().stream()
                .map(kind -> Map.entry(
                        kind.getKey(), kind.getValue() - from.threads().getOrDefault(kind.getKey(), 0.0)))
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(kind -> delta.put(kind.getKey(), kind.getValue()));
        return delta;
    }

    /**
     * One measured round of one flow.
     *
     * @param seconds      the window: from GetFile's start (replay) or the first landing (generation) to the last landing
     * @param records      records landed in the window
     * @param cpuSeconds   NiFi's CPU time in the window
     * @param costRecords  records the CPU cost is counted over: every record of the round, fed and landed
     * @param costCpuSeconds NiFi's CPU time from the round's start until all of them landed. With generation included
     *                     this is the whole round, not the window: when the last stage is the slowest, the earlier ones
     *                     run ahead and fill the queues in the window, so CPU in the window over records landed in it
     *                     would count work on records that land later
     */
    record Round(
            double seconds,
            long records,
            double cpuSeconds,
            long costRecords,
            double costCpuSeconds,
            SystemDiagnostics end,
            SystemDiagnostics start,
            long peakHeapBytes,
            long csvBytes,
            int objects,
            double machineCores,
            Map<String, Double> threads,
            Map<String, Double> busy) {

        double recordsPerSecond() {
            return records / seconds;
        }

        double cpuPerMillion() {
            return costCpuSeconds / costRecords * 1e6;
        }

        double gcShare() {
            return end.pauseMillisSince(start) / (seconds * 1000);
        }

        double peakHeapMb() {
            return peakHeapBytes / 1048576.0;
        }

        @Override
        public String toString() {
            return String.format(
                            Locale.ROOT,
                            "%,11d records in %6.2f s = %,9.0f records/s | NiFi CPU %6.2f s (%.2f cores);"
                                    + " %6.2f CPU s per million records (%,.0f CPU s for %,d records, round start to all landed)"
                                    + " | GC pauses %5d ms = %4.1f %% in %d collections (concurrent %d ms)"
                                    + " | heap used %,5.0f of %,.0f MB (peak sample) | %d objects, %.0f CSV bytes/record | machine %.2f of %d cores busy"
                                    + " | NiFi CPU s by thread: %s",
                            records,
                            seconds,
                            recordsPerSecond(),
                            cpuSeconds,
                            cpuSeconds / seconds,
                            cpuPerMillion(),
                            costCpuSeconds,
                            costRecords,
                            end.pauseMillisSince(start),
                            gcShare() * 100,
                            end.collectionsSince(start),
                            end.concurrentMillisSince(start),
                            peakHeapMb(),
                            end.maxHeapBytes() / 1048576.0,
                            objects,
                            (double) csvBytes / records,
                            machineCores,
                            Runtime.getRuntime().availableProcessors(),
                            threadSummary())
                    + (busy.isEmpty() ? "" : " | busy share by processor (diagnostic): " + busySummary());
        }

        private String busySummary() {
            final StringBuilder text = new StringBuilder();
            busy.forEach((name, share) -> text.append(text.isEmpty() ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%s %.0f %%", name, share * 100)));
            return text.toString();
        }

        private String threadSummary() {
            final StringBuilder text = new StringBuilder();
            threads.forEach((kind, seconds) -> text.append(text.isEmpty() ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%s %.2f", kind, seconds)));
            return text.toString();
        }
    }

    /** A flow's idle CPU and the tasks its processors ran in the window. */
    record Idle(double share, Map<String, Long> tasks) {}

    // ---- the report

    /** Prints as it goes, keeps every line, and writes them to target/system-tests/nifi-benchmark-report.txt at the end. */
    private static final class Report {
        private final StringBuilder text = new StringBuilder();

        void line(final String format, final Object... arguments) {
            final String line = arguments.length == 0 ? format : String.format(Locale.ROOT, format, arguments);
            System.out.println(line);
            System.out.flush();
            text.append(line).append('\n');
        }

        void summary() {
            line("Summary (median of the measured rounds, min-max in brackets)");
            if (!idle.isEmpty()) {
                final double base = idle.values().iterator().next().share();
                idle.forEach((name, result) -> line(
                        "  idle %-22s %5.2f %% of one core (%+.2f %% over NiFi with nothing running)",
                        name, result.share() * 100, (result.share() - base) * 100));
            }
            phase("Generation included", generation, GOAL_GENERATION_SPEED, 0);
            phase("Generation left out", replay, GOAL_REPLAY_SPEED, GOAL_REPLAY_CPU);
            line(
                    "  load average at the end: %s; other NiFi processes at the end: %s",
                    loadAverage(), otherNiFiProcesses().isEmpty() ? "none" : otherNiFiProcesses());
        }

        private void phase(
                final String title,
                final Map<String, List<Round>> results,
                final double speedGoal,
                final double cpuGoal) {
            final List<Round> our = results.getOrDefault(ours.label(), List.of());
            final List<Round> their = results.getOrDefault(stock.label(), List.of());
            if (our.isEmpty() || their.isEmpty()) {
                return;
            }
            line("  %s:", title);
            for (final Map.Entry<String, List<Round>> side : results.entrySet()) {
                final List<Round> rounds = side.getValue();
                line(
                        "    %-11s %s records/s | %s CPU s per million records | GC pauses %s %% of the time | heap used %s MB (peak sample)",
                        side.getKey(),
                        spread(rounds, Round::recordsPerSecond, "%,.0f"),
                        spread(rounds, Round::cpuPerMillion, "%.2f"),
                        spread(rounds, round -> round.gcShare() * 100, "%.1f"),
                        spread(rounds, Round::peakHeapMb, "%,.0f"));
            }
            final int pairs = Math.min(our.size(), their.size());
            final List<Double> speed = new ArrayList<>();
            final List<Double> cpu = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                speed.add(our.get(i).recordsPerSecond() / their.get(i).recordsPerSecond());
                cpu.add(their.get(i).cpuPerMillion() / our.get(i).cpuPerMillion());
            }
            final double speedRatio = median(our, Round::recordsPerSecond) / median(their, Round::recordsPerSecond);
            final double cpuRatio = median(their, Round::cpuPerMillion) / median(our, Round::cpuPerMillion);
            line(
                    "    records/s, ours / stock:             %6.1fx (round by round %.1f-%.1f)   goal >= %.0fx: %s",
                    speedRatio, min(speed), max(speed), speedGoal, speedRatio >= speedGoal ? "met" : "NOT met");
            line(
                    "    CPU per record, stock / ours:        %6.1fx (round by round %.1f-%.1f)%s",
                    cpuRatio,
                    min(cpu),
                    max(cpu),
                    cpuGoal > 0
                            ? String.format(
                                    Locale.ROOT,
                                    "   goal >= %.0fx (ours <= 1/%.0f): %s",
                                    cpuGoal,
                                    cpuGoal,
                                    cpuRatio >= cpuGoal ? "met" : "NOT met")
                            : "");
            final double ourGc = max(our.stream().map(Round::gcShare).toList());
            line(
                    "    GC pauses, ours: at most %.1f %% of the time in any round   goal < %.0f %%: %s",
                    ourGc * 100, GOAL_GC_SHARE * 100, ourGc < GOAL_GC_SHARE ? "met" : "NOT met");
        }

        void save() throws IOException {
            final Path output = Path.of(System.getProperty("snowstream.system-tests.output", "target/system-tests"));
            Files.createDirectories(output);
            final Path file = output.resolve("nifi-benchmark-report.txt");
            Files.writeString(file, text, StandardCharsets.UTF_8);
            System.out.println("(report written to " + file.toAbsolutePath() + ")");
        }
    }

    private static String spread(final List<Round> rounds, final ToDoubleFunction<Round> figure, final String format) {
        final List<Double> values = rounds.stream().map(figure::applyAsDouble).toList();
        return String.format(
                Locale.ROOT, format + " (" + format + "-" + format + ")", median(values), min(values), max(values));
    }

    private static double median(final List<Round> rounds, final ToDoubleFunction<Round> figure) {
        return median(rounds.stream().map(figure::applyAsDouble).toList());
    }

    static double median(final List<Double> values) {
        final List<Double> sorted = values.stream().sorted().toList();
        final int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double min(final List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(final List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    // ---- the machine

    private static String loadAverage() {
        try {
            final String[] fields =
                    Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " / " + fields[1] + " / " + fields[2] + " (1 / 5 / 15 min)";
        } catch (final IOException e) {
            return "unknown (" + e + ")";
        }
    }

    private static String memTotal() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(line -> line.startsWith("MemTotal:"))
                    .findFirst()
                    .map(line -> String.format(
                            Locale.ROOT, "%.0f GB RAM", Long.parseLong(line.replaceAll("\\D", "")) / 1048576.0))
                    .orElse("RAM unknown");
        } catch (final IOException e) {
            return "RAM unknown";
        }
    }

    /** NiFi JVMs on this machine other than the benchmark's own (they would disturb the figures). */
    private static List<Long> otherNiFiProcesses() {
        final String own = NIFI.home().toString() + '/';
        final List<Long> others = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (final Path entry : entries.toList()) {
                final String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    final String commandLine =
                            new String(Files.readAllBytes(entry.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (commandLine.contains("org.apache.nifi.NiFi") && !commandLine.contains(own)) {
                        others.add(Long.parseLong(name));
                    }
                } catch (final IOException e) {
                    // ended while we looked
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return others;
    }

    // ---- files

    private static Path temporaryDirectory(final String prefix) throws IOException {
        final Path directory = Files.createTempDirectory(prefix).toRealPath();
        temporaryDirectories.add(directory);
        return directory;
    }

    /** Hard links of every replay file into the input directory (same file system; GetFile deletes the links). */
    private static void link(final Path from, final Path to) {
        try (Stream<Path> files = Files.list(from)) {
            for (final Path file : files.sorted().toList()) {
                final Path target = to.resolve(file.getFileName());
                try {
                    Files.createLink(target, file);
                } catch (final UnsupportedOperationException | IOException e) {
                    Files.copy(file, target);
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isEmpty(final Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.findAny().isEmpty();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
