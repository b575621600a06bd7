package io.snowstream.nifi.flows.deploy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A loopback HTTP server that answers scripted responses and records every request it receives, so a test can assert
 * each call a deploy script makes. A request nobody scripted gets a 500 and stays in the record for the test to see.
 */
final class HttpStub implements AutoCloseable {

    record Request(String method, String path, Map<String, String> headers, byte[] body) {

        String header(final String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String line() {
            return method + " " + path;
        }
    }

    private record Response(int status, String contentType, String body) {}

    private final HttpServer server;
    private final Map<String, Deque<Response>> responses = new HashMap<>();
    private final List<Request> requests = new ArrayList<>();

    HttpStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Scripts the next answer to METHOD PATH; several calls queue answers, the last one repeats. */
    HttpStub on(final String method, final String path, final int status, final String jsonBody) {
        return on(method, path, status, "application/json", jsonBody);
    }

    HttpStub on(final String method, final String path, final int status, final String contentType, final String body) {
        synchronized (responses) {
            responses
                    .computeIfAbsent(method + " " + path, key -> new ArrayDeque<>())
                    .add(new Response(status, contentType, body));
        }
        return this;
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    List<String> requestLines() {
        return requests().stream().map(Request::line).toList();
    }

    Request request(final String method, final String path) {
        return requests().stream()
                .filter(request -> request.line().equals(method + " " + path))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + method + " " + path + " among " + requestLines()));
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try (exchange;
                InputStream in = exchange.getRequestBody()) {
            final Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            final Request request = new Request(
                    exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), headers, in.readAllBytes());
            synchronized (requests) {
                requests.add(request);
            }
            final Response response = nextResponse(request.line());
            final byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private Response nextResponse(final String line) {
        synchronized (responses) {
            final Deque<Response> queued = responses.get(line);
            if (queued == null || queued.isEmpty()) {
                return new Response(500, "text/plain", "unexpected request in test: " + line);
            }
            return queued.size() > 1 ? queued.poll() : queued.peek();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
