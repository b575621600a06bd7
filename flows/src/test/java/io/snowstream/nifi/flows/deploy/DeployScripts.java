package io.snowstream.nifi.flows.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the deploy scripts and the test flow live, and a throw-away copy of the repository layout they expect. */
final class DeployScripts {

    static final Path REPOSITORY_ROOT = Path.of(System.getProperty("snowstream.repository.root", ".."))
            .toAbsolutePath()
            .normalize();
    static final Path SCRIPTS = REPOSITORY_ROOT.resolve("deploy/scripts");
    static final Path REGISTRY_IMPORT = SCRIPTS.resolve("import-flow-into-registry.sh");
    static final Path NIFI_UPLOAD = SCRIPTS.resolve("upload-flow-to-nifi.sh");

    private static final List<String> SCRIPT_FILES =
            List.of("common.sh", "import-flow-into-registry.sh", "upload-flow-to-nifi.sh");

    private DeployScripts() {}

    static Path fixtureFlow() {
        try {
            return Path.of(DeployScripts.class
                    .getResource("/deploy/customer-stream-to-snowflake.json")
                    .toURI());
        } catch (final URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String fixtureFlowText() {
        try {
            return Files.readString(fixtureFlow());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the scripts into ROOT/deploy/scripts, so that ROOT/flows is where they look for the default flow. */
    static Path copyScriptsInto(final Path root) throws IOException {
        final Path scripts = Files.createDirectories(root.resolve("deploy/scripts"));
        for (final String file : SCRIPT_FILES) {
            Files.copy(SCRIPTS.resolve(file), scripts.resolve(file));
        }
        return scripts;
    }

    static Path placeFlow(final Path root, final String bucket, final String flowFileName) throws IOException {
        final Path flow =
                Files.createDirectories(root.resolve("flows").resolve(bucket)).resolve(flowFileName);
        Files.copy(fixtureFlow(), flow);
        return flow;
    }

    /** A loopback URL nothing listens on: the port was free a moment ago and is closed again. */
    static String unreachableUrl(final String scheme) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return scheme + "://127.0.0.1:" + socket.getLocalPort();
        }
    }
}
