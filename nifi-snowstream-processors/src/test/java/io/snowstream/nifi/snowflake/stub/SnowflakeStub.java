package io.snowstream.nifi.snowflake.stub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A loopback stand-in for a Snowflake account, speaking the few REST calls the real JDBC driver makes (login,
 * query, heartbeat, session close) and Snowpipe's REST API (insertFiles, loadHistoryScan). Key-pair JWTs are
 * verified against the test public key, for JDBC logins and REST bearer tokens alike. Tests script answers per SQL
 * pattern and endpoint, inject HTTP failures, and read back every statement and REST request.
 */
public final class SnowflakeStub implements AutoCloseable {

    /** What a failure can be injected into. */
    public enum Endpoint {
        LOGIN,
        QUERY,
        INSERT_FILES,
        LOAD_HISTORY
    }

    /** One statement the driver sent: its text and its binds in order. */
    public record Statement(String sql, List<String> bindings) {}

    /** One Snowpipe REST request. */
    public record RestRequest(
            String method,
            String path,
            Map<String, String> query,
            String authorization,
            String tokenType,
            JsonNode body) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final String account;
    private final String user;
    private final PublicKey publicKey;

    private final List<SqlRule> sqlRules = new CopyOnWriteArrayList<>();
    private final List<Statement> statements = new CopyOnWriteArrayList<>();
    private final List<RestRequest> restRequests = new CopyOnWriteArrayList<>();
    private final Map<Endpoint, Failure> failures = Collections.synchronizedMap(new EnumMap<>(Endpoint.class));
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, AtomicInteger> injectedFailures = new ConcurrentHashMap<>();
    private volatile String loginRefusal;
    private volatile ObjectNode loadHistory = emptyLoadHistory();
    private volatile RestAnswer insertFilesAnswer = new RestAnswer(200, null);
    private volatile int loadHistoryPageSize = Integer.MAX_VALUE;

    private record SqlRule(Pattern pattern, Deque<ObjectNode> answers) {}

    private record Failure(int status, AtomicInteger remaining) {}

    private record RestAnswer(int status, ObjectNode body) {}

    private SnowflakeStub(final String account, final String user, final PublicKey publicKey) throws IOException {
        this.account = account.toUpperCase(Locale.ROOT);
        this.user = user.toUpperCase(Locale.ROOT);
        this.publicKey = publicKey;
        // before the first server: without it every exchange stalls ~45 ms on Nagle's algorithm
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Starts a stub that accepts key-pair logins of {@code user} on {@code account} signed by the private half of
     * {@code publicKey}, and any password login.
     */
    public static SnowflakeStub start(final String account, final String user, final PublicKey publicKey)
            throws IOException {
        return new SnowflakeStub(account, user, publicKey);
    }

    /** {@code http://127.0.0.1:<port>}: the Account URL to configure. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    // ---- scripting

    /** Answers statements matching {@code regex} with {@code results} in turn, the last one for ever after. */
    public void onSql(final String regex, final SqlResult... results) {
        final Deque<ObjectNode> answers = new ConcurrentLinkedDeque<>();
        for (final SqlResult result : results) {
            answers.add(result.json());
        }
        sqlRules.addFirst(new SqlRule(Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.DOTALL), answers));
    }

    /** Answers the next {@code count} requests to an endpoint with HTTP {@code status}. */
    public void failNext(final Endpoint endpoint, final int count, final int status) {
        failures.put(endpoint, new Failure(status, new AtomicInteger(count)));
    }

    /** Refuses every login with Snowflake's "incorrect username or password" (390100), whatever the credentials. */
    public void refuseLogins() {
        loginRefusal = "390100";
    }

    /** The next insertFiles calls answer this HTTP status and Snowflake error body. */
    public void answerInsertFiles(final int status, final String code, final String message) {
        final ObjectNode body =
                JSON.createObjectNode().put("success", false).put("code", code).put("message", message);
        body.putNull("data");
        insertFilesAnswer = new RestAnswer(status, body);
    }

    /** Adds a file to the load history that loadHistoryScan reports. */
    public void addLoadHistory(
            final String path,
            final String status,
            final long rowsInserted,
            final long rowsParsed,
            final String lastInsertTime,
            final String firstError) {
        final ObjectNode file = ((ArrayNode) loadHistory.get("files")).addObject();
        file.put("path", path)
                .put("status", status)
                .put("rowsInserted", rowsInserted)
                .put("rowsParsed", rowsParsed)
                .put("lastInsertTime", lastInsertTime)
                .put("complete", true)
                .put("errorsSeen", firstError == null ? 0 : 1);
        if (firstError != null) {
            file.put("firstError", firstError);
        }
    }

    /** Whether the load history holds an entry for the file. */
    public boolean hasLoadHistory(final String path) {
        for (final JsonNode file : loadHistory.get("files")) {
            if (file.path("path").asText().equals(path)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Makes loadHistoryScan answer at most {@code files} entries per call, with {@code completeResult = false}
     * and a {@code rangeEndTime} from which the next call continues, as Snowflake does for long histories.
     */
    public void pageLoadHistory(final int files) {
        loadHistoryPageSize = files;
    }

    // ---- what happened

    public List<Statement> statements() {
        return List.copyOf(statements);
    }

    public List<RestRequest> restRequests() {
        return List.copyOf(restRequests);
    }

    public int logins() {
        return logins.get();
    }

    /** How many requests to the endpoint were answered with an injected HTTP {@code status} ({@link #failNext}). */
    public int injectedFailures(final Endpoint endpoint, final int status) {
        final AtomicInteger count = injectedFailures.get(endpoint + " " + status);
        return count == null ? 0 : count.get();
    }

    /** Every HTTP request received, failed ones and retries included. */
    public int requests() {
        return requests.get();
    }

    /** Forgets recorded statements, requests and counters (not the scripted answers). */
    public void clearRecords() {
        statements.clear();
        restRequests.clear();
        logins.set(0);
        requests.set(0);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- protocol

    private void handle(final HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            final String path = exchange.getRequestURI().getPath();
            final Endpoint endpoint = endpointOf(path);
            final JsonNode body = readBody(exchange);
            if (endpoint != null && injectedFailure(exchange, endpoint)) {
                return;
            }
            if (endpoint == Endpoint.LOGIN) {
                login(exchange, body);
            } else if (endpoint == Endpoint.QUERY) {
                query(exchange, body);
            } else if (endpoint == Endpoint.INSERT_FILES || endpoint == Endpoint.LOAD_HISTORY) {
                rest(exchange, endpoint, body);
            } else {
                // heartbeat, session close, telemetry
                respond(
                        exchange,
                        200,
                        JSON.createObjectNode().put("success", true).set("data", JSON.createObjectNode()));
            }
        } catch (final RuntimeException e) {
            respond(exchange, 500, JSON.createObjectNode().put("message", String.valueOf(e)));
        }
    }

    private static Endpoint endpointOf(final String path) {
        if (path.equals("/session/v1/login-request")) {
            return Endpoint.LOGIN;
        }
        if (path.equals("/queries/v1/query-request")) {
            return Endpoint.QUERY;
        }
        if (path.startsWith("/v1/data/pipes/") && path.endsWith("/insertFiles")) {
            return Endpoint.INSERT_FILES;
        }
        if (path.startsWith("/v1/data/pipes/") && path.endsWith("/loadHistoryScan")) {
            return Endpoint.LOAD_HISTORY;
        }
        return null;
    }

    private boolean injectedFailure(final HttpExchange exchange, final Endpoint endpoint) throws IOException {
        final Failure failure = failures.get(endpoint);
        if (failure == null || failure.remaining().getAndDecrement() <= 0) {
            return false;
        }
        injectedFailures
                .computeIfAbsent(endpoint + " " + failure.status(), ignored -> new AtomicInteger())
                .incrementAndGet();
        respond(exchange, failure.status(), JSON.createObjectNode().put("message", "injected failure"));
        return true;
    }

    private void login(final HttpExchange exchange, final JsonNode body) throws IOException {
        logins.incrementAndGet();
        final JsonNode data = body.path("data");
        final boolean keyPair =
                "SNOWFLAKE_JWT".equals(data.path("AUTHENTICATOR").asText());
        if (loginRefusal != null) {
            loginError(exchange, loginRefusal, "Incorrect username or password was specified.");
        } else if (keyPair && !validJwt(data.path("TOKEN").asText())) {
            loginError(exchange, "390144", "JWT token is invalid.");
        } else {
            final ObjectNode ok = JSON.createObjectNode().put("success", true);
            final ObjectNode session = ok.putObject("data")
                    .put("token", "session-" + UUID.randomUUID())
                    .put("masterToken", "master-" + UUID.randomUUID());
            session.putArray("parameters").addObject().put("name", "AUTOCOMMIT").put("value", true);
            respond(exchange, 200, ok);
        }
    }

    private void loginError(final HttpExchange exchange, final String code, final String message) throws IOException {
        final ObjectNode error =
                JSON.createObjectNode().put("success", false).put("code", code).put("message", message);
        error.putObject("data").put("errorCode", code);
        respond(exchange, 200, error);
    }

    private void query(final HttpExchange exchange, final JsonNode body) throws IOException {
        final String sql = body.path("sqlText").asText();
        final List<String> bindings = new ArrayList<>();
        final JsonNode binds = body.path("bindings");
        for (int i = 1; binds.has(String.valueOf(i)); i++) {
            bindings.add(binds.get(String.valueOf(i)).path("value").asText());
        }
        statements.add(new Statement(sql, List.copyOf(bindings)));
        for (final SqlRule rule : sqlRules) {
            if (rule.pattern().matcher(sql).find()) {
                final ObjectNode answer = rule.answers().size() > 1
                        ? rule.answers().poll()
                        : rule.answers().peek();
                respond(exchange, 200, answer);
                return;
            }
        }
        respond(exchange, 200, SqlResult.rows(List.of()).json());
    }

    private void rest(final HttpExchange exchange, final Endpoint endpoint, final JsonNode body) throws IOException {
        final String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        final String tokenType = exchange.getRequestHeaders().getFirst("X-Snowflake-Authorization-Token-Type");
        final URI uri = exchange.getRequestURI();
        restRequests.add(new RestRequest(
                exchange.getRequestMethod(), uri.getRawPath(), query(uri), authorization, tokenType, body));
        final boolean authorized = authorization != null
                && authorization.startsWith("Bearer ")
                && "KEYPAIR_JWT".equals(tokenType)
                && validJwt(authorization.substring("Bearer ".length()));
        if (!authorized) {
            respond(
                    exchange,
                    401,
                    JSON.createObjectNode()
                            .put("success", false)
                            .put("code", "390144")
                            .put("message", "JWT token is invalid."));
        } else if (endpoint == Endpoint.INSERT_FILES) {
            final RestAnswer answer = insertFilesAnswer;
            respond(
                    exchange,
                    answer.status(),
                    answer.body() != null
                            ? answer.body()
                            : JSON.createObjectNode()
                                    .put("requestId", query(uri).get("requestId"))
                                    .put("status", "SUCCESS"));
        } else {
            respond(exchange, 200, loadHistoryPage(query(uri).get("startTimeInclusive")));
        }
    }

    /** Pages are addressed by a range end of epoch + offset seconds: opaque to the client, as in Snowflake. */
    private ObjectNode loadHistoryPage(final String start) {
        final ArrayNode files = (ArrayNode) loadHistory.get("files");
        final int offset = start != null && start.startsWith("1970-")
                ? (int) Instant.parse(start).getEpochSecond()
                : 0;
        final int end = (int) Math.min(files.size(), (long) offset + loadHistoryPageSize);
        final ObjectNode page = JSON.createObjectNode().put("completeResult", end == files.size());
        final ArrayNode pageFiles = page.putArray("files");
        for (int i = offset; i < end; i++) {
            pageFiles.add(files.get(i));
        }
        if (end < files.size()) {
            page.put("rangeEndTime", Instant.ofEpochSecond(end).toString());
        }
        return page;
    }

    /** RS256 signature by the test key, and the claims Snowflake checks. */
    private boolean validJwt(final String jwt) {
        final String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return false;
        }
        try {
            final Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initVerify(publicKey);
            signature.update((parts[0] + '.' + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!signature.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return false;
            }
            final JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            final String subject = account + '.' + user;
            final long now = System.currentTimeMillis() / 1000;
            return subject.equals(claims.path("sub").asText())
                    && claims.path("iss").asText().startsWith(subject + ".SHA256:")
                    && claims.path("exp").asLong() > now
                    && claims.path("exp").asLong() - claims.path("iat").asLong() <= 3600;
        } catch (final GeneralSecurityException | IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Map<String, String> query(final URI uri) {
        final Map<String, String> parameters = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (final String pair : uri.getRawQuery().split("&")) {
                final int equals = pair.indexOf('=');
                parameters.put(
                        decode(equals < 0 ? pair : pair.substring(0, equals)),
                        equals < 0 ? "" : decode(pair.substring(equals + 1)));
            }
        }
        return parameters;
    }

    private static String decode(final String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static JsonNode readBody(final HttpExchange exchange) throws IOException {
        final boolean gzip =
                "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
        try (InputStream raw = exchange.getRequestBody();
                InputStream in = gzip ? new GZIPInputStream(raw) : raw) {
            final byte[] bytes = in.readAllBytes();
            return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        }
    }

    private static void respond(final HttpExchange exchange, final int status, final JsonNode body) throws IOException {
        final byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static ObjectNode emptyLoadHistory() {
        final ObjectNode scan = JSON.createObjectNode().put("completeResult", true);
        scan.putArray("files");
        return scan;
    }
}
