package io.snowstream.nifi.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a flow through NiFi's REST API, one component at a time, as an operator does in the UI: a process group,
 * controller services in it, processors with their properties, funnels, and connections between them. Property keys
 * are the properties' names as NiFi 2 shows them on the documentation page; a misspelt one makes the component
 * invalid, which {@link #awaitValid} reports with NiFi's own validation errors.
 *
 * <p>Endpoints and entities are those of NiFi 2.8.0 ({@code ProcessGroupResource}: POST
 * {@code /process-groups/{id}/process-groups}, {@code .../controller-services}, {@code .../processors},
 * {@code .../funnels}, {@code .../connections}); every new component is created at revision 0.
 */
final class ProcessGroupBuilder {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(2);

    /** The kind of a connectable component, as a connection's source or destination names it. */
    enum Kind {
        PROCESSOR,
        FUNNEL
    }

    /** A component a connection can start or end at. */
    record Endpoint(String id, Kind kind) {}

    private final NiFiClient nifi;
    private final String groupId;
    private final List<String> processorIds = new ArrayList<>();
    private int placed;

    private ProcessGroupBuilder(final NiFiClient nifi, final String groupId) {
        this.nifi = nifi;
        this.groupId = groupId;
    }

    /** A new, empty process group named {@code name} inside the group {@code parentGroupId}. */
    static ProcessGroupBuilder newGroup(final NiFiClient nifi, final String parentGroupId, final String name) {
        final ObjectNode body = newEntity();
        body.putObject("component").put("name", name).set("position", position(0, 600));
        final JsonNode created = nifi.post("/process-groups/" + parentGroupId + "/process-groups", body);
        return new ProcessGroupBuilder(nifi, created.path("id").asText());
    }

    /** Adds components to an existing group (one deployed from a flow file, say). */
    static ProcessGroupBuilder existingGroup(final NiFiClient nifi, final String groupId) {
        return new ProcessGroupBuilder(nifi, groupId);
    }

    String groupId() {
        return groupId;
    }

    /** The processors this builder created, in order. */
    List<String> processorIds() {
        return List.copyOf(processorIds);
    }

    // ---- components

    /** A controller service of {@code type} in the group; returns its id. It is created disabled. */
    String controllerService(final String name, final String type, final Map<String, String> properties) {
        final ObjectNode body = newEntity();
        final ObjectNode component =
                body.putObject("component").put("type", type).put("name", name);
        component.set("bundle", bundle(nifi.controllerServiceTypes(), "controllerServiceTypes", type));
        component.set("properties", JSON.valueToTree(properties));
        return nifi.post("/process-groups/" + groupId + "/controller-services", body)
                .path("id")
                .asText();
    }

    /**
     * A processor of {@code type}: its properties, run schedule (timer driven) and the relationships it
     * terminates itself. Other settings keep NiFi's defaults (one concurrent task, run duration 0 ms). Returns its id.
     */
    Endpoint processor(
            final String name,
            final String type,
            final Map<String, String> properties,
            final String runSchedule,
            final Set<String> autoTerminated) {
        final ObjectNode body = newEntity();
        final ObjectNode component =
                body.putObject("component").put("type", type).put("name", name);
        component.set("bundle", bundle(nifi.processorTypes(), "processorTypes", type));
        component.set("position", nextPosition());
        final ObjectNode config = component.putObject("config");
        config.put("schedulingStrategy", "TIMER_DRIVEN").put("schedulingPeriod", runSchedule);
        config.set("properties", JSON.valueToTree(properties));
        final ArrayNode terminated = config.putArray("autoTerminatedRelationships");
        autoTerminated.forEach(terminated::add);
        final String id = nifi.post("/process-groups/" + groupId + "/processors", body)
                .path("id")
                .asText();
        processorIds.add(id);
        return new Endpoint(id, Kind.PROCESSOR);
    }

    /** A funnel with no way out: what reaches it stays queued in front of it, in plain sight (for failure routes). */
    Endpoint deadEnd() {
        final ObjectNode body = newEntity();
        body.putObject("component").set("position", nextPosition());
        return new Endpoint(
                nifi.post("/process-groups/" + groupId + "/funnels", body)
                        .path("id")
                        .asText(),
                Kind.FUNNEL);
    }

    /** A connection for {@code relationships} of {@code source}; NiFi's default back pressure (10,000 FlowFiles, 1 GB). */
    String connect(final Endpoint source, final Collection<String> relationships, final Endpoint destination) {
        return connect(source, relationships, destination, 10_000, "1 GB");
    }

    /** A connection with its own back-pressure thresholds. */
    String connect(
            final Endpoint source,
            final Collection<String> relationships,
            final Endpoint destination,
            final long objectThreshold,
            final String dataSizeThreshold) {
        final ObjectNode body = newEntity();
        final ObjectNode component = body.putObject("component");
        component
                .putObject("source")
                .put("id", source.id())
                .put("groupId", groupId)
                .put("type", source.kind().name());
        component
                .putObject("destination")
                .put("id", destination.id())
                .put("groupId", groupId)
                .put("type", destination.kind().name());
        final ArrayNode selected = component.putArray("selectedRelationships");
        relationships.forEach(selected::add);
        component
                .put("backPressureObjectThreshold", objectThreshold)
                .put("backPressureDataSizeThreshold", dataSizeThreshold);
        return nifi.post("/process-groups/" + groupId + "/connections", body)
                .path("id")
                .asText();
    }

    // ---- bringing it to life

    /** Enables the services and waits until each is ENABLED; fails with NiFi's validation errors when one is not. */
    void enable(final String... serviceIds) {
        for (final String id : serviceIds) {
            nifi.setControllerServiceState(id, "ENABLED");
        }
        for (final String id : serviceIds) {
            try {
                Await.until(
                        "controller service " + id + " to be enabled",
                        WAIT,
                        () -> nifi.controllerService(id).path("component"),
                        service -> service.path("state").asText().equals("ENABLED"));
            } catch (final AssertionError e) {
                throw new AssertionError(
                        e.getMessage() + "; validation errors: "
                                + nifi.controllerService(id).path("component").path("validationErrors"),
                        e);
            }
        }
    }

    /** Waits until every given processor is valid (NiFi validates in the background); fails with its errors. */
    void awaitValid(final Collection<String> ids) {
        for (final String id : ids) {
            try {
                Await.until(
                        "processor " + id + " to be valid",
                        WAIT,
                        () -> nifi.processor(id).path("component"),
                        processor -> processor.path("validationStatus").asText().equals("VALID"));
            } catch (final AssertionError e) {
                final JsonNode component = nifi.processor(id).path("component");
                throw new AssertionError(
                        "processor '" + component.path("name").asText() + "' is not valid: "
                                + component.path("validationErrors"),
                        e);
            }
        }
    }

    // ---- helpers

    /** The bundle (group, artifact, version) NiFi lists for a component type; the type must be installed once. */
    private static JsonNode bundle(final List<JsonNode> types, final String listing, final String type) {
        final List<JsonNode> matches = types.stream()
                .filter(candidate -> candidate.path("type").asText().equals(type))
                .toList();
        if (matches.size() != 1) {
            throw new IllegalStateException(matches.size() + " bundles of " + type + " in NiFi's " + listing
                    + " (expected exactly one): is its NAR installed?");
        }
        return matches.getFirst().path("bundle");
    }

    private static ObjectNode newEntity() {
        final ObjectNode body = JSON.createObjectNode();
        body.putObject("revision").put("version", 0).put("clientId", "snowstream-benchmark");
        return body;
    }

    private ObjectNode nextPosition() {
        final int index = placed++;
        return position(400.0 * (index % 4), 250.0 * (index / 4));
    }

    private static ObjectNode position(final double x, final double y) {
        return JSON.createObjectNode().put("x", x).put("y", y);
    }
}
