package io.snowstream.nifi.s3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A small HTTP proxy in front of S3Mock that can answer chosen requests with S3 errors instead of forwarding them:
 * 5xx for a while, throttling, a dropped connection, or the 403 AWS answers for an unknown access key (S3Mock itself accepts any
 * credentials). Everything else is forwarded unchanged, so the processor sees a real S3 API with faults. It can also
 * fail a random share of requests ({@link #failRandomly}), and play the death of its client's process
 * ({@link #crashAt}). Being plain HTTP, it fronts the Snowflake stub as well.
 */
public final class FaultInjectingProxy implements AutoCloseable {

    /** What the proxy sees of a request when deciding whether to fail it. */
    public record Request(String method, String path, String query) {
        public boolean isPartUpload() {
            return method.equals("PUT") && query != null && query.contains("partNumber=");
        }

        public boolean isObjectWrite() {
            return method.equals("PUT") || (method.equals("POST") && query != null && query.contains("uploadId="));
        }
    }

    private record Fault(Predicate<Request> matches, AtomicInteger remaining, int status, String errorCode) {}

    /** What {@link #failRandomly} does to a request it picks. */
    public enum RandomFault {
        HTTP_500,
        HTTP_503_SLOW_DOWN,
        CONNECTION_RESET,
        SLOW_RESPONSE
    }

    private record RandomFaults(Predicate<Request> matches, double share, Duration slowDelay, Random random) {}

    private record Crash(Predicate<Request> matches, boolean afterForwarding) {}

    /** Status of a fault that answers nothing and drops the connection instead. */
    private static final int CONNECTION_RESET = 0;

    private static final Set<String> NOT_FORWARDED = Set.of(
            "connection",
            "content-length",
            "expect",
            "host",
            "upgrade",
            "date",
            "from",
            "via",
            "warning",
            "transfer-encoding",
            "keep-alive",
            "te",
            "trailer",
            "proxy-connection");

    private final URI target;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpClient forwarder = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<Request> injected = new CopyOnWriteArrayList<>();
    private volatile String requiredAccessKeyId;
    private volatile RandomFaults randomFaults;
    private final Map<RandomFault, AtomicInteger> randomFaultCounts = new EnumMap<>(RandomFault.class);
    private volatile Crash crash;
    private final CountDownLatch crashed = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    public FaultInjectingProxy(final URI target) throws IOException {
        this.target = target;
        for (final RandomFault kind : RandomFault.values()) {
            randomFaultCounts.put(kind, new AtomicInteger());
        }
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers the next {@code times} requests that match with the given S3 error instead of forwarding them. */
    public void fail(final Predicate<Request> matches, final int times, final int status, final String errorCode) {
        faults.add(new Fault(matches, new AtomicInteger(times), status, errorCode));
    }

    /** Drops the connection, without any response, for the next {@code times} requests that match. */
    public void reset(final Predicate<Request> matches, final int times) {
        faults.add(new Fault(matches, new AtomicInteger(times), CONNECTION_RESET, null));
    }

    /**
     * Picks {@code share} of the matching requests (at random, reproducibly from {@code seed}) and, in equal parts,
     * answers 500 InternalError, answers 503 SlowDown, drops the connection unanswered, or forwards it only after
     * {@code slowDelay}. Applies after the counted faults.
     */
    public void failRandomly(
            final Predicate<Request> matches, final double share, final Duration slowDelay, final long seed) {
        randomFaults = new RandomFaults(matches, share, slowDelay, new Random(seed));
    }

    /** How many requests each kind of random fault hit. */
    public Map<RandomFault, Integer> randomFaultCounts() {
        final Map<RandomFault, Integer> counts = new EnumMap<>(RandomFault.class);
        randomFaultCounts.forEach((kind, count) -> counts.put(kind, count.get()));
        return counts;
    }

    /**
     * Plays the death of the client's process at the first request that matches: that request (after reaching the
     * target, when {@code afterForwarding}, so that its effect is done but its answer never arrives) and every later
     * one are held without an answer until the proxy closes, which drops them unanswered. Nothing the client sends
     * from that moment has an effect, as nothing a dead process would send could.
     */
    public void crashAt(final Predicate<Request> matches, final boolean afterForwarding) {
        crash = new Crash(matches, afterForwarding);
    }

    /** Waits until the crash point was reached; false when it was not within the timeout. */
    public boolean awaitCrash(final Duration timeout) throws InterruptedException {
        return crashed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Answers 403 InvalidAccessKeyId to any request not signed with this access key, as AWS does. */
    public void requireAccessKeyId(final String accessKeyId) {
        this.requiredAccessKeyId = accessKeyId;
    }

    /** Forgets all faults and the access key rule. */
    public void reset() {
        faults.clear();
        injected.clear();
        requiredAccessKeyId = null;
    }

    /** The requests that were answered with an injected error. */
    public List<Request> injectedFailures() {
        return List.copyOf(injected);
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            final Request request = new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery());
            if (crashed.getCount() == 0) {
                holdUntilClosed();
            }
            final Crash crashPoint = crash;
            if (crashPoint != null && crashPoint.matches().test(request)) {
                if (crashPoint.afterForwarding()) {
                    send(exchange, request, body);
                }
                crashed.countDown();
                holdUntilClosed();
            }
            final String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            final String accessKey = requiredAccessKeyId;
            if (accessKey != null
                    && (authorization == null || !authorization.contains("Credential=" + accessKey + "/"))) {
                injected.add(request);
                answerError(
                        exchange,
                        403,
                        "InvalidAccessKeyId",
                        "The AWS Access Key Id you provided does not exist in our records.");
                return;
            }
            for (final Fault fault : faults) {
                if (fault.matches().test(request) && fault.remaining().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    injected.add(request);
                    if (fault.status() == CONNECTION_RESET) {
                        // an exception out of the handler makes the HTTP server close the connection unanswered
                        throw new IOException("Connection reset injected by the test proxy");
                    }
                    answerError(exchange, fault.status(), fault.errorCode(), "Injected by the test proxy");
                    return;
                }
            }
            final RandomFaults random = randomFaults;
            if (random != null && random.matches().test(request)) {
                final RandomFault fault = pick(random);
                if (fault != null) {
                    randomFaultCounts.get(fault).incrementAndGet();
                    switch (fault) {
                        case HTTP_500 -> {
                            answerError(exchange, 500, "InternalError", "Injected by the test proxy");
                            return;
                        }
                        case HTTP_503_SLOW_DOWN -> {
                            answerError(exchange, 503, "SlowDown", "Injected by the test proxy");
                            return;
                        }
                        case CONNECTION_RESET -> throw new IOException("Connection reset injected by the test proxy");
                        case SLOW_RESPONSE -> Thread.sleep(random.slowDelay().toMillis());
                    }
                }
            }
            forward(exchange, request, body);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static RandomFault pick(final RandomFaults random) {
        synchronized (random.random()) {
            if (random.random().nextDouble() >= random.share()) {
                return null;
            }
            return RandomFault.values()[random.random().nextInt(RandomFault.values().length)];
        }
    }

    /** Blocks the handling thread until the proxy closes; the exception then drops the connection unanswered. */
    private void holdUntilClosed() throws IOException, InterruptedException {
        closed.await();
        throw new IOException("the client's process is gone");
    }

    private void forward(final HttpExchange exchange, final Request request, final byte[] body)
            throws IOException, InterruptedException {
        answer(exchange, request, send(exchange, request, body));
    }

    /** Sends the request to the target and returns its answer, without answering the client. */
    private HttpResponse<byte[]> send(final HttpExchange exchange, final Request request, final byte[] body)
            throws IOException, InterruptedException {
        final String pathAndQuery = request.path() + (request.query() == null ? "" : "?" + request.query());
        final HttpRequest.Builder builder = HttpRequest.newBuilder(target.resolve(pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .method(
                        request.method(),
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        for (final Map.Entry<String, List<String>> header :
                exchange.getRequestHeaders().entrySet()) {
            if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                header.getValue().forEach(value -> builder.header(header.getKey(), value));
            }
        }
        return forwarder.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private void answer(final HttpExchange exchange, final Request request, final HttpResponse<byte[]> response)
            throws IOException {
        response.headers().map().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        final byte[] responseBody = response.body();
        final boolean noBody = request.method().equals("HEAD") || responseBody.length == 0;
        exchange.sendResponseHeaders(response.statusCode(), noBody ? -1 : responseBody.length);
        if (!noBody) {
            exchange.getResponseBody().write(responseBody);
        }
    }

    private static void answerError(
            final HttpExchange exchange, final int status, final String code, final String message) throws IOException {
        final byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>"
                        + message + "</Message><RequestId>injected</RequestId></Error>")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
        exchange.sendResponseHeaders(status, xml.length);
        exchange.getResponseBody().write(xml);
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
        forwarder.close();
    }
}
