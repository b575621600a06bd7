package io.snowstream.nifi.flows.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** refresh-nifi-token.sh keeps the token Prometheus scrapes NiFi with; it runs until stopped, so one test stops it. */
class TokenRefreshScriptTest {

    private static final Path SCRIPT = DeployScripts.REPOSITORY_ROOT.resolve("deploy/monitoring/refresh-nifi-token.sh");
    private static final String TOKEN = "eyJhbGciOiJQUzUxMiJ9.metrics.signature";

    private HttpStub nifi;

    @BeforeEach
    void startNiFi() throws IOException {
        nifi = new HttpStub();
    }

    @AfterEach
    void stopNiFi() {
        nifi.close();
    }

    @Test
    void writesTheBareTokenReadableByItsOwnerOnlyAndPrometheussTarget(@TempDir final Path directory) throws Exception {
        nifi.on("POST", "/nifi-api/access/token", 201, "text/plain", TOKEN);
        final Path tokenFile = directory.resolve("nifi-authorization");
        final Path targetsFile = directory.resolve("nifi-targets.json");
        final ProcessBuilder builder = new ProcessBuilder(
                        "bash", SCRIPT.toString(), tokenFile.toString(), targetsFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("output.txt").toFile());
        builder.environment()
                .putAll(Map.of("NIFI_URL", nifi.url(), "NIFI_USERNAME", "admin", "NIFI_PASSWORD", "metrics-password"));
        final Process process = builder.start();
        try {
            // the script renews forever: wait for its first token (a generous bound, not a speed target)
            for (int attempt = 0; attempt < 600 && !Files.exists(tokenFile); attempt++) {
                assertThat(process.isAlive())
                        .as("the script stopped: " + Files.readString(directory.resolve("output.txt")))
                        .isTrue();
                Thread.sleep(100);
            }
            assertThat(Files.readString(tokenFile)).isEqualTo(TOKEN + "\n");
            assertThat(Files.getPosixFilePermissions(tokenFile))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(nifi.requestLines()).first().isEqualTo("POST /nifi-api/access/token");
            // Prometheus's file_sd target: NIFI_URL's host and port, the name NiFi's certificate carries
            assertThat(Files.readString(targetsFile).replaceAll("\\s", ""))
                    .isEqualTo("[{\"targets\":[\"" + nifi.url().substring("http://".length())
                            + "\"],\"labels\":{\"deployment\":\"standalone\"}}]");
        } finally {
            process.destroy();
            assertThat(process.waitFor(1, TimeUnit.MINUTES))
                    .as("stops on SIGTERM, as `docker compose stop` sends it")
                    .isTrue();
        }
        assertThat(process.exitValue()).isZero();
        assertThat(process.descendants()).as("no sleeping child left behind").isEmpty();
    }

    @Test
    void stopsWithTheReasonWhenNiFiRefusesTheLogin(@TempDir final Path directory) {
        nifi.on("POST", "/nifi-api/access/token", 401, "text/plain", "Unable to validate the supplied credentials");
        final Path tokenFile = directory.resolve("nifi-authorization");

        final ScriptRun run = ScriptRun.run(
                SCRIPT,
                Map.of("NIFI_URL", nifi.url(), "NIFI_USERNAME", "admin", "NIFI_PASSWORD", "wrong-password"),
                tokenFile.toString());

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("NiFi refused the login of 'admin' (HTTP 401)");
        assertThat(tokenFile).doesNotExist();
        assertThat(directory.toFile().list())
                .as("no half-written token left behind")
                .isEmpty();
        assertThat(List.of(run.output())).noneMatch(output -> output.contains("wrong-password"));
    }
}
