package io.snowstream.nifi.snowflake.pipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.snowstream.nifi.snowflake.QualifiedName;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Snowpipe's REST API for one pipe: {@code insertFiles} (up to 5,000 files per call) to queue files, and
 * {@code loadHistoryScan} to read their outcome. {@code loadHistoryScan} rather than {@code insertReport}: the
 * report keeps only about ten minutes of events, so a file whose check comes back later (after a restart, or a
 * long penalty) would never be found.
 */
public final class SnowpipeRestApi implements SnowpipeNotifier, LoadHistory {

    public static final int MAX_FILES_PER_INSERT = 5_000;
    /** A scan answers at most 10,000 entries and says where it stopped; this bounds one look-up. */
    private static final int MAX_SCAN_PAGES = 10;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI pipeUri;
    private final Supplier<String> tokens;
    private final Duration requestTimeout;

    /**
     * @param http           shared client
     * @param accountUrl     {@code https://<account>.snowflakecomputing.com}
     * @param pipe           the pipe
     * @param tokens         key-pair JWTs
     * @param requestTimeout bound for each request
     */
    public SnowpipeRestApi(
            final HttpClient http,
            final URI accountUrl,
            final QualifiedName pipe,
            final Supplier<String> tokens,
            final Duration requestTimeout) {
        this.http = http;
        final String base = accountUrl.toString().replaceAll("/+$", "");
        this.pipeUri = URI.create(base + "/v1/data/pipes/" + encode(pipe.toCanonical()) + '/');
        this.tokens = tokens;
        this.requestTimeout = requestTimeout;
    }

    @Override
    public int requestLoad(final List<String> relativePaths) throws SnowpipeException {
        int calls = 0;
        for (int from = 0; from < relativePaths.size(); from += MAX_FILES_PER_INSERT) {
            final ObjectNode body = JSON.createObjectNode();
            final ArrayNode files = body.putArray("files");
            relativePaths
                    .subList(from, Math.min(relativePaths.size(), from + MAX_FILES_PER_INSERT))
                    .forEach(path -> files.addObject().put("path", path));
            final HttpRequest request = request("insertFiles?requestId=" + UUID.randomUUID())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build();
            send(request);
            calls++;
        }
        return calls;
    }

    @Override
    public Map<String, FileLoad> lookUp(final Collection<String> relativePaths, final Instant since)
            throws SnowpipeException {
        final Set<String> wanted = new HashSet<>(relativePaths);
        final Map<String, FileLoad> found = new HashMap<>();
        String start = since.toString();
        for (int page = 0; page < MAX_SCAN_PAGES && found.size() < wanted.size(); page++) {
            final HttpRequest request = request(
                            "loadHistoryScan?requestId=" + UUID.randomUUID() + "&startTimeInclusive=" + encode(start))
                    .GET()
                    .build();
            final JsonNode scan = send(request);
            for (final JsonNode file : scan.path("files")) {
                final String path = file.path("path").asText();
                if (wanted.contains(path)) {
                    found.put(
                            path,
                            new FileLoad(
                                    path,
                                    LoadStatus.parse(file.path("status").asText()),
                                    file.path("rowsInserted").asLong(),
                                    file.path("rowsParsed").asLong(),
                                    instant(file.path("lastInsertTime").asText(null)),
                                    text(file.path("firstError"))));
                }
            }
            final String rangeEnd = scan.path("rangeEndTime").asText(null);
            if (scan.path("completeResult").asBoolean(true) || rangeEnd == null || rangeEnd.equals(start)) {
                break;
            }
            start = rangeEnd;
        }
        return found;
    }

    private HttpRequest.Builder request(final String pathAndQuery) {
        return HttpRequest.newBuilder(pipeUri.resolve(pathAndQuery))
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + tokens.get())
                .header("X-Snowflake-Authorization-Token-Type", "KEYPAIR_JWT")
                .header("Accept", "application/json");
    }

    private JsonNode send(final HttpRequest request) throws SnowpipeException {
        final HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (final IOException e) {
            throw new SnowpipeException(
                    "Snowpipe REST call failed: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    null,
                    null,
                    true,
                    e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SnowpipeException("interrupted while calling Snowpipe", null, null, true, e);
        }
        final JsonNode body = parse(response.body());
        if (response.statusCode() != 200) {
            throw SnowflakeErrors.fromHttp(response.statusCode(), text(body.path("code")), text(body.path("message")));
        }
        return body;
    }

    private static JsonNode parse(final String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (final IOException e) {
            // a proxy's HTML error page: the status code still tells what happened
            return JSON.createObjectNode();
        }
    }

    private static String text(final JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }

    private static Instant instant(final String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (final DateTimeParseException e) {
            return null;
        }
    }

    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
