package io.snowstream.nifi.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.snowstream.nifi.s3.S3MockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The flow file on a three-node NiFi cluster ({@link NiFiCluster}: embedded ZooKeeper quorum, HTTPS and TLS between
 * the nodes from one test CA, file-based authorizer), deployed with the project's script and run against S3Mock and
 * the Snowflake stub, in this order:
 * <ol>
 *     <li>a million records, nothing going wrong: the generator runs on the primary node only, every node validates,
 *     stores and announces a share; every record ends in exactly one place, every new customer id once;</li>
 *     <li>a node that is not the primary killed with kill -9 mid-run, restarted later: nothing lost, nothing loaded
 *     twice (its queued FlowFiles deliver once it rejoins);</li>
 *     <li>the primary killed mid-run: another node becomes primary and continues the stream from cluster state, no
 *     sequence number and no customer id issued twice;</li>
 *     <li>the same million records on one NiFi node on this machine, for the records/s beside the cluster's.</li>
 * </ol>
 * Every node shares this machine's cores, so the cluster's records/s measure its overhead, not scale-out.
 * PutS3Batch's Object Key carries the node's name here (a JVM system property of each node): on one machine all nodes
 * share one host name, which is what the shipped key uses.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CustomerStreamClusterSystemTest {

    private static final long RECORDS = 1_000_000;
    /** Records of a crash phase before the kill, while the node is down, and after it rejoined. */
    private static final long RECORDS_PER_STEP = 200_000;

    private static final Duration GENERATE_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(15);
    private static final Pattern NODE_IN_KEY = Pattern.compile("-(node-\\d+)-");
    private static final String NODE_HEAP = "1g";

    @RegisterExtension
    @Order(1)
    static final S3MockServer S3 = new S3MockServer();

    @RegisterExtension
    @Order(2)
    static final NiFiCluster CLUSTER =
            new NiFiCluster(node -> FlowFixture.withAwsEnvironment(node).withHeap("512m", NODE_HEAP));

    private static final Map<String, String> PARAMETERS = Map.of(
            "s3.batch.max.age", "5 sec",
            "s3.batch.max.records", "100000",
            "generator.records.per.flowfile", "10000",
            "generator.invalid.percentage", "0.5");

    private static FlowFixture fixture;
    private static DeployedFlow flow;
    private static double clusterRecordsPerSecond;
    private static boolean clusterStopped;

    @BeforeAll
    static void deployFlow() throws Exception {
        fixture = FlowFixture.deploy(CLUSTER, S3, PARAMETERS);
        flow = fixture.flow;
        prepareForThroughput(flow);
        for (final String put : List.of(DeployedFlow.PUT_BATCHES, DeployedFlow.PUT_QUARANTINE)) {
            final String key = flow.processorProperty(put, "Object Key");
            assertThat(key).as("%s's Object Key", put).contains("${hostname()}");
            flow.configureProcessor(
                    put,
                    Map.of(
                            "Object Key",
                            key.replace("${hostname()}", "${hostname()}-${" + NiFiCluster.NODE_PROPERTY + "}")),
                    Map.of());
        }
    }

    /** The generator saturated (no pause between runs), Snowpipe told per file. */
    private static void prepareForThroughput(final DeployedFlow deployed) {
        deployed.configureProcessor(DeployedFlow.GENERATE, Map.of(), Map.of("schedulingPeriod", "0 sec"));
        deployed.configureProcessor(DeployedFlow.TRIGGER, Map.of("Notification Method", "INSERT_FILES"), Map.of());
    }

    @AfterAll
    static void closeFixture() throws Exception {
        if (fixture != null) {
            try {
                if (!clusterStopped) {
                    CLUSTER.client().scheduleGroup(flow.groupId(), "STOPPED");
                }
            } finally {
                fixture.close();
            }
        }
    }

    @Test
    @Order(1)
    void a_aMillionRecordsAreGeneratedOnThePrimaryAndProcessedOnEveryNode() {
        final String primary = CLUSTER.primaryNode();
        final Phase phase = Phase.begin();
        final long startNanos = System.nanoTime();
        flow.startAll();
        awaitGenerated(phase, RECORDS);
        flow.stop(DeployedFlow.GENERATE);
        flow.awaitDrained(DRAIN_TIMEOUT);
        final double seconds = (System.nanoTime() - startNanos) / 1e9;

        clusterRecordsPerSecond = (flow.generatedRecords() - phase.start.generated()) / seconds;
        final Landed landed = phase.landed();
        System.out.printf(
                "[cluster a] %,.0f records/s from the generator's start until every record was loaded"
                        + " (%.1f s, 3 nodes on %d cores); primary %s; share per node: %s%n",
                clusterRecordsPerSecond, seconds, Runtime.getRuntime().availableProcessors(), primary, landed.shares());
        final Delivery.Report report = fixture.delivery.verify(phase.start, "INSERT_FILES", Delivery.Run.UNINTERRUPTED);
        System.out.println("[cluster a] " + report);

        assertThat(report.generated()).isGreaterThanOrEqualTo(RECORDS);
        assertThat(report.quarantinedRecords())
                .as("records quarantined (0.5 % are generated invalid)")
                .isPositive();
        assertThat(landed.recordsByNode().keySet())
                .as("nodes whose PutS3Batch stored objects")
                .containsExactlyInAnyOrder("node-1", "node-2", "node-3");
        assertThat(landed.recordsByNode().values())
                .as("records stored per node")
                .allMatch(records -> records > 0);
        assertThat(generatorOutputByNode())
                .as("FlowFiles the generator emitted, by node (primary: %s)", primary)
                .containsOnlyKeys(primary);
        phase.assertEveryNewCustomerIdOnce(landed, Set.of());
        assertThat(flow.queues().values())
                .as("queues after draining: " + flow.queues())
                .allMatch(queued -> queued == 0);
        assertNoErrors();
    }

    @Test
    @Order(2)
    void b_aNodeKilledMidRunAndRestartedLosesNothingAndDuplicatesNothing() {
        flow.setParameters(Map.of("generator.invalid.percentage", "0"));
        final String primary = CLUSTER.primaryNode();
        final String victim = CLUSTER.nodeStates().keySet().stream()
                .filter(node -> !node.equals(primary))
                .findFirst()
                .orElseThrow();
        final Phase phase = Phase.begin();
        flow.startAll();
        awaitGenerated(phase, RECORDS_PER_STEP);
        CLUSTER.node(victim).kill();
        CLUSTER.awaitDisconnected(victim);
        System.out.printf("[cluster b] killed %s (primary: %s); the cluster disconnected it%n", victim, primary);
        awaitGenerated(phase, 2 * RECORDS_PER_STEP);
        CLUSTER.node(victim).launch();
        CLUSTER.awaitAllConnected();
        awaitGenerated(phase, 3 * RECORDS_PER_STEP);
        flow.stop(DeployedFlow.GENERATE);
        flow.awaitDrained(DRAIN_TIMEOUT);

        final Delivery.Report report = fixture.delivery.verify(phase.start, "INSERT_FILES", Delivery.Run.CRASHED);
        final Landed landed = phase.landed();
        System.out.printf("[cluster b] %s; share per node: %s%n", report, landed.shares());
        assertThat(report.loadedRecords()).isEqualTo(report.generated());
        phase.assertEveryNewCustomerIdOnce(landed, Set.of());
        assertThat(flow.queues().values())
                .as("queues after draining: " + flow.queues())
                .allMatch(queued -> queued == 0);
    }

    @Test
    @Order(3)
    void c_thePrimaryKilledAnotherNodeContinuesTheStreamFromClusterState() {
        final String primary = CLUSTER.primaryNode();
        final Phase phase = Phase.begin();
        flow.startAll();
        awaitGenerated(phase, RECORDS_PER_STEP);
        CLUSTER.node(primary).kill();
        final long positionAtKill = Await.until(
                "the generator's stored position after the kill",
                Duration.ofMinutes(5),
                flow::generatedRecords,
                position -> position > 0);
        final String newPrimary = Await.until(
                "another node to become the primary node",
                Duration.ofMinutes(10),
                Duration.ofSeconds(2),
                CLUSTER::primaryNode,
                node -> !node.equals(primary));
        Await.until(
                "the new primary " + newPrimary + " to continue the stream",
                GENERATE_TIMEOUT,
                () -> flow.generatedRecords() >= positionAtKill + RECORDS_PER_STEP);
        System.out.printf(
                "[cluster c] killed the primary %s at stored position %,d; %s continued from cluster state%n",
                primary, positionAtKill, newPrimary);
        CLUSTER.node(primary).launch();
        CLUSTER.awaitAllConnected();
        flow.stop(DeployedFlow.GENERATE);
        flow.awaitDrained(DRAIN_TIMEOUT);

        final Delivery.Report report =
                fixture.delivery.verify(phase.start, "INSERT_FILES", Delivery.Run.GENERATOR_CRASHED);
        final Landed landed = phase.landed();
        System.out.printf("[cluster c] %s; share per node: %s%n", report, landed.shares());
        assertThat(report.skipped())
                .as("events reserved by the killed generator, skipped")
                .isLessThan(report.generated() / 2);
        phase.assertEveryNewCustomerIdOnce(landed, landed.skippedIds(phase, report.skipped()));
        assertThat(flow.queues().values())
                .as("queues after draining: " + flow.queues())
                .allMatch(queued -> queued == 0);
    }

    /**
     * The same million records, parameters and generator schedule on one NiFi node (plain HTTP, same heap), with the
     * cluster stopped: the records/s of one node beside the cluster's on this machine.
     */
    @Test
    @Order(4)
    void d_oneNodeOnTheSameMachineForComparison() throws Exception {
        CLUSTER.client().scheduleGroup(flow.groupId(), "STOPPED");
        clusterStopped = true;
        for (final NiFiInstance node : CLUSTER.nodes()) {
            node.stop();
        }
        final NiFiInstance single =
                FlowFixture.withAwsEnvironment(NiFiInstance.http()).withHeap("512m", NODE_HEAP);
        try {
            single.create(CustomerStreamClusterSystemTest.class.getSimpleName());
            single.start();
            try (FlowFixture alone = FlowFixture.deploy(single, S3, PARAMETERS)) {
                prepareForThroughput(alone.flow);
                final Delivery.Start start = alone.delivery.start();
                final long startNanos = System.nanoTime();
                alone.flow.startAll();
                Await.until(
                        "one node to generate " + RECORDS + " records",
                        GENERATE_TIMEOUT,
                        () -> alone.flow.generatedRecords() - start.generated() >= RECORDS);
                alone.flow.stop(DeployedFlow.GENERATE);
                alone.flow.awaitDrained(DRAIN_TIMEOUT);
                final double seconds = (System.nanoTime() - startNanos) / 1e9;
                final Delivery.Report report = alone.delivery.verify(start, "INSERT_FILES", Delivery.Run.UNINTERRUPTED);
                System.out.printf(
                        "[cluster d] one node: %s; %,.0f records/s (%.1f s); the 3-node cluster on the same %d"
                                + " cores: %,.0f records/s (ratio %.2f)%n",
                        report,
                        report.generated() / seconds,
                        seconds,
                        Runtime.getRuntime().availableProcessors(),
                        clusterRecordsPerSecond,
                        clusterRecordsPerSecond / (report.generated() / seconds));
                single.client().scheduleGroup(alone.flow.groupId(), "STOPPED");
            }
        } finally {
            single.destroy();
        }
    }

    // ---- phases

    private static void awaitGenerated(final Phase phase, final long records) {
        Await.until(
                "the generator to issue " + records + " records in the phase",
                GENERATE_TIMEOUT,
                Duration.ofSeconds(1),
                flow::generatedRecords,
                position -> position - phase.start.generated() >= records);
    }

    /** FlowFiles the generator sent out in NiFi's 5-minute status window, by node (nodes that sent none left out). */
    private static Map<String, Long> generatorOutputByNode() {
        final Map<String, Long> byNode = new TreeMap<>();
        final Map<Integer, JsonNode> status =
                CLUSTER.client().processorStatusByNode(flow.processorId(DeployedFlow.GENERATE));
        for (int node = 1; node <= NiFiCluster.NODES; node++) {
            final String name = NiFiCluster.nodeName(node);
            final JsonNode snapshot = status.get(CLUSTER.node(name).baseUri().getPort());
            if (snapshot != null && snapshot.path("flowFilesOut").asLong() > 0) {
                byNode.put(name, snapshot.path("flowFilesOut").asLong());
            }
        }
        return byNode;
    }

    /**
     * No ERROR in any node's log, except TriggerSnowpipeRefresh's "(will retry)" when the Snowflake stub in this test
     * JVM did not accept a connection on this loaded machine: retried, and the accounting above proves each file loaded
     * once. They are printed, with their count.
     */
    private static void assertNoErrors() {
        for (final NiFiInstance node : CLUSTER.nodes()) {
            final List<String> errors = node.errorLines();
            final List<String> retried = errors.stream()
                    .filter(line -> line.contains("TriggerSnowpipeRefresh") && line.endsWith("(will retry)"))
                    .toList();
            if (!retried.isEmpty()) {
                System.out.printf(
                        "[cluster] %s: %d retried Snowpipe notifications logged at ERROR, first: %s%n",
                        node.home().getFileName(), retried.size(), retried.getFirst());
            }
            assertThat(errors)
                    .as("ERROR lines in %s's logs/nifi-app.log", node.home())
                    .allMatch(retried::contains);
        }
    }

    /** What a phase starts from: the delivery accounting and the generator's next customer id. */
    private record Phase(Delivery.Start start, long nextCustomerId) {

        static Phase begin() {
            return new Phase(fixture.delivery.start(), flow.nextCustomerId());
        }

        /** The objects the phase stored under the stage prefix: records by node, customer ids. */
        Landed landed() {
            final Map<String, Long> recordsByNode = new TreeMap<>();
            final Map<String, Integer> objectsByNode = new TreeMap<>();
            final TreeSet<Long> customerIds = new TreeSet<>();
            for (final String key : StoredObjects.keys(fixture.s3(), Delivery.BUCKET, Delivery.STAGE_PREFIX)) {
                if (start.objects().contains(key)) {
                    continue;
                }
                final Matcher node = NODE_IN_KEY.matcher(key);
                assertThat(node.find())
                        .as("the node's name in object key %s", key)
                        .isTrue();
                final StoredObjects.Content content = StoredObjects.read(fixture.s3(), Delivery.BUCKET, key);
                recordsByNode.merge(node.group(1), (long) content.recordCount(), Long::sum);
                objectsByNode.merge(node.group(1), 1, Integer::sum);
                for (final long id : content.customerIds()) {
                    customerIds.add(id);
                }
            }
            return new Landed(recordsByNode, objectsByNode, customerIds);
        }

        /**
         * The generator issues customer ids consecutively from its counter in cluster state. Every id it counted out
         * in the phase is in the loaded records (each new customer's first record), except {@code skipped} ones, and
         * none beyond the counter: no id issued twice, none lost. No sequence number twice is checked by Delivery.
         */
        void assertEveryNewCustomerIdOnce(final Landed landed, final Set<Long> skipped) {
            final long next = flow.nextCustomerId();
            assertThat(next)
                    .as("the generator's next customer id after the phase")
                    .isGreaterThan(nextCustomerId);
            final Set<Long> issued = landed.customerIds().subSet(nextCustomerId, true, Long.MAX_VALUE, true);
            assertThat(issued)
                    .as("customer ids at or above the counter's value at the start (%d)", nextCustomerId)
                    .allMatch(id -> id < next);
            final List<Long> missing = new ArrayList<>();
            for (long id = nextCustomerId; id < next; id++) {
                if (!issued.contains(id) && !skipped.contains(id)) {
                    missing.add(id);
                }
            }
            assertThat(missing)
                    .as("ids the generator counted out in [%d, %d) that no loaded record carries", nextCustomerId, next)
                    .isEmpty();
            System.out.printf(
                    "[cluster] customer ids %,d to %,d issued in the phase, each in the loaded records%s%n",
                    nextCustomerId,
                    next - 1,
                    skipped.isEmpty()
                            ? ""
                            : " except " + skipped.size() + " skipped with the killed generator's reservation");
        }
    }

    private record Landed(
            Map<String, Long> recordsByNode, Map<String, Integer> objectsByNode, TreeSet<Long> customerIds) {

        String shares() {
            final long total =
                    recordsByNode.values().stream().mapToLong(Long::longValue).sum();
            final StringBuilder shares = new StringBuilder();
            recordsByNode.forEach((node, records) -> shares.append(shares.isEmpty() ? "" : ", ")
                    .append(String.format(
                            "%s %,d records in %d objects (%.1f %%)",
                            node, records, objectsByNode.get(node), 100.0 * records / total)));
            return shares.toString();
        }

        /**
         * The ids no loaded record carries: only new customers of the events the killed generator had reserved and
         * not emitted. Those events issue consecutive ids, at most one each, so the ids lie within one range no
         * longer than the skipped events (later updates of such a customer may carry its id: a gap can have holes).
         */
        Set<Long> skippedIds(final Phase phase, final long skippedEvents) {
            final Set<Long> gap = new TreeSet<>();
            final long next = flow.nextCustomerId();
            for (long id = phase.nextCustomerId(); id < next; id++) {
                if (!customerIds.contains(id)) {
                    gap.add(id);
                }
            }
            if (!gap.isEmpty()) {
                final long first = ((TreeSet<Long>) gap).first();
                final long last = ((TreeSet<Long>) gap).last();
                assertThat(last - first + 1)
                        .as(
                                "span of the ids not loaded (%d..%d, %d ids) against the events skipped",
                                first, last, gap.size())
                        .isLessThanOrEqualTo(skippedEvents);
            }
            return gap;
        }
    }
}
