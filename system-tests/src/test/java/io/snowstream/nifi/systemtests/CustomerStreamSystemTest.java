package io.snowstream.nifi.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.snowstream.nifi.s3.S3MockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bundle in a real NiFi over plain HTTP (scenario a), then the flow file deployed with the project's own script
 * and run as an operator runs it: the whole group started, Trigger Snowpipe included, against S3Mock and the
 * Snowflake stub (scenario b, in both notification modes); the group idle (c); and PutS3Batch fed 100,000 one-record
 * FlowFiles while its batch is not due (f). One NiFi serves the whole class, in this order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CustomerStreamSystemTest {

    /** Records per phase of scenario b: a few hundred thousand, in FlowFiles of 10,000. */
    private static final long RECORDS_INSERT_FILES = 300_000;

    private static final long RECORDS_REFRESH = 100_000;
    private static final Duration GENERATE_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);
    /** Scenario c: the window over which the idle NiFi's CPU is measured, and the bound (share of one core). */
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(30);

    private static final double IDLE_CPU_BOUND = 0.05;
    private static final Duration SETTLE_SLICE = Duration.ofSeconds(5);
    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(3);
    /** Scenario f: FlowFiles queued in front of PutS3Batch, and the bound on CPU(all) / CPU(first half). */
    private static final int SMALL_FLOWFILES = 100_000;

    private static final double CPU_GROWTH_BOUND = 3.0;

    @RegisterExtension
    @Order(1)
    static final S3MockServer S3 = new S3MockServer();

    @RegisterExtension
    @Order(2)
    static final NiFiInstance NIFI = FlowFixture.withAwsEnvironment(NiFiInstance.http());

    private static FlowFixture fixture;
    private static DeployedFlow flow;

    @BeforeAll
    static void deployFlow() throws Exception {
        fixture = FlowFixture.deploy(
                NIFI,
                S3,
                Map.of(
                        "s3.batch.max.age", "5 sec",
                        "s3.batch.max.records", "100000",
                        "generator.records.per.flowfile", "10000",
                        "generator.invalid.percentage", "0.5"));
        flow = fixture.flow;
    }

    @AfterAll
    static void closeFixture() throws Exception {
        if (fixture != null) {
            NIFI.client().scheduleGroup(flow.groupId(), "STOPPED");
            fixture.close();
        }
    }

    @Test
    @Order(1)
    void a_theNarLoadsAndEveryComponentIsDocumented() {
        NarLoads.verify(NIFI);
    }

    @Test
    @Order(2)
    void b_everyRecordEndsInExactlyOnePlace_withInsertFiles() {
        runEndToEnd("INSERT_FILES", RECORDS_INSERT_FILES);
    }

    @Test
    @Order(3)
    void b_everyRecordEndsInExactlyOnePlace_withAlterPipeRefresh() {
        runEndToEnd("REFRESH", RECORDS_REFRESH);
    }

    /**
     * Scenario b: the whole group runs until the generator has issued {@code records}, then the generator is
     * stopped and the flow drains. Every record is in exactly one object Snowpipe loaded or in the quarantine, each
     * object was announced once, NiFi's counters add up, no queue holds anything, and NiFi logged no ERROR.
     */
    private void runEndToEnd(final String notification, final long records) {
        flow.stop(DeployedFlow.TRIGGER);
        flow.configureProcessor(DeployedFlow.TRIGGER, Map.of("Notification Method", notification), Map.of());
        final Delivery.Start start = fixture.delivery.start();

        flow.startAll();
        Await.until(
                "the generator to issue " + records + " records",
                GENERATE_TIMEOUT,
                () -> flow.generatedRecords() - start.generated() >= records);
        flow.stop(DeployedFlow.GENERATE);
        flow.awaitDrained(DRAIN_TIMEOUT);

        final Delivery.Report report = fixture.delivery.verify(start, notification, Delivery.Run.UNINTERRUPTED);
        System.out.println("[system test b, " + notification + "] " + report);
        assertThat(report.quarantinedRecords())
                .as("records quarantined (0.5 % are generated invalid)")
                .isPositive();
        if (notification.equals("REFRESH")) {
            assertThat(fixture.snowpipe.refreshStatements())
                    .as("ALTER PIPE REFRESH statements")
                    .isPositive();
        }
        assertThat(flow.queues().values())
                .as("queues after draining: " + flow.queues())
                .allMatch(queued -> queued == 0);
        assertThat(NIFI.errorLines()).as("ERROR lines in logs/nifi-app.log").isEmpty();
    }

    /**
     * Scenario c: with the generator stopped and the queues drained, every other processor still running, NiFi's JVM
     * uses under 5 % of one core (CPU time from /proc over 30 s, once NiFi's own after-work has settled). A processor that keeps triggering without work and
     * without yielding shows here.
     */
    @Test
    @Order(4)
    void c_anIdleFlowLeavesTheCpuAlone() {
        // for comparison, NiFi with nothing scheduled: what the framework alone uses in this environment
        NIFI.client().scheduleGroup(flow.groupId(), "STOPPED");
        awaitQuiet();
        final Idle framework = measureIdle();

        flow.startAll();
        flow.stop(DeployedFlow.GENERATE);
        flow.awaitDrained(DRAIN_TIMEOUT);
        awaitQuiet();
        final Idle idle = measureIdle();
        System.out.printf(
                "[system test c] idle NiFi JVM with the flow running (generator stopped): %.2f CPU s in %.1f s ="
                        + " %.1f %% of one core (bound %.0f %%); with nothing scheduled: %.1f %%; tasks in the window by"
                        + " processor: %s; busiest threads (CPU s): %s%n",
                idle.cpu(),
                idle.seconds(),
                idle.share() * 100,
                IDLE_CPU_BOUND * 100,
                framework.share() * 100,
                idle.tasks(),
                idle.threads());
        assertThat(flow.queued()).as("queued while idle").isZero();
        assertThat(idle.share())
                .as(
                        "share of one core the idle NiFi JVM used (NiFi with nothing scheduled: %.1f %%;"
                                + " tasks by processor: %s; busiest threads: %s)",
                        framework.share() * 100, idle.tasks(), idle.threads())
                .isLessThan(IDLE_CPU_BOUND);
    }

    /** CPU of NiFi's JVM over {@link #IDLE_WINDOW}, with the tasks each processor ran and the busiest threads. */
    private record Idle(double cpu, double seconds, Map<String, Long> tasks, Map<String, Double> threads) {
        double share() {
            return cpu / seconds;
        }
    }

    private static Idle measureIdle() {
        final Map<String, Long> tasksBefore = taskCounts();
        final Map<String, Double> threadsBefore = NIFI.threadCpuSeconds();
        final double cpuBefore = NIFI.cpuSeconds();
        final long startNanos = System.nanoTime();
        Await.sleep(IDLE_WINDOW);
        final double cpu = NIFI.cpuSeconds() - cpuBefore;
        final double seconds = (System.nanoTime() - startNanos) / 1e9;
        final Map<String, Double> threads = ProcessCpu.busiest(threadsBefore, NIFI.threadCpuSeconds(), 8);
        final Map<String, Long> tasks = new TreeMap<>();
        taskCounts().forEach((name, count) -> tasks.put(name, count - tasksBefore.getOrDefault(name, 0L)));
        return new Idle(cpu, seconds, tasks, threads);
    }

    /**
     * NiFi itself works on after a busy phase (indexing provenance events, compiling): idle starts when that is done,
     * i.e. once a 5 s slice stays under the bound. A processor that spins never gives such a slice: the wait then ends
     * at its deadline, and the measured window fails.
     */
    private static void awaitQuiet() {
        try {
            Await.until(
                    "a quiet 5 s slice of the NiFi JVM after the busy phases",
                    SETTLE_TIMEOUT,
                    Duration.ZERO,
                    () -> {
                        final double before = NIFI.cpuSeconds();
                        Await.sleep(SETTLE_SLICE);
                        return (NIFI.cpuSeconds() - before) / SETTLE_SLICE.toSeconds();
                    },
                    share -> share < IDLE_CPU_BOUND);
        } catch (final AssertionError e) {
            System.out.println("[system test c] NiFi never settled: " + e.getMessage());
        }
    }

    /** Tasks each processor ran in NiFi's 5-minute status window (a difference of two is the tasks in between). */
    private static Map<String, Long> taskCounts() {
        final Map<String, Long> counts = new TreeMap<>();
        for (final JsonNode processor : flow.status().path("processorStatusSnapshots")) {
            final JsonNode snapshot = processor.path("processorStatusSnapshot");
            counts.put(
                    snapshot.path("name").asText(), snapshot.path("taskCount").asLong());
        }
        return counts;
    }

    /** Each processor's tasks and their total time in NiFi's 5-minute status window, as "count / seconds". */
    private static Map<String, String> taskTimes() {
        final Map<String, String> times = new TreeMap<>();
        for (final JsonNode processor : flow.status().path("processorStatusSnapshots")) {
            final JsonNode snapshot = processor.path("processorStatusSnapshot");
            times.put(
                    snapshot.path("name").asText(),
                    String.format(
                            "%,d tasks / %.1f s",
                            snapshot.path("taskCount").asLong(),
                            snapshot.path("tasksDurationNanos").asLong() / 1e9));
        }
        return times;
    }

    /**
     * Scenario f: 100,000 one-record FlowFiles reach PutS3Batch while its batch is not due (age bound 1 hour, no
     * count bound reached). The NiFi JVM's CPU time to queue them should grow with the FlowFiles, not with their
     * square: the CPU for all 100,000 against the CPU for the first 50,000, of the same run, is 2 for linear work and
     * 4 for quadratic work; the bound is 3. Then the batch is made due and every record is delivered.
     */
    @Test
    @Order(5)
    void f_manySmallFlowFilesCostCpuInProportion() {
        flow.stop(DeployedFlow.GENERATE);
        flow.awaitDrained(DRAIN_TIMEOUT);
        final String queue = flow.connectionId(DeployedFlow.VALIDATE, DeployedFlow.PUT_BATCHES);
        flow.stop(DeployedFlow.PUT_BATCHES);
        flow.configureProcessor(DeployedFlow.PUT_BATCHES, Map.of("Max Batch FlowFiles", "1000000"), Map.of());
        flow.configureProcessor(DeployedFlow.GENERATE, Map.of(), Map.of("schedulingPeriod", "0 sec"));
        NIFI.client().setBackPressureObjectThreshold(queue, 2L * SMALL_FLOWFILES);
        flow.setParameters(Map.of(
                "generator.records.per.flowfile", "1",
                "generator.invalid.percentage", "0",
                "s3.batch.max.age", "1 hour"));
        flow.start(DeployedFlow.PUT_BATCHES);
        final Delivery.Start start = fixture.delivery.start();
        final long objectsBefore = flow.counter(DeployedFlow.PUT_BATCHES, "Objects stored");

        final List<Sample> samples = new ArrayList<>();
        samples.add(sample(queue));
        flow.start(DeployedFlow.GENERATE);
        Await.until(
                SMALL_FLOWFILES + " FlowFiles queued in front of PutS3Batch",
                Duration.ofMinutes(10),
                Duration.ofMillis(250),
                () -> {
                    final Sample sample = sample(queue);
                    samples.add(sample);
                    return sample.queued();
                },
                queued -> queued >= SMALL_FLOWFILES);
        flow.stop(DeployedFlow.GENERATE);
        final Map<String, String> taskTime = taskTimes();

        final double cpuAtStart = samples.getFirst().cpu();
        final double cpuHalf = interpolate(samples, SMALL_FLOWFILES / 2, Sample::cpu) - cpuAtStart;
        final double cpuAll = interpolate(samples, SMALL_FLOWFILES, Sample::cpu) - cpuAtStart;
        final double putAtStart = samples.getFirst().putTaskSeconds();
        final double putHalf = interpolate(samples, SMALL_FLOWFILES / 2, Sample::putTaskSeconds) - putAtStart;
        final double putAll = interpolate(samples, SMALL_FLOWFILES, Sample::putTaskSeconds) - putAtStart;
        System.out.printf(
                "[system test f] NiFi JVM CPU to queue one-record FlowFiles in front of PutS3Batch: %.1f s for the"
                        + " first %,d, %.1f s for %,d (%.1f CPU s per 100,000 FlowFiles); ratio %.2f (linear 2, quadratic 4)%n",
                cpuHalf,
                SMALL_FLOWFILES / 2,
                cpuAll,
                SMALL_FLOWFILES,
                cpuAll * 100_000 / SMALL_FLOWFILES,
                cpuAll / cpuHalf);
        System.out.printf(
                "[system test f] PutS3Batch's own task time: %.1f s for the first %,d, %.1f s for %,d"
                        + " (%.1f s per 100,000 FlowFiles)%n",
                putHalf, SMALL_FLOWFILES / 2, putAll, SMALL_FLOWFILES, putAll * 100_000 / SMALL_FLOWFILES);
        System.out.println(
                "[system test f] tasks and task time by processor in NiFi's 5-minute status window: " + taskTime);
        assertThat(flow.counter(DeployedFlow.PUT_BATCHES, "Objects stored"))
                .as("objects stored while the batch was not due")
                .isEqualTo(objectsBefore);
        assertThat(cpuAll / cpuHalf)
                .as("CPU for %,d FlowFiles / CPU for the first half", SMALL_FLOWFILES)
                .isLessThan(CPU_GROWTH_BOUND);

        // the batch falls due: everything queued is stored, announced and loaded
        flow.setParameters(Map.of("s3.batch.max.age", "2 sec"));
        flow.awaitDrained(DRAIN_TIMEOUT);
        // Trigger Snowpipe still announces with ALTER PIPE REFRESH, as the last phase of scenario b left it
        final Delivery.Report report = fixture.delivery.verify(start, "REFRESH", Delivery.Run.UNINTERRUPTED);
        System.out.println("[system test f] " + report);
        assertThat(report.loadedRecords()).isEqualTo(report.generated());
    }

    /**
     * The queue in front of PutS3Batch, NiFi's CPU time so far, and PutS3Batch's task time in NiFi's 5-minute status
     * window (the fill is shorter than that), at one moment.
     */
    private record Sample(int queued, double cpu, double putTaskSeconds) {}

    private static Sample sample(final String queue) {
        final JsonNode status = flow.status();
        int queued = 0;
        for (final JsonNode connection : status.path("connectionStatusSnapshots")) {
            if (connection.path("connectionStatusSnapshot").path("id").asText().equals(queue)) {
                queued = connection
                        .path("connectionStatusSnapshot")
                        .path("flowFilesQueued")
                        .asInt();
            }
        }
        double putTaskSeconds = 0;
        for (final JsonNode processor : status.path("processorStatusSnapshots")) {
            if (processor.path("processorStatusSnapshot").path("name").asText().equals(DeployedFlow.PUT_BATCHES)) {
                putTaskSeconds = processor
                                .path("processorStatusSnapshot")
                                .path("tasksDurationNanos")
                                .asLong()
                        / 1e9;
            }
        }
        return new Sample(queued, NIFI.cpuSeconds(), putTaskSeconds);
    }

    /** A sampled value when the queue reached {@code queued}, interpolated between the two samples around it. */
    private static double interpolate(
            final List<Sample> samples, final int queued, final ToDoubleFunction<Sample> value) {
        for (int i = 1; i < samples.size(); i++) {
            final Sample before = samples.get(i - 1);
            final Sample after = samples.get(i);
            if (after.queued() >= queued) {
                final double span = after.queued() - before.queued();
                final double from = value.applyAsDouble(before);
                final double to = value.applyAsDouble(after);
                return span <= 0 ? to : from + (to - from) * (queued - before.queued()) / span;
            }
        }
        throw new IllegalStateException("the queue never reached " + queued);
    }
}
