package io.snowstream.nifi.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The process group customer-stream-to-snowflake (flows/snowstream/customer-stream-to-snowflake.json) in a running
 * NiFi, deployed with the project's own {@code deploy/scripts/upload-flow-to-nifi.sh}, and what an operator does
 * with it through the REST API: set parameters, enable the Snowflake connection, start and stop processors, watch
 * queues and counters.
 */
final class DeployedFlow {

    static final String GROUP_NAME = "customer-stream-to-snowflake";
    static final String GENERATE = "Generate customer changes";
    static final String VALIDATE = "Validate customer records";
    static final String PUT_BATCHES = "Put customer batches to S3";
    static final String PUT_QUARANTINE = "Quarantine rejected records";
    static final String TRIGGER = "Trigger Snowpipe";
    static final String FAILED_S3 = "Failed S3 uploads";
    static final String FAILED_LOADS = "Failed Snowflake loads";
    static final String UNREADABLE = "Unreadable input";
    static final String SNOWFLAKE_SERVICE = "Snowflake connection";

    private static final Duration WAIT = Duration.ofMinutes(3);

    private final NiFiClient nifi;
    private final String groupId;
    private final String parameterContextId;
    private final Map<String, String> processorIds = new HashMap<>();
    /** "source name -> destination name" to connection id. */
    private final Map<String, String> connectionIds = new HashMap<>();

    private final String serviceId;

    private DeployedFlow(final NiFiClient nifi, final String groupId) {
        this.nifi = nifi;
        this.groupId = groupId;
        final JsonNode flow = nifi.groupFlow(groupId);
        for (final JsonNode processor : flow.path("processors")) {
            processorIds.put(
                    processor.path("component").path("name").asText(),
                    processor.path("id").asText());
        }
        for (final JsonNode connection : flow.path("connections")) {
            final JsonNode component = connection.path("component");
            connectionIds.put(
                    component.path("source").path("name").asText() + " -> "
                            + component.path("destination").path("name").asText(),
                    connection.path("id").asText());
        }
        this.parameterContextId = nifi.processGroup(groupId)
                .path("component")
                .path("parameterContext")
                .path("id")
                .asText();
        this.serviceId = nifi.controllerServices(groupId).stream()
                .filter(service ->
                        service.path("component").path("name").asText().equals(SNOWFLAKE_SERVICE))
                .map(service -> service.path("id").asText())
                .findFirst()
                .orElseThrow(() ->
                        new IllegalStateException("no controller service '" + SNOWFLAKE_SERVICE + "' in the group"));
    }

    /**
     * Uploads the flow file with {@code deploy/scripts/upload-flow-to-nifi.sh}, as a user of their own NiFi does:
     * over HTTP without login, or over HTTPS logged in as the single user, trusting NiFi's generated certificate.
     */
    static DeployedFlow upload(final NiFiInstance instance) {
        return uploaded(
                instance.client(), runDeployScript(instance, "upload-flow-to-nifi.sh", List.of(FLOW_FILE.toString())));
    }

    /** Uploads the flow file into a cluster, through one node, authenticated with the admin's client certificate. */
    static DeployedFlow upload(final NiFiCluster cluster) {
        final URI api = cluster.client().api();
        final URI node = URI.create(api.getScheme() + "://" + api.getRawAuthority());
        final ScriptResult result = runScript(
                "upload-flow-to-nifi.sh",
                node,
                List.of(
                        "--cacert",
                        cluster.caCertificatePem().toString(),
                        "--client-cert",
                        cluster.adminPem().toString()),
                Map.of(),
                List.of(FLOW_FILE.toString()));
        return uploaded(cluster.client(), succeeded("upload-flow-to-nifi.sh", result));
    }

    /** The group the upload script reported creating, found by its name in NiFi's root group. */
    private static DeployedFlow uploaded(final NiFiClient nifi, final String output) {
        final String groupId = NiFiClient.list(
                        nifi.groupFlow(nifi.rootGroupId()).path("processGroups"))
                .stream()
                .filter(group -> group.path("component").path("name").asText().equals(GROUP_NAME))
                .map(group -> group.path("id").asText())
                .findFirst()
                .orElseThrow(() ->
                        new AssertionError("upload-flow-to-nifi.sh reported success but NiFi's root group has no '"
                                + GROUP_NAME + "': " + output));
        return new DeployedFlow(nifi, groupId);
    }

    static final Path REPOSITORY = Path.of(System.getProperty("snowstream.repository.root", ".."))
            .toAbsolutePath()
            .normalize();
    static final Path FLOW_FILE = REPOSITORY.resolve("flows/snowstream/customer-stream-to-snowflake.json");

    /**
     * Runs one of {@code deploy/scripts} against the instance with the given arguments, logged in (HTTPS, trusting
     * NiFi's generated certificate) or not (HTTP), and returns its output; a failure fails the test with that output.
     */
    static String runDeployScript(final NiFiInstance instance, final String script, final List<String> arguments) {
        return succeeded(script, tryDeployScript(instance, script, arguments));
    }

    private static String succeeded(final String script, final ScriptResult result) {
        if (result.exitCode() != 0) {
            throw new AssertionError(script + " failed: " + result.output());
        }
        return result.output();
    }

    record ScriptResult(int exitCode, String output) {}

    /** As {@link #runDeployScript}, for a run that may fail. */
    static ScriptResult tryDeployScript(
            final NiFiInstance instance, final String script, final List<String> arguments) {
        if (instance.security() == NiFiInstance.Security.HTTP) {
            return runScript(script, instance.baseUri(), List.of("--no-login"), Map.of(), arguments);
        }
        return runScript(
                script,
                instance.baseUri(),
                List.of("--cacert", instance.certificatePem().toString()),
                Map.of("NIFI_USERNAME", instance.username(), "NIFI_PASSWORD", instance.password()),
                arguments);
    }

    private static ScriptResult runScript(
            final String script,
            final URI baseUri,
            final List<String> accessOptions,
            final Map<String, String> environment,
            final List<String> arguments) {
        final List<String> command = new ArrayList<>(List.of(
                "bash",
                REPOSITORY.resolve("deploy/scripts").resolve(script).toString(),
                "--nifi-url",
                baseUri.toString()));
        final ProcessBuilder builder =
                new ProcessBuilder().directory(REPOSITORY.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("NIFI_"));
        builder.environment().putAll(environment);
        command.addAll(accessOptions);
        command.addAll(arguments);
        try {
            final Process process = builder.command(command).start();
            process.getOutputStream().close();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(script + " did not finish within 5 minutes: " + output);
            }
            return new ScriptResult(process.exitValue(), output);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String groupId() {
        return groupId;
    }

    String processorId(final String name) {
        final String id = processorIds.get(name);
        if (id == null) {
            throw new IllegalArgumentException("no processor '" + name + "' in the flow: " + processorIds.keySet());
        }
        return id;
    }

    /** The connection from the component named {@code source} to the one named {@code destination}. */
    String connectionId(final String source, final String destination) {
        final String id = connectionIds.get(source + " -> " + destination);
        if (id == null) {
            throw new IllegalArgumentException(
                    "no connection " + source + " -> " + destination + ": " + connectionIds.keySet());
        }
        return id;
    }

    // ---- configuration

    void setParameters(final Map<String, String> values) {
        nifi.updateParameters(parameterContextId, values);
    }

    /** The value of a processor's property as configured (a parameter reference stays one). */
    String processorProperty(final String name, final String property) {
        return nifi.processor(processorId(name))
                .path("component")
                .path("config")
                .path("properties")
                .path(property)
                .asText();
    }

    void configureProcessor(
            final String name, final Map<String, String> properties, final Map<String, String> settings) {
        nifi.updateProcessor(processorId(name), properties, settings);
    }

    /** Enables the Snowflake connection service and Trigger Snowpipe (both DISABLED in the flow file). */
    void enableSnowflake() {
        nifi.setControllerServiceState(serviceId, "ENABLED");
        Await.until(
                "the Snowflake connection service to be enabled",
                WAIT,
                () -> nifi.controllerService(serviceId).path("component"),
                service -> service.path("state").asText().equals("ENABLED"));
        final String trigger = processorId(TRIGGER);
        if (nifi.processor(trigger).path("component").path("state").asText().equals("DISABLED")) {
            nifi.setProcessorState(trigger, "STOPPED");
        }
        Await.until(
                "Trigger Snowpipe to be valid",
                WAIT,
                () -> nifi.processor(trigger).path("component"),
                processor -> processor.path("validationStatus").asText().equals("VALID"));
    }

    // ---- running

    /** Starts every processor of the group, as the group's Start does. */
    void startAll() {
        nifi.scheduleGroup(groupId, "RUNNING");
        for (final String name : processorIds.keySet()) {
            awaitRunning(name);
        }
    }

    void start(final String name) {
        if (!state(name).equals("RUNNING")) {
            nifi.setProcessorState(processorId(name), "RUNNING");
        }
        awaitRunning(name);
    }

    /** The processor's scheduled state: RUNNING, STOPPED or DISABLED. */
    String state(final String name) {
        return nifi.processor(processorId(name)).path("component").path("state").asText();
    }

    void runOnce(final String name) {
        nifi.setProcessorState(processorId(name), "RUN_ONCE");
    }

    /** Asks the processor to stop and waits until it has: stopped, and no thread of it still active. */
    void stop(final String name) {
        requestStop(name);
        awaitStopped(name, WAIT);
    }

    void requestStop(final String name) {
        if (state(name).equals("RUNNING")) {
            nifi.setProcessorState(processorId(name), "STOPPED");
        }
    }

    void awaitStopped(final String name, final Duration timeout) {
        Await.until(
                name + " to stop with no active thread",
                timeout,
                Duration.ofMillis(100),
                () -> nifi.processor(processorId(name)),
                DeployedFlow::isStopped);
    }

    static boolean isStopped(final JsonNode processor) {
        return processor.path("component").path("physicalState").asText().equals("STOPPED")
                && processor
                                .path("status")
                                .path("aggregateSnapshot")
                                .path("activeThreadCount")
                                .asInt()
                        == 0;
    }

    private void awaitRunning(final String name) {
        Await.until(
                name + " to run",
                WAIT,
                () -> nifi.processor(processorId(name))
                        .path("component")
                        .path("state")
                        .asText(),
                state -> state.equals("RUNNING") || state.equals("DISABLED"));
    }

    // ---- observing

    JsonNode status() {
        return nifi.groupStatus(groupId);
    }

    /** FlowFiles queued anywhere in the group. */
    int queued() {
        return status().path("flowFilesQueued").asInt();
    }

    /** FlowFiles queued in one connection. */
    int queued(final String connectionId) {
        for (final JsonNode connection : status().path("connectionStatusSnapshots")) {
            final JsonNode snapshot = connection.path("connectionStatusSnapshot");
            if (snapshot.path("id").asText().equals(connectionId)) {
                return snapshot.path("flowFilesQueued").asInt();
            }
        }
        throw new IllegalArgumentException("no connection " + connectionId + " in the group's status");
    }

    /** Queue sizes by "source -> destination", for messages. */
    Map<String, Integer> queues() {
        final Map<String, Integer> queues = new java.util.TreeMap<>();
        for (final JsonNode connection : status().path("connectionStatusSnapshots")) {
            final JsonNode snapshot = connection.path("connectionStatusSnapshot");
            queues.put(
                    snapshot.path("sourceName").asText() + " -> "
                            + snapshot.path("destinationName").asText(),
                    snapshot.path("flowFilesQueued").asInt());
        }
        return queues;
    }

    /** The processor's live status snapshot: run status, active threads, tasks in the last 5 minutes. */
    JsonNode processorStatus(final String name) {
        return nifi.processor(processorId(name)).path("status");
    }

    /** Waits until no FlowFile is queued anywhere in the group and no thread of it is active. */
    void awaitDrained(final Duration timeout) {
        Await.until(
                "every queue of the group to be empty with no active thread",
                timeout,
                Duration.ofSeconds(1),
                this::status,
                status -> status.path("flowFilesQueued").asInt() == 0
                        && status.path("activeThreadCount").asInt() == 0);
    }

    /** The generator's stream position (the next event's sequence number): how many records it generated. */
    long generatedRecords() {
        final String sequence = nifi.processorState(processorId(GENERATE)).get("event.sequence");
        return sequence == null ? 0 : Long.parseLong(sequence);
    }

    /** The next customer id the generator will issue, from its cluster state (exact while it is stopped). */
    long nextCustomerId() {
        final String next = nifi.processorState(processorId(GENERATE)).get("customer.next.id");
        return next == null ? 0 : Long.parseLong(next);
    }

    long counter(final String processorName, final String counterName) {
        return nifi.counter(processorId(processorName), counterName);
    }

    /** The records (sum of record.count) of the FlowFiles queued in a connection; NiFi lists at most 100. */
    long queuedRecords(final String connectionId) {
        final List<JsonNode> flowFiles = nifi.listQueue(connectionId);
        if (flowFiles.size() >= 100) {
            throw new IllegalStateException(
                    "more than 100 FlowFiles queued in " + connectionId + ": cannot count their records");
        }
        long records = 0;
        for (final JsonNode flowFile : flowFiles) {
            records += Long.parseLong(
                    nifi.flowFileAttributes(connectionId, flowFile.path("uuid").asText())
                            .get("record.count"));
        }
        return records;
    }
}
