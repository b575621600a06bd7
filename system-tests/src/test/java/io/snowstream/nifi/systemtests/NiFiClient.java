package io.snowstream.nifi.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The part of NiFi 2's REST API ({@code /nifi-api}) the system tests use, with plain {@link HttpClient} and Jackson
 * trees: what an operator does in the UI (types and documentation, process groups, parameters, controller services,
 * starting and stopping, queues, counters, component state). Every write sends the component's current revision, read
 * just before, so a test never races NiFi's optimistic locking. Paths and entity fields are those of NiFi 2.8.0
 * ({@code FlowResource}, {@code ProcessorResource}, {@code ParameterContextResource}, ...).
 */
public final class NiFiClient {

    /** NiFi's answer to a request: status and body. */
    public record Response(int status, String body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** A request NiFi refused. */
    public static final class NiFiApiException extends RuntimeException {
        private final int status;

        NiFiApiException(final String request, final Response response) {
            super(request + " answered HTTP " + response.status() + ": " + abbreviate(response.body()));
            this.status = response.status();
        }

        public int status() {
            return status;
        }
    }

    /** One counter: the component that counted ("name (id)", or "All Processor's") and its name. */
    public record Counter(String context, String name, long value) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT_ID = "snowstream-system-tests";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ASYNC_TIMEOUT = Duration.ofMinutes(3);

    /** Where requests go: the first address, or, for a cluster, whichever node answered last. */
    private final List<URI> apis;

    private volatile int current;
    private final HttpClient http;
    private volatile String bearerToken;

    private NiFiClient(final List<URI> bases, final SSLContext sslContext) {
        this.apis = bases.stream()
                .map(base -> URI.create(base.toString().replaceAll("/+$", "") + "/nifi-api"))
                .toList();
        final HttpClient.Builder builder =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10));
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        this.http = builder.build();
    }

    /** A client of NiFi at {@code base} (http://127.0.0.1:port, no login). */
    public static NiFiClient of(final URI base) {
        return new NiFiClient(List.of(base), null);
    }

    /** A client of NiFi at {@code base} (https://localhost:port) trusting what {@code sslContext} trusts. */
    public static NiFiClient of(final URI base, final SSLContext sslContext) {
        return new NiFiClient(List.of(base), sslContext);
    }

    /**
     * A client of a cluster, as a load balancer in front of it would be: a request goes to the node that answered
     * last, and to the next node when that one cannot be reached (killed, say). {@code sslContext} carries the client's
     * certificate.
     */
    public static NiFiClient ofCluster(final List<URI> nodes, final SSLContext sslContext) {
        return new NiFiClient(nodes, sslContext);
    }

    public URI api() {
        return apis.get(current);
    }

    // ---- access

    /** Logs in as NiFi's single user; later requests carry the token. */
    public void login(final String username, final String password) {
        final String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        final Response response = send(
                HttpRequest.newBuilder(uri("/access/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)),
                "POST /access/token");
        if (!response.ok()) {
            throw new NiFiApiException("POST /access/token as " + username, response);
        }
        bearerToken = response.body().trim();
    }

    // ---- generic requests

    public Response request(final String method, final String path, final JsonNode body) {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path));
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        return send(builder, method + ' ' + path);
    }

    public JsonNode get(final String path) {
        return json("GET", path, null);
    }

    public JsonNode put(final String path, final JsonNode body) {
        return json("PUT", path, body);
    }

    public JsonNode post(final String path, final JsonNode body) {
        return json("POST", path, body);
    }

    public JsonNode delete(final String path) {
        return json("DELETE", path, null);
    }

    private JsonNode json(final String method, final String path, final JsonNode body) {
        final Response response = request(method, path, body);
        if (!response.ok()) {
            throw new NiFiApiException(method + ' ' + path, response);
        }
        try {
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (final IOException e) {
            throw new UncheckedIOException(
                    method + ' ' + path + " answered no JSON: " + abbreviate(response.body()), e);
        }
    }

    private Response send(final HttpRequest.Builder builder, final String description) {
        builder.timeout(REQUEST_TIMEOUT).header("Accept", "application/json, text/plain, */*");
        final String token = bearerToken;
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        final HttpRequest request = builder.build();
        try {
            IOException unreachable = null;
            for (int attempt = 0; attempt < apis.size(); attempt++) {
                final int node = current;
                try {
                    final HttpResponse<String> response = http.send(
                            attempt == 0
                                    ? request
                                    : HttpRequest.newBuilder(request, (name, value) -> true)
                                            .uri(onNode(request.uri(), node))
                                            .build(),
                            HttpResponse.BodyHandlers.ofString());
                    return new Response(response.statusCode(), response.body());
                } catch (final java.net.ConnectException e) {
                    unreachable = e;
                    current = (node + 1) % apis.size();
                }
            }
            throw unreachable;
        } catch (final IOException e) {
            throw new UncheckedIOException(description + " failed: " + e, e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(description + " interrupted", e);
        }
    }

    private URI uri(final String path) {
        return URI.create(api() + path);
    }

    /** The same request URI on another node. */
    private URI onNode(final URI uri, final int node) {
        final URI api = apis.get(node);
        return URI.create(api.getScheme() + "://" + api.getRawAuthority() + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    // ---- about, types, documentation

    public JsonNode about() {
        return get("/flow/about").path("about");
    }

    /** {@code type}, {@code bundle} (group, artifact, version), tags, description of every processor type. */
    public List<JsonNode> processorTypes() {
        return list(get("/flow/processor-types").path("processorTypes"));
    }

    public List<JsonNode> controllerServiceTypes() {
        return list(get("/flow/controller-service-types").path("controllerServiceTypes"));
    }

    /** The documentation page's data of a processor type (its properties, relationships, use cases, ...). */
    public Response processorDefinition(final JsonNode bundle, final String type) {
        return request("GET", "/flow/processor-definition/" + coordinates(bundle, type), null);
    }

    public Response controllerServiceDefinition(final JsonNode bundle, final String type) {
        return request("GET", "/flow/controller-service-definition/" + coordinates(bundle, type), null);
    }

    /** The component's additionalDetails.md, as the documentation page shows it. */
    public Response additionalDetails(final JsonNode bundle, final String type) {
        return request("GET", "/flow/additional-details/" + coordinates(bundle, type), null);
    }

    private static String coordinates(final JsonNode bundle, final String type) {
        return bundle.path("group").asText()
                + '/'
                + bundle.path("artifact").asText()
                + '/'
                + bundle.path("version").asText()
                + '/'
                + type;
    }

    // ---- process groups

    public String rootGroupId() {
        return get("/flow/process-groups/root")
                .path("processGroupFlow")
                .path("id")
                .asText();
    }

    /** The group's contents: processors, connections, ports, child groups, each as NiFi's entity. */
    public JsonNode groupFlow(final String groupId) {
        return get("/flow/process-groups/" + groupId).path("processGroupFlow").path("flow");
    }

    public JsonNode processGroup(final String groupId) {
        return get("/process-groups/" + groupId);
    }

    /**
     * Starts ({@code RUNNING}) or stops ({@code STOPPED}) every processor and port of the group and its children that
     * can be, as the group's context menu does: disabled and invalid components are left alone.
     */
    public void scheduleGroup(final String groupId, final String state) {
        final ObjectNode body = JSON.createObjectNode()
                .put("id", groupId)
                .put("state", state)
                .put("disconnectedNodeAcknowledged", false);
        put("/flow/process-groups/" + groupId, body);
    }

    /** Live status of the group and everything in it: queues, processors (run status, active threads), ports. */
    public JsonNode groupStatus(final String groupId) {
        return get("/flow/process-groups/" + groupId + "/status?recursive=true")
                .path("processGroupStatus")
                .path("aggregateSnapshot");
    }

    // ---- processors

    public JsonNode processor(final String id) {
        return get("/processors/" + id);
    }

    /**
     * Changes a processor's configuration: {@code properties} (null removes a value) and settings of its
     * {@code config} such as {@code schedulingPeriod} or {@code penaltyDuration}. The processor must be stopped.
     */
    public void updateProcessor(
            final String id, final Map<String, String> properties, final Map<String, String> settings) {
        final JsonNode current = processor(id);
        final ObjectNode body = JSON.createObjectNode();
        body.set("revision", revision(current));
        final ObjectNode component = body.putObject("component").put("id", id);
        final ObjectNode config = component.putObject("config");
        settings.forEach(config::put);
        if (!properties.isEmpty()) {
            final ObjectNode values = config.putObject("properties");
            properties.forEach(values::put);
        }
        put("/processors/" + id, body);
    }

    /** {@code RUNNING}, {@code STOPPED}, {@code DISABLED} or {@code RUN_ONCE}. Returns at once: see {@link #processor}. */
    public void setProcessorState(final String id, final String state) {
        final ObjectNode body = JSON.createObjectNode();
        body.set("revision", revision(processor(id)));
        body.put("state", state).put("disconnectedNodeAcknowledged", false);
        put("/processors/" + id + "/run-status", body);
    }

    /**
     * The processor's status on each node of a cluster, by node API port: its NiFi status snapshot (tasks, FlowFiles in
     * and out in the last 5 minutes).
     */
    public Map<Integer, JsonNode> processorStatusByNode(final String id) {
        final Map<Integer, JsonNode> byNode = new LinkedHashMap<>();
        for (final JsonNode node : get("/flow/processors/" + id + "/status?nodewise=true")
                .path("processorStatus")
                .path("nodeSnapshots")) {
            byNode.put(node.path("apiPort").asInt(), node.path("statusSnapshot"));
        }
        return byNode;
    }

    /** The processor's state (the generator's stream position, say): local and cluster scope together. */
    public Map<String, String> processorState(final String id) {
        final JsonNode state = get("/processors/" + id + "/state").path("componentState");
        final Map<String, String> values = new HashMap<>();
        for (final String scope : List.of("localState", "clusterState")) {
            for (final JsonNode entry : state.path(scope).path("state")) {
                values.put(entry.path("key").asText(), entry.path("value").asText());
            }
        }
        return values;
    }

    // ---- controller services

    public List<JsonNode> controllerServices(final String groupId) {
        return list(get("/flow/process-groups/" + groupId
                        + "/controller-services?includeAncestorGroups=false&includeDescendantGroups=true")
                .path("controllerServices"));
    }

    public JsonNode controllerService(final String id) {
        return get("/controller-services/" + id);
    }

    /** {@code ENABLED} or {@code DISABLED}. Returns at once: see {@link #controllerService}. */
    public void setControllerServiceState(final String id, final String state) {
        final ObjectNode body = JSON.createObjectNode();
        body.set("revision", revision(controllerService(id)));
        body.put("state", state).put("disconnectedNodeAcknowledged", false);
        put("/controller-services/" + id + "/run-status", body);
    }

    // ---- parameters

    public JsonNode parameterContext(final String id) {
        return get("/parameter-contexts/" + id);
    }

    /**
     * Sets parameter values through an update request, as the UI's Apply does: NiFi stops the processors and disables
     * the services that reference them, changes the values, and starts or enables again what it stopped. Waits for the
     * request to complete and fails with NiFi's reason when it does not.
     */
    public void updateParameters(final String contextId, final Map<String, String> values) {
        final JsonNode context = parameterContext(contextId);
        final Map<String, Boolean> sensitive = new HashMap<>();
        for (final JsonNode parameter : context.path("component").path("parameters")) {
            sensitive.put(
                    parameter.path("parameter").path("name").asText(),
                    parameter.path("parameter").path("sensitive").asBoolean());
        }
        final ObjectNode body = JSON.createObjectNode();
        body.set("revision", revision(context));
        body.put("id", contextId);
        final ObjectNode component = body.putObject("component").put("id", contextId);
        final ArrayNode parameters = component.putArray("parameters");
        values.forEach((name, value) -> {
            final ObjectNode parameter = parameters
                    .addObject()
                    .putObject("parameter")
                    .put("name", name)
                    .put("sensitive", sensitive.getOrDefault(name, false));
            parameter.put("value", value);
        });
        final JsonNode submitted = post("/parameter-contexts/" + contextId + "/update-requests", body);
        final String requestPath = "/parameter-contexts/" + contextId + "/update-requests/"
                + submitted.path("request").path("requestId").asText();
        try {
            final JsonNode done = Await.until(
                    "the update of parameters " + values.keySet(),
                    ASYNC_TIMEOUT,
                    () -> get(requestPath).path("request"),
                    request -> request.path("complete").asBoolean());
            if (!done.path("failureReason").isMissingNode()
                    && !done.path("failureReason").isNull()) {
                throw new IllegalStateException("NiFi could not update parameters " + values.keySet() + ": "
                        + done.path("failureReason").asText());
            }
        } finally {
            request("DELETE", requestPath, null);
        }
    }

    // ---- connections and queues

    public JsonNode connection(final String id) {
        return get("/connections/" + id);
    }

    /** Changes a connection's back-pressure object threshold. */
    public void setBackPressureObjectThreshold(final String connectionId, final long threshold) {
        final ObjectNode body = JSON.createObjectNode();
        body.set("revision", revision(connection(connectionId)));
        body.putObject("component").put("id", connectionId).put("backPressureObjectThreshold", threshold);
        put("/connections/" + connectionId, body);
    }

    /** The first FlowFiles of the queue (NiFi lists at most 100), as List Queue shows them. */
    public List<JsonNode> listQueue(final String connectionId) {
        final JsonNode submitted = post("/flowfile-queues/" + connectionId + "/listing-requests", null);
        final String path = "/flowfile-queues/" + connectionId + "/listing-requests/"
                + submitted.path("listingRequest").path("id").asText();
        try {
            final JsonNode listing = Await.until(
                    "the listing of queue " + connectionId,
                    ASYNC_TIMEOUT,
                    () -> get(path).path("listingRequest"),
                    request -> request.path("finished").asBoolean());
            if (listing.hasNonNull("failureReason")) {
                throw new IllegalStateException(
                        "NiFi could not list queue " + connectionId + ": " + listing.path("failureReason"));
            }
            return list(listing.path("flowFileSummaries"));
        } finally {
            request("DELETE", path, null);
        }
    }

    /** The attributes of a queued FlowFile. */
    public Map<String, String> flowFileAttributes(final String connectionId, final String flowFileUuid) {
        final JsonNode attributes = get("/flowfile-queues/" + connectionId + "/flowfiles/" + flowFileUuid)
                .path("flowFile")
                .path("attributes");
        final Map<String, String> values = new LinkedHashMap<>();
        attributes
                .fields()
                .forEachRemaining(
                        field -> values.put(field.getKey(), field.getValue().asText()));
        return values;
    }

    /** Empties a queue, as Empty Queue does. */
    public void emptyQueue(final String connectionId) {
        final JsonNode submitted = post("/flowfile-queues/" + connectionId + "/drop-requests", null);
        final String path = "/flowfile-queues/" + connectionId + "/drop-requests/"
                + submitted.path("dropRequest").path("id").asText();
        try {
            Await.until(
                    "emptying queue " + connectionId,
                    ASYNC_TIMEOUT,
                    () -> get(path).path("dropRequest"),
                    request -> request.path("finished").asBoolean());
        } finally {
            request("DELETE", path, null);
        }
    }

    // ---- counters and bulletins

    public List<Counter> counters() {
        final List<Counter> counters = new ArrayList<>();
        for (final JsonNode counter :
                get("/counters").path("counters").path("aggregateSnapshot").path("counters")) {
            counters.add(new Counter(
                    counter.path("context").asText(),
                    counter.path("name").asText(),
                    counter.path("valueCount").asLong()));
        }
        return counters;
    }

    /** The value of counter {@code name} of the component with id {@code componentId} (0 when it never counted). */
    public long counter(final String componentId, final String name) {
        return counters().stream()
                .filter(counter ->
                        counter.name().equals(name) && counter.context().endsWith("(" + componentId + ")"))
                .mapToLong(Counter::value)
                .sum();
    }

    /** The bulletins NiFi shows (warnings and errors of components), newest last. */
    public List<JsonNode> bulletins() {
        return list(get("/flow/bulletin-board?limit=1000").path("bulletinBoard").path("bulletins"));
    }

    // ---- helpers

    private static ObjectNode revision(final JsonNode entity) {
        return JSON.createObjectNode()
                .put("clientId", CLIENT_ID)
                .put("version", entity.path("revision").path("version").asLong());
    }

    static List<JsonNode> list(final JsonNode array) {
        final List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    private static String abbreviate(final String text) {
        final String oneLine = text == null ? "" : text.replaceAll("\\s+", " ");
        return oneLine.length() > 600 ? oneLine.substring(0, 600) + "..." : oneLine;
    }
}
