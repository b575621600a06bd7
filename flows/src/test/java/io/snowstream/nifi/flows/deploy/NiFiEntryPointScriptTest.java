package io.snowstream.nifi.flows.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/nifi/start-with-snowstream-nar.sh refuses, before anything else, a sensitive-properties key that the
 * apache/nifi image's start.sh would corrupt: it writes the key with sed's `s|^key=.*$|key=VALUE|`, where |, & and \
 * in VALUE are sed syntax.
 */
class NiFiEntryPointScriptTest {

    private static final Path SCRIPT =
            DeployScripts.REPOSITORY_ROOT.resolve("deploy/nifi/start-with-snowstream-nar.sh");

    @Test
    void refusesAKeyTheImagesStartScriptWouldWriteWrongly(@TempDir final Path nifiHome) {
        for (final String key : new String[] {"key|with-a-bar-12", "key&with-amp-123", "key\\backslash-12"}) {
            final ScriptRun run =
                    ScriptRun.run(SCRIPT, Map.of("NIFI_HOME", nifiHome.toString(), "NIFI_SENSITIVE_PROPS_KEY", key));

            assertThat(run.exitCode()).as(key).isNotZero();
            assertThat(run.stderr())
                    .as(key)
                    .contains("NIFI_SENSITIVE_PROPS_KEY contains |, & or \\")
                    .doesNotContain("nifi-snowstream NAR");
        }
    }

    @Test
    void refusesSuchAKeyFromTheCredentialsFileToo(@TempDir final Path directory) throws IOException {
        final Path credentials =
                Files.writeString(directory.resolve("nifi.env"), "NIFI_SENSITIVE_PROPS_KEY='a|b-long-enough'\n");

        final ScriptRun run = ScriptRun.run(
                SCRIPT,
                Map.of("NIFI_HOME", directory.toString(), "SNOWSTREAM_CREDENTIALS_FILE", credentials.toString()));

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("NIFI_SENSITIVE_PROPS_KEY contains |, & or \\");
    }

    @Test
    void goesOnToPlaceTheNarWithAKeyStartShWritesFaithfully(@TempDir final Path nifiHome) {
        final ScriptRun run = ScriptRun.run(
                SCRIPT, Map.of("NIFI_HOME", nifiHome.toString(), "NIFI_SENSITIVE_PROPS_KEY", "Plain-Key_0123+/="));

        // outside the image there is no built NAR: the next step's own error shows the key was accepted
        assertThat(run.stderr())
                .doesNotContain("NIFI_SENSITIVE_PROPS_KEY")
                .contains("expected one nifi-snowstream NAR");
    }
}
