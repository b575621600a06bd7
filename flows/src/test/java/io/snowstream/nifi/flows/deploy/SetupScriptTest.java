package io.snowstream.nifi.flows.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/init/setup.sh, the `setup` service: credentials generated once and kept, .env's choices first, each
 * service's file readable by that service's user only. It hands files to other users, so it needs root (as in its
 * container and on CI); elsewhere the test is skipped.
 */
class SetupScriptTest {

    private static final Path SCRIPT = DeployScripts.REPOSITORY_ROOT.resolve("deploy/init/setup.sh");

    @TempDir
    Path credentials;

    @BeforeEach
    void requireRoot() throws IOException, InterruptedException {
        final Process id = new ProcessBuilder("id", "-u").start();
        final String uid = new String(id.getInputStream().readAllBytes()).strip();
        id.waitFor();
        assumeTrue(uid.equals("0"), "setup.sh changes file owners, which needs root (uid " + uid + ")");
    }

    private ScriptRun setup(final Map<String, String> env, final String... arguments) {
        final Map<String, String> environment = new HashMap<>(env);
        environment.put("CREDENTIALS_DIR", credentials.toString());
        return ScriptRun.run(SCRIPT, environment, arguments);
    }

    private Map<String, String> stored() throws IOException, InterruptedException {
        final Process process = new ProcessBuilder(
                        "bash", "-c", "set -a; . '" + credentials.resolve("credentials.env") + "'; env")
                .redirectErrorStream(true)
                .start();
        final Map<String, String> values = new HashMap<>();
        for (final String line : new String(process.getInputStream().readAllBytes()).split("\n")) {
            final int equals = line.indexOf('=');
            if (equals > 0) {
                values.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        process.waitFor();
        return values;
    }

    @Test
    void generatesEveryPasswordOnceAndKeepsThemOnTheNextStart() throws Exception {
        final ScriptRun first = setup(Map.of());
        assertThat(first.exitCode()).as(first.output()).isZero();
        final Map<String, String> generated = stored();
        for (final String secret :
                new String[] {"NIFI_PASSWORD", "MINIO_ROOT_PASSWORD", "S3_SECRET_ACCESS_KEY", "GRAFANA_ADMIN_PASSWORD"
                }) {
            assertThat(generated.get(secret)).as(secret).matches("[A-Za-z0-9]{24}");
        }
        assertThat(generated.get("NIFI_PASSWORD")).isNotEqualTo(generated.get("MINIO_ROOT_PASSWORD"));
        assertThat(generated)
                .containsEntry("NIFI_USERNAME", "admin")
                .containsEntry("S3_ACCESS_KEY_ID", "snowstream-nifi");
        assertThat(first.output()).as("no secret in the log").doesNotContain(generated.get("NIFI_PASSWORD"));

        final ScriptRun second = setup(Map.of());
        assertThat(second.exitCode()).as(second.output()).isZero();
        assertThat(stored()).isEqualTo(generated);

        final ScriptRun show = setup(Map.of(), "show");
        assertThat(show.stdout())
                .contains(
                        "https://localhost:8443/nifi",
                        "user: admin",
                        "password: " + generated.get("NIFI_PASSWORD"),
                        "password: " + generated.get("MINIO_ROOT_PASSWORD"),
                        "password: " + generated.get("GRAFANA_ADMIN_PASSWORD"));
    }

    @Test
    void takesWhatEnvChoosesEvenAfterAGeneratedStartAndQuotesItSafely() throws Exception {
        assertThat(setup(Map.of()).exitCode()).isZero();
        final String chosen = "it's $(not run) & `safe`";

        final ScriptRun run = setup(Map.of("NIFI_PASSWORD", chosen, "S3_ACCESS_KEY_ID", ""));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(stored())
                .containsEntry("NIFI_PASSWORD", chosen)
                .containsEntry("S3_ACCESS_KEY_ID", "")
                .containsEntry("S3_SECRET_ACCESS_KEY", "");
        assertThat(Files.readString(credentials.resolve("nifi.env")))
                .as("no S3 key at all: the AWS SDK then takes the instance profile")
                .doesNotContain("AWS_ACCESS_KEY_ID");
    }

    @Test
    void refusesANiFiPasswordNiFiWouldIgnore() {
        final ScriptRun run = setup(Map.of("NIFI_PASSWORD", "short"));

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("NIFI_PASSWORD in .env has 5 characters: NiFi needs 12 or more");
    }

    @Test
    void givesEachServiceItsOwnFileReadableByItsUserOnly() throws Exception {
        assertThat(setup(Map.of()).exitCode()).isZero();

        assertThat(owner("nifi.env")).isEqualTo(1000);
        assertThat(owner("nifi-client.env")).isEqualTo(65534);
        assertThat(owner("minio.env")).isZero();
        assertThat(owner("grafana-admin-password")).isEqualTo(472);
        assertThat(owner("credentials.env")).isZero();
        try (var files = Files.list(credentials)) {
            files.forEach(file -> {
                try {
                    assertThat(Files.getPosixFilePermissions(file))
                            .as(file.getFileName().toString())
                            .isEqualTo(Set.of(PosixFilePermission.OWNER_READ));
                } catch (final IOException e) {
                    throw new AssertionError(e);
                }
            });
        }
        assertThat(Files.readString(credentials.resolve("nifi.env")))
                .contains(
                        "SINGLE_USER_CREDENTIALS_USERNAME='admin'",
                        "SINGLE_USER_CREDENTIALS_PASSWORD='",
                        "AWS_ACCESS_KEY_ID='snowstream-nifi'");
        assertThat(Files.readString(credentials.resolve("grafana-admin-password")))
                .matches("[A-Za-z0-9]{24}");
    }

    @Test
    void handsNiFiRegistrysStorageToItsImageUser(@TempDir final Path storage) throws Exception {
        final Path database = Files.createDirectory(storage.resolve("database"));
        final Path flowStorage = Files.createDirectory(storage.resolve("flow_storage"));

        final ScriptRun run = setup(Map.of("REGISTRY_STORAGE_DIRS", database + " " + flowStorage));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(Files.getAttribute(database, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(1000);
        assertThat(Files.getAttribute(flowStorage, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(1000);
    }

    private int owner(final String file) throws IOException {
        return (int) Files.getAttribute(credentials.resolve(file), "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }
}
