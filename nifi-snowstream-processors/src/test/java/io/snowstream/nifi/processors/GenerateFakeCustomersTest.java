package io.snowstream.nifi.processors;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import org.apache.nifi.components.state.Scope;
import org.apache.nifi.provenance.ProvenanceEventType;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GenerateFakeCustomersTest {

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
            .mapToLong(kind -> Long.parseLong(second.getAttribute("generate." + kind + ".count"))).sum();
        assertThat(counted).isEqualTo(250);
        assertThat(Arrays.stream(lines).skip(1).filter(line -> line.endsWith(",D")).count())
            .isEqualTo(Long.parseLong(second.getAttribute("generate.delete.count")));
        assertThat(runner.getProvenanceEvents()).hasSize(2)
            .allSatisfy(event -> assertThat(event.getEventType()).isEqualTo(ProvenanceEventType.CREATE));
    }

    @Test
    void sameSeedGivesByteIdenticalFlowFilesAcrossRunnersAndRestarts() throws IOException {
        runner.run(4);
        final List<byte[]> uninterrupted = contents(runner);

        final TestRunner beforeRestart = seededRunner();
        beforeRestart.run(2);
        final Map<String, String> storedState = beforeRestart.getStateManager().getState(Scope.CLUSTER).toMap();
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
        // this node stays scheduled and keeps its generator in memory while another node takes over
        runner.run(1, false, true);
        final TestRunner otherNode = seededRunner();
        otherNode.getStateManager().setState(runner.getStateManager().getState(Scope.CLUSTER).toMap(), Scope.CLUSTER);
        otherNode.run(1);
        // this node becomes primary again: it must continue from the cluster state, not from its own memory
        runner.getStateManager().setState(otherNode.getStateManager().getState(Scope.CLUSTER).toMap(), Scope.CLUSTER);
        runner.run(1, true, false);

        final List<MockFlowFile> flowFiles = runner.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS);
        flowFiles.get(1).assertAttributeEquals("generate.sequence.first", "2000");
        assertThat(runner.getStateManager().getState(Scope.CLUSTER).get("event.sequence")).isEqualTo("3000");
    }

    @Test
    void withoutSeedKeepsADrawnSeedInStateAndStampsTheClock() throws IOException {
        final TestRunner unseeded = TestRunners.newTestRunner(GenerateFakeCustomers.class);
        unseeded.setProperty(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, "100");
        final long before = System.currentTimeMillis();
        unseeded.run(1);
        final String drawnSeed = unseeded.getStateManager().getState(Scope.CLUSTER).get("stream.seed");

        final TestRunner restarted = TestRunners.newTestRunner(GenerateFakeCustomers.class);
        restarted.setProperty(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, "100");
        restarted.getStateManager().setState(unseeded.getStateManager().getState(Scope.CLUSTER).toMap(), Scope.CLUSTER);
        restarted.run(1);

        assertThat(drawnSeed).isNotNull();
        final MockFlowFile first = unseeded.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS).getFirst();
        first.assertAttributeEquals("generate.seed", drawnSeed);
        restarted.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS).getFirst().assertAttributeEquals("generate.seed", drawnSeed);
        final String firstRecord = first.getContent().split("\n")[1];
        final String eventTime = firstRecord.split(",")[8];
        assertThat(java.time.Instant.parse(eventTime).toEpochMilli()).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void stateStaysFarBelowTheZooKeeperLimit() throws IOException {
        runner.setProperty(GenerateFakeCustomers.TRACKED_CUSTOMERS, "50000");
        runner.setProperty(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, "100000");
        runner.run(2);

        final Map<String, String> state = runner.getStateManager().getState(Scope.CLUSTER).toMap();
        final int bytes = state.entrySet().stream()
            .mapToInt(entry -> entry.getKey().getBytes(StandardCharsets.UTF_8).length + entry.getValue().getBytes(StandardCharsets.UTF_8).length).sum();
        assertThat(state.get("customer.tracked.count")).isEqualTo("50000");
        assertThat(bytes).isLessThan(300_000);
    }

    @Test
    void invalidPercentageProducesBrokenRecords() {
        runner.setProperty(GenerateFakeCustomers.INVALID_PERCENTAGE, "100");
        runner.setProperty(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, "500");
        runner.run(1);

        final MockFlowFile flowFile = runner.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS).getFirst();
        flowFile.assertAttributeEquals("generate.invalid.count", "500");
        flowFile.assertAttributeEquals("record.count", "500");
    }

    @Test
    void corruptStateProducesNothingAndExplainsHowToRecover() throws IOException {
        runner.getStateManager().setState(Map.of("event.sequence", "12", "stream.seed", "x"), Scope.CLUSTER);

        runner.run(1);

        runner.assertTransferCount(GenerateFakeCustomers.REL_SUCCESS, 0);
        assertThat(runner.getLogger().getErrorMessages()).singleElement()
            .satisfies(message -> assertThat(message.getMsg()).contains("clearing the processor's state"));
        assertThat(runner.getStateManager().getState(Scope.CLUSTER).get("event.sequence")).isEqualTo("12");
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

    private static List<byte[]> contents(final TestRunner runner) {
        return runner.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS).stream().map(MockFlowFile::toByteArray).toList();
    }
}
