package io.snowstream.nifi.processors;

import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.nifi.annotation.configuration.DefaultSchedule;
import org.apache.nifi.components.state.Scope;
import org.apache.nifi.provenance.ProvenanceEventType;
import org.apache.nifi.scheduling.SchedulingStrategy;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GenerateFakeCustomersTest {

    private static final InstantSource STANDING_CLOCK = InstantSource.fixed(Instant.parse("2026-11-23T10:00:00Z"));

    private TestRunner runner;

    @BeforeEach
    void setUp() {
        runner = seededRunner();
    }

    @Test
    void writesCanonicalCsvWithTraceableAttributesAndProvenance() {
        runner.setProperty(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, "250");

        runner.run(2);

        runner.assertAllFlowFilesTransferred(GenerateFakeCustomers.REL_SUCCESS, 2);
        final List<MockFlowFile> flowFiles = runner.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS);
        final MockFlowFile second = flowFiles.get(1);
        final String[] lines = second.getContent().split("\n");
        assertThat(lines[0]).isEqualTo(CustomerCsvFormat.HEADER);
        assertThat(lines).hasSize(251);
        second.assertAttributeEquals("mime.type", "text/csv");
        second.assertAttributeEquals("record.count", "250");
        second.assertAttributeEquals("generate.sequence.first", "250");
        second.assertAttributeEquals("generate.sequence.last", "499");
        second.assertAttributeEquals("generate.seed", "20261123");
        final long counted = List.of("insert", "update", "delete", "invalid").stream()
                .mapToLong(kind -> Long.parseLong(second.getAttribute("generate." + kind + ".count")))
                .sum();
        assertThat(counted).isEqualTo(250);
        assertThat(Arrays.stream(lines)
                        .skip(1)
                        .filter(line -> line.endsWith(",D"))
                        .count())
                .isEqualTo(Long.parseLong(second.getAttribute("generate.delete.count")));
        assertThat(runner.getProvenanceEvents())
                .hasSize(2)
                .allSatisfy(event -> assertThat(event.getEventType()).isEqualTo(ProvenanceEventType.CREATE));
    }

    @Test
    void sameSeedGivesByteIdenticalFlowFilesAcrossRunnersAndRestarts() throws IOException {
        runner.run(4);
        final List<byte[]> uninterrupted = contents(runner);

        final TestRunner beforeRestart = seededRunner();
        beforeRestart.run(2);
        final Map<String, String> storedState =
                beforeRestart.getStateManager().getState(Scope.CLUSTER).toMap();
        final TestRunner afterRestart = seededRunner();
        afterRestart.getStateManager().setState(storedState, Scope.CLUSTER);
        afterRestart.run(2);

        final List<byte[]> restarted = new java.util.ArrayList<>(contents(beforeRestart));
        restarted.addAll(contents(afterRestart));
        assertThat(restarted).hasSameSizeAs(uninterrupted);
        for (int i = 0; i < restarted.size(); i++) {
            assertThat(restarted.get(i)).as("FlowFile %d", i).isEqualTo(uninterrupted.get(i));
        }
    }

    @Test
    void continuesFromStateWrittenByAnotherNodeAfterFailover() throws IOException {
        // this node stays scheduled and keeps its stream in memory, reserved far beyond its 20 events, while another
        // node takes over
        final TestRunner thisNode = smallBatchRunner();
        thisNode.run(2, false, true);
        final TestRunner otherNode = smallBatchRunner();
        otherNode
                .getStateManager()
                .setState(thisNode.getStateManager().getState(Scope.CLUSTER).toMap(), Scope.CLUSTER);
        otherNode.run(1);
        // this node becomes primary again: it must continue from the cluster state, not from its own memory
        thisNode.getStateManager()
                .setState(otherNode.getStateManager().getState(Scope.CLUSTER).toMap(), Scope.CLUSTER);
        thisNode.run(1, true, false);

        final List<MockFlowFile> onThisNode = thisNode.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS);
        final List<MockFlowFile> onOtherNode = otherNode.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS);
        // the other node starts beyond this node's reservation, and this node continues after the other
        onOtherNode.getFirst().assertAttributeEquals("generate.sequence.first", "10010");
        onThisNode.get(2).assertAttributeEquals("generate.sequence.first", "10020");
        // each node wrote what one uninterrupted stream holds at its sequence numbers, so no id is issued twice
        final List<String> stream = records(uninterruptedStream(10_030));
        assertThat(records(onThisNode.subList(0, 2))).isEqualTo(stream.subList(0, 20));
        assertThat(records(onOtherNode)).isEqualTo(stream.subList(10_010, 10_020));
        assertThat(records(onThisNode.subList(2, 3))).isEqualTo(stream.subList(10_020, 10_030));
        assertThat(thisNode.getStateManager().getState(Scope.CLUSTER).get("event.sequence"))
                .isEqualTo("10030");
    }

    @Test
    void atZeroSecondsTheStateIsWrittenAFewTimesNotOnEveryRun() throws IOException {
        final TestRunner fast = TestRunners.newTestRunner(new GenerateFakeCustomers(STANDING_CLOCK));
        fast.setProperty(GenerateFakeCustomers.SEED, "20261123");
        fast.setProperty(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, "100");

        fast.run(2_000);

        fast.assertTransferCount(GenerateFakeCustomers.REL_SUCCESS, 2_000);
        // three reservations (one batch, then sized by the rate, then the largest) and the exact position at the stop
        assertThat(stateWrites(fast)).isEqualTo(4);
        assertThat(fast.getStateManager().getState(Scope.CLUSTER).get("event.sequence"))
                .isEqualTo("200000");
    }

    @Test
    void aCrashEmitsNoEventOrCustomerIdTwiceAndContinuesTheStream() throws IOException {
        final TestRunner crashed = smallBatchRunner();
        crashed.run(5, false, true);
        final TestRunner restarted = smallBatchRunner();
        restarted
                .getStateManager()
                .setState(crashed.getStateManager().getState(Scope.CLUSTER).toMap(), Scope.CLUSTER);
        restarted.run(2);

        final List<MockFlowFile> beforeCrash = crashed.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS);
        final List<MockFlowFile> afterCrash = restarted.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS);
        beforeCrash.getLast().assertAttributeEquals("generate.sequence.last", "49");
        // events 50 to 10,009 were reserved before the crash: they may have been emitted, so they never are again
        afterCrash.getFirst().assertAttributeEquals("generate.sequence.first", "10010");
        final List<String> stream = records(uninterruptedStream(10_030));
        assertThat(records(beforeCrash)).isEqualTo(stream.subList(0, 50));
        assertThat(records(afterCrash))
                .as("what the uninterrupted stream holds at the same sequence numbers")
                .isEqualTo(stream.subList(10_010, 10_030));
        final List<Long> idsBefore = customerIds(beforeCrash);
        final long highestIdBefore =
                idsBefore.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(customerIds(afterCrash))
                .filteredOn(id -> !idsBefore.contains(id))
                .as("ids first seen after the crash")
                .isNotEmpty()
                .allSatisfy(id -> assertThat(id).isGreaterThan(highestIdBefore));
    }

    @Test
    void runsEveryTenSecondsByDefaultAtAThousandRecordsASecond() {
        final DefaultSchedule schedule = GenerateFakeCustomers.class.getAnnotation(DefaultSchedule.class);

        assertThat(schedule.strategy()).isEqualTo(SchedulingStrategy.TIMER_DRIVEN);
        assertThat(schedule.period()).isEqualTo("10 sec");
        assertThat(GenerateFakeCustomers.RECORDS_PER_FLOWFILE.getDefaultValue()).isEqualTo("10000");
        // one millisecond of simulated time per event: at 1,000 records a second the simulated clock keeps the wall
        // clock's pace
        assertThat(GenerateFakeCustomers.EVENT_TIME_STEP.getDefaultValue()).isEqualTo("1 ms");
    }

    @Test
    void aSeededStreamNeverRunsAheadOfTheClockAndWaitsForIt() {
        final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:50Z"));
        final TestRunner seeded = TestRunners.newTestRunner(new GenerateFakeCustomers(clock));
        seeded.setProperty(GenerateFakeCustomers.SEED, "7");
        seeded.setProperty(GenerateFakeCustomers.SIMULATED_START_TIME, "2026-01-01T00:00:00Z");
        seeded.setProperty(GenerateFakeCustomers.EVENT_TIME_STEP, "1 sec");
        seeded.setProperty(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, "100");

        seeded.run(1, false, true);
        // events 0 to 50 are due at 00:00:50; event 51 would lie in the future
        seeded.assertTransferCount(GenerateFakeCustomers.REL_SUCCESS, 1);
        final MockFlowFile due = seeded.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS)
                .getFirst();
        due.assertAttributeEquals("record.count", "51");
        assertThat(records(List.of(due)).getLast()).contains(",2026-01-01T00:00:50.000Z,");

        seeded.run(1, false, false);
        seeded.assertTransferCount(GenerateFakeCustomers.REL_SUCCESS, 1);
        assertThat(seeded.isYieldCalled()).isTrue();

        clock.set(Instant.parse("2026-01-01T00:01:10Z"));
        seeded.run(1, true, false);
        final MockFlowFile caughtUp = seeded.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS)
                .get(1);
        caughtUp.assertAttributeEquals("generate.sequence.first", "51");
        caughtUp.assertAttributeEquals("generate.sequence.last", "70");
        // the waiting changes when events appear, never what they are
        final TestRunner unhurried = TestRunners.newTestRunner(new GenerateFakeCustomers(STANDING_CLOCK));
        unhurried.setProperty(GenerateFakeCustomers.SEED, "7");
        unhurried.setProperty(GenerateFakeCustomers.EVENT_TIME_STEP, "1 sec");
        unhurried.setProperty(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, "71");
        unhurried.run(1);
        assertThat(records(seeded.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS)))
                .isEqualTo(records(unhurried.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS)));
    }

    @Test
    void aSeededStreamStartingInTheFutureWritesNothingUntilItsStart() {
        final TestRunner early = TestRunners.newTestRunner(new GenerateFakeCustomers(STANDING_CLOCK));
        early.setProperty(GenerateFakeCustomers.SEED, "7");
        early.setProperty(GenerateFakeCustomers.SIMULATED_START_TIME, "2027-01-01T00:00:00Z");

        early.run(3);

        early.assertTransferCount(GenerateFakeCustomers.REL_SUCCESS, 0);
        assertThat(early.isYieldCalled()).isTrue();
    }

    @Test
    void withoutSeedKeepsADrawnSeedInStateAndStampsTheClock() throws IOException {
        final TestRunner unseeded = TestRunners.newTestRunner(GenerateFakeCustomers.class);
        unseeded.setProperty(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, "100");
        final long before = System.currentTimeMillis();
        unseeded.run(1);
        final String drawnSeed =
                unseeded.getStateManager().getState(Scope.CLUSTER).get("stream.seed");

        final TestRunner restarted = TestRunners.newTestRunner(GenerateFakeCustomers.class);
        restarted.setProperty(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, "100");
        restarted
                .getStateManager()
                .setState(unseeded.getStateManager().getState(Scope.CLUSTER).toMap(), Scope.CLUSTER);
        restarted.run(1);

        assertThat(drawnSeed).isNotNull();
        final MockFlowFile first = unseeded.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS)
                .getFirst();
        first.assertAttributeEquals("generate.seed", drawnSeed);
        restarted
                .getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS)
                .getFirst()
                .assertAttributeEquals("generate.seed", drawnSeed);
        final String firstRecord = first.getContent().split("\n")[1];
        final String eventTime = firstRecord.split(",")[8];
        assertThat(java.time.Instant.parse(eventTime).toEpochMilli()).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void stateStaysFarBelowTheZooKeeperLimit() throws IOException {
        runner.setProperty(GenerateFakeCustomers.TRACKED_CUSTOMERS, "50000");
        runner.setProperty(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, "100000");
        runner.run(2);

        final Map<String, String> state =
                runner.getStateManager().getState(Scope.CLUSTER).toMap();
        final int bytes = state.entrySet().stream()
                .mapToInt(entry -> entry.getKey().getBytes(StandardCharsets.UTF_8).length
                        + entry.getValue().getBytes(StandardCharsets.UTF_8).length)
                .sum();
        assertThat(state.get("customer.tracked.count")).isEqualTo("50000");
        assertThat(bytes).isLessThan(300_000);
    }

    @Test
    void invalidPercentageProducesBrokenRecords() {
        runner.setProperty(GenerateFakeCustomers.INVALID_PERCENTAGE, "100");
        runner.setProperty(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, "500");
        runner.run(1);

        final MockFlowFile flowFile = runner.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS)
                .getFirst();
        flowFile.assertAttributeEquals("generate.invalid.count", "500");
        flowFile.assertAttributeEquals("record.count", "500");
    }

    @Test
    void corruptStateProducesNothingAndExplainsHowToRecover() throws IOException {
        runner.getStateManager().setState(Map.of("event.sequence", "12", "stream.seed", "x"), Scope.CLUSTER);

        runner.run(1);

        runner.assertTransferCount(GenerateFakeCustomers.REL_SUCCESS, 0);
        assertThat(runner.getLogger().getErrorMessages())
                .singleElement()
                .satisfies(message -> assertThat(message.getMsg()).contains("clearing the processor's state"));
        assertThat(runner.getStateManager().getState(Scope.CLUSTER).get("event.sequence"))
                .isEqualTo("12");
    }

    @Test
    void rejectsInconsistentOrMalformedProperties() {
        runner.setProperty(GenerateFakeCustomers.INSERT_PERCENTAGE, "65");
        runner.assertNotValid();
        runner.setProperty(GenerateFakeCustomers.UPDATE_PERCENTAGE, "24.5");
        runner.setProperty(GenerateFakeCustomers.DELETE_PERCENTAGE, "10.5");
        runner.assertValid();

        assertInvalid(GenerateFakeCustomers.INVALID_PERCENTAGE, "120");
        assertInvalid(GenerateFakeCustomers.DELETE_PERCENTAGE, "-5");
        assertInvalid(GenerateFakeCustomers.UPDATE_PERCENTAGE, "many");
        assertInvalid(GenerateFakeCustomers.LOCALE, "de");
        assertInvalid(GenerateFakeCustomers.LOCALE, "not a locale");
        assertInvalid(GenerateFakeCustomers.SEED, "lucky");
        assertInvalid(GenerateFakeCustomers.SIMULATED_START_TIME, "2026-01-01");
        assertInvalid(GenerateFakeCustomers.EVENT_TIME_STEP, "fast");
        assertInvalid(GenerateFakeCustomers.TRACKED_CUSTOMERS, "50001");
        assertInvalid(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, "0");

        runner.setProperty(GenerateFakeCustomers.INSERT_PERCENTAGE, "0");
        runner.setProperty(GenerateFakeCustomers.UPDATE_PERCENTAGE, "90");
        runner.setProperty(GenerateFakeCustomers.DELETE_PERCENTAGE, "10");
        runner.assertNotValid();
    }

    private void assertInvalid(final org.apache.nifi.components.PropertyDescriptor property, final String value) {
        final String previous = runner.getProcessContext().getProperties().get(property);
        runner.setProperty(property, value);
        runner.assertNotValid();
        if (previous == null) {
            runner.removeProperty(property);
        } else {
            runner.setProperty(property, previous);
        }
        runner.assertValid();
    }

    /** A wall clock a test moves by hand. */
    private static final class SettableClock implements InstantSource {
        private volatile Instant now;

        SettableClock(final Instant now) {
            this.now = now;
        }

        void set(final Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static TestRunner seededRunner() {
        final TestRunner runner = TestRunners.newTestRunner(GenerateFakeCustomers.class);
        runner.setProperty(GenerateFakeCustomers.SEED, "20261123");
        runner.setProperty(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, "1000");
        runner.setProperty(GenerateFakeCustomers.INSERT_PERCENTAGE, "60");
        runner.setProperty(GenerateFakeCustomers.UPDATE_PERCENTAGE, "30");
        runner.setProperty(GenerateFakeCustomers.DELETE_PERCENTAGE, "10");
        runner.setProperty(GenerateFakeCustomers.INVALID_PERCENTAGE, "2");
        return runner;
    }

    /**
     * A seeded runner of 10 records per FlowFile, no invalid ones, whose clock stands still: its second run reserves
     * 10,000 events ahead, far beyond what it emits in a few runs.
     */
    private static TestRunner smallBatchRunner() {
        final TestRunner runner = TestRunners.newTestRunner(new GenerateFakeCustomers(STANDING_CLOCK));
        runner.setProperty(GenerateFakeCustomers.SEED, "20261123");
        runner.setProperty(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, "10");
        runner.setProperty(GenerateFakeCustomers.INSERT_PERCENTAGE, "60");
        runner.setProperty(GenerateFakeCustomers.UPDATE_PERCENTAGE, "30");
        runner.setProperty(GenerateFakeCustomers.DELETE_PERCENTAGE, "10");
        return runner;
    }

    /** One FlowFile with the first {@code records} events of the stream {@link #smallBatchRunner()} writes. */
    private static List<MockFlowFile> uninterruptedStream(final int records) {
        final TestRunner uninterrupted = smallBatchRunner();
        uninterrupted.setProperty(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, Integer.toString(records));
        uninterrupted.run(1);
        return uninterrupted.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS);
    }

    private static long stateWrites(final TestRunner runner) throws IOException {
        return runner.getStateManager()
                .getState(Scope.CLUSTER)
                .getStateVersion()
                .map(Long::parseLong)
                .orElse(0L);
    }

    /** The records of the FlowFiles in order, headers left out. */
    private static List<String> records(final List<MockFlowFile> flowFiles) {
        return flowFiles.stream()
                .flatMap(flowFile ->
                        Arrays.stream(flowFile.getContent().split("\n")).skip(1))
                .toList();
    }

    private static List<Long> customerIds(final List<MockFlowFile> flowFiles) {
        return records(flowFiles).stream()
                .map(record -> Long.parseLong(record.substring(0, record.indexOf(','))))
                .toList();
    }

    private static List<byte[]> contents(final TestRunner runner) {
        return runner.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS).stream()
                .map(MockFlowFile::toByteArray)
                .toList();
    }
}
