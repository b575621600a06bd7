package io.snowstream.nifi.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fixed address on 127.0.0.1 that relays each TCP connection to a target that can be switched: NiFi keeps one S3
 * endpoint across a crash and a restart, while the test puts a crash-playing proxy behind it and takes it away
 * again. Switching closes the open connections; new ones go to the new target.
 */
final class TcpRelay implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile URI target;

    TcpRelay(final URI target) {
        this.target = target;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        final Thread acceptor = new Thread(this::accept, "tcp-relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    void switchTo(final URI newTarget) {
        target = newTarget;
        for (final Socket socket : open) {
            close(socket);
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            final Socket client;
            try {
                client = server.accept();
            } catch (final IOException e) {
                return;
            }
            try {
                final URI to = target;
                final Socket upstream = new Socket(to.getHost(), to.getPort());
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (final IOException e) {
                close(client);
            }
        }
    }

    private void pump(final Socket from, final Socket to) {
        final Thread thread = new Thread(
                () -> {
                    final byte[] buffer = new byte[64 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int read;
                        while ((read = in.read(buffer)) >= 0) {
                            out.write(buffer, 0, read);
                            out.flush();
                        }
                    } catch (final IOException e) {
                        // either side closed
                    } finally {
                        close(from);
                        close(to);
                    }
                },
                "tcp-relay-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private void close(final Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (final IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (final Socket socket : open) {
            close(socket);
        }
    }
}
