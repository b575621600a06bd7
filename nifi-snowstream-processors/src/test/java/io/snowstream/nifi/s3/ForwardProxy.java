package io.snowstream.nifi.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A forward proxy on 127.0.0.1, as a corporate proxy behaves: it tunnels {@code CONNECT host:port} (https) and
 * forwards plain requests in absolute form (http), optionally demanding Basic credentials with a 407 challenge, and
 * it records the first request line of every connection. Only loopback targets are reached.
 */
public final class ForwardProxy implements AutoCloseable {

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        final Thread thread = new Thread(runnable, "forward-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private final String requiredAuthorization;
    private final AtomicInteger challenges = new AtomicInteger();

    /** A proxy that needs no credentials when {@code user} is null. */
    public ForwardProxy(final String user, final String password) throws IOException {
        this.requiredAuthorization = user == null
                ? null
                : "Basic "
                        + Base64.getEncoder().encodeToString((user + ':' + password).getBytes(StandardCharsets.UTF_8));
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The first request line of each connection the proxy accepted with valid credentials (or none needed). */
    public List<String> forwardedRequestLines() {
        return List.copyOf(requestLines);
    }

    /** How often the proxy answered 407 to a request without the right credentials. */
    public int challenges() {
        return challenges.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                final Socket client = server.accept();
                threads.execute(() -> serve(client));
            } catch (final IOException e) {
                return;
            }
        }
    }

    private void serve(final Socket client) {
        try (client) {
            final InputStream in = client.getInputStream();
            final OutputStream out = client.getOutputStream();
            final List<String> head = readHead(in);
            if (head.isEmpty()) {
                return;
            }
            if (requiredAuthorization != null && !requiredAuthorization.equals(header(head, "proxy-authorization"))) {
                // the connection ends with the challenge: a body the client may still send is never read
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                                + "Content-Length: 0\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                challenges.incrementAndGet();
                return;
            }
            requestLines.add(head.getFirst());
            final String[] requestLine = head.getFirst().split(" ");
            if ("CONNECT".equals(requestLine[0])) {
                final String[] target = requestLine[1].split(":");
                try (Socket upstream = loopback(target[0], Integer.parseInt(target[1]))) {
                    out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    pipe(client, upstream, new byte[0]);
                }
            } else {
                final URI target = URI.create(requestLine[1]);
                try (Socket upstream = loopback(target.getHost(), target.getPort())) {
                    // origin servers accept the absolute form, so the head is passed on as it came
                    pipe(
                            client,
                            upstream,
                            (String.join("\r\n", head) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
            }
        } catch (final IOException e) {
            // the client or the target went away: the connection simply ends, as with a real proxy
        }
    }

    private static Socket loopback(final String host, final int port) throws IOException {
        final InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress()) {
            throw new IOException("the test proxy only reaches loopback addresses, not " + host);
        }
        return new Socket(address, port);
    }

    /** Sends what was already read, then copies both directions until either side closes. */
    private void pipe(final Socket client, final Socket upstream, final byte[] alreadyRead) throws IOException {
        upstream.getOutputStream().write(alreadyRead);
        upstream.getOutputStream().flush();
        threads.execute(() -> copy(upstream, client));
        copy(client, upstream);
    }

    private static void copy(final Socket from, final Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (final IOException e) {
            // one side closed
        } finally {
            try {
                to.shutdownOutput();
            } catch (final IOException e) {
                // already closed
            }
        }
    }

    private static List<String> readHead(final InputStream in) throws IOException {
        final List<String> lines = new ArrayList<>();
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (previous == '\r' && b == '\n') {
                final byte[] bytes = line.toByteArray();
                final String text = new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
                line.reset();
            } else {
                line.write(b);
            }
            previous = b;
        }
        return List.of();
    }

    private static String header(final List<String> head, final String name) {
        for (final String line : head.subList(1, head.size())) {
            final int colon = line.indexOf(':');
            if (colon > 0
                    && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
