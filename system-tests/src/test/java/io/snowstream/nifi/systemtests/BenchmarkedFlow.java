package io.snowstream.nifi.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * One side of the NiFi flow benchmark, as the benchmark drives it over REST: a generator (the source when generation
 * is included), a GetFile (the source when pre-generated CSV is replayed), the processors downstream of both, the S3
 * prefix the side stores under, and how many records its generator has issued so far.
 *
 * @param label              how the report names the side
 * @param groupId            its process group
 * @param generator          the generator processor's id
 * @param fileSource         the GetFile processor's id
 * @param pipeline           validation, batching and upload: the processors downstream of the sources
 * @param parkedConnections  connections into processors the benchmark leaves stopped (Trigger Snowpipe): not drained,
 *                           emptied after each round
 * @param s3Prefix           where its objects land
 * @param inputDirectory     the directory its GetFile reads
 * @param generatedRecords   the records its generator has issued so far (exact once the generator is stopped)
 */
record BenchmarkedFlow(
        NiFiClient nifi,
        String label,
        String groupId,
        String generator,
        String fileSource,
        List<String> pipeline,
        Set<String> parkedConnections,
        String s3Prefix,
        Path inputDirectory,
        LongSupplier generatedRecords) {

    private static final Duration WAIT = Duration.ofMinutes(3);

    /** Starts the processors downstream of the sources and waits until they run. */
    void startPipeline() {
        pipeline.forEach(this::start);
    }

    void start(final String processorId) {
        if (!nifi.processor(processorId)
                .path("component")
                .path("state")
                .asText()
                .equals("RUNNING")) {
            nifi.setProcessorState(processorId, "RUNNING");
        }
        Await.until(
                label + " processor " + processorId + " to run",
                WAIT,
                () -> nifi.processor(processorId)
                        .path("component")
                        .path("state")
                        .asText(),
                "RUNNING"::equals);
    }

    /** Asks the processor to stop and waits until it has, with no thread of it still active. */
    void stop(final String processorId) {
        if (nifi.processor(processorId).path("component").path("state").asText().equals("RUNNING")) {
            nifi.setProcessorState(processorId, "STOPPED");
        }
        Await.until(
                label + " processor " + processorId + " to stop",
                WAIT,
                Duration.ofMillis(100),
                () -> nifi.processor(processorId),
                DeployedFlow::isStopped);
    }

    /** Stops the sources, then everything downstream. */
    void stopAll() {
        stop(generator);
        stop(fileSource);
        pipeline.forEach(this::stop);
    }

    /** No FlowFile queued (or held in a forming batch or bin) outside the parked connections, and no active thread. */
    boolean drained() {
        final JsonNode status = nifi.groupStatus(groupId);
        if (status.path("activeThreadCount").asInt() != 0) {
            return false;
        }
        for (final JsonNode connection : status.path("connectionStatusSnapshots")) {
            final JsonNode snapshot = connection.path("connectionStatusSnapshot");
            if (!parkedConnections.contains(snapshot.path("id").asText())
                    && snapshot.path("flowFilesQueued").asInt() != 0) {
                return false;
            }
        }
        return true;
    }

    void awaitDrained(final Duration timeout) {
        Await.until(
                label + ": every queue empty and no thread active",
                timeout,
                Duration.ofMillis(250),
                this::drained,
                Boolean.TRUE::equals);
    }

    /** Queue sizes by "source -> destination", for messages. */
    Map<String, Integer> queues() {
        final Map<String, Integer> queues = new TreeMap<>();
        for (final JsonNode connection : nifi.groupStatus(groupId).path("connectionStatusSnapshots")) {
            final JsonNode snapshot = connection.path("connectionStatusSnapshot");
            queues.put(
                    snapshot.path("sourceName").asText() + " -> "
                            + snapshot.path("destinationName").asText(),
                    snapshot.path("flowFilesQueued").asInt());
        }
        return queues;
    }

    /**
     * For failure messages: the attributes of the first FlowFile in every non-empty connection into a funnel (the
     * stock flow's dead ends for invalid records and failures), such as ValidateRecord's validation.details.
     */
    String rejected() {
        final StringBuilder text = new StringBuilder();
        for (final JsonNode connection : nifi.groupFlow(groupId).path("connections")) {
            final JsonNode component = connection.path("component");
            if (!component.path("destination").path("type").asText().equals("FUNNEL")) {
                continue;
            }
            final String id = connection.path("id").asText();
            final List<JsonNode> queued = nifi.listQueue(id);
            if (!queued.isEmpty()) {
                text.append("\n  ")
                        .append(component.path("source").path("name").asText())
                        .append(' ')
                        .append(component.path("selectedRelationships"))
                        .append(": ")
                        .append(queued.size())
                        .append(" or more FlowFiles; the first one's attributes: ")
                        .append(nifi.flowFileAttributes(
                                id, queued.getFirst().path("uuid").asText()));
            }
        }
        return text.isEmpty() ? "" : "\nRejected FlowFiles:" + text;
    }

    void emptyParkedConnections() {
        parkedConnections.forEach(nifi::emptyQueue);
    }

    void emptyAllConnections() {
        for (final JsonNode connection : nifi.groupFlow(groupId).path("connections")) {
            nifi.emptyQueue(connection.path("id").asText());
        }
    }

    /** Tasks each processor ran in NiFi's 5-minute status window, by processor name. */
    Map<String, Long> taskCounts() {
        final Map<String, Long> counts = new TreeMap<>();
        for (final JsonNode processor : nifi.groupStatus(groupId).path("processorStatusSnapshots")) {
            final JsonNode snapshot = processor.path("processorStatusSnapshot");
            counts.put(
                    snapshot.path("name").asText(), snapshot.path("taskCount").asLong());
        }
        return counts;
    }

    /** Every processor the benchmark runs when the side is idle: the file source and the pipeline. */
    List<String> idleProcessors() {
        final List<String> ids = new ArrayList<>(pipeline);
        ids.add(fileSource);
        return ids;
    }
}
