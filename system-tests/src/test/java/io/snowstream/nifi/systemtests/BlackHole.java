package io.snowstream.nifi.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An endpoint that accepts connections and never answers: S3 behind a network fault that drops the traffic, where
 * a client learns nothing until its own timeout. Connections are held open until {@link #close()}.
 */
final class BlackHole implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    BlackHole() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try {
                            accepted.add(server.accept());
                        } catch (final IOException e) {
                            // closed
                        }
                    }
                },
                "black-hole");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Connections accepted so far: requests that are waiting for an answer that never comes. */
    int connections() {
        return accepted.size();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (final Socket socket : accepted) {
            socket.close();
        }
    }
}
