package io.snowstream.nifi.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a NIFI_HOME must hold; runs without NiFi, so a wrong NIFI_HOME is known to fail clearly rather than skip. */
class NiFiInstallationTest {

    @TempDir
    Path home;

    @Test
    void acceptsTheLayoutOfNiFisBinaryDistribution() throws IOException {
        layout("nifi-framework-nar-2.8.0.nar");

        final NiFiInstallation installation = NiFiInstallation.at(home.toString());

        assertThat(installation.version()).isEqualTo("2.8.0");
        assertThat(installation.home()).isEqualTo(home.toAbsolutePath().normalize());
    }

    @Test
    void refusesADirectoryThatIsNoNiFiInstallationNamingWhatIsMissing() throws IOException {
        Files.writeString(home.resolve("README"), "not NiFi");

        assertThatThrownBy(() -> NiFiInstallation.at(home.toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not an Apache NiFi 2.x installation")
                .hasMessageContaining("bin/nifi.sh")
                .hasMessageContaining("conf/nifi.properties")
                .hasMessageContaining("lib/nifi-framework-nar-<version>.nar");
    }

    @Test
    void refusesAPathThatDoesNotExist() {
        assertThatThrownBy(() -> NiFiInstallation.at(home.resolve("nowhere").toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not a directory");
    }

    @Test
    void refusesNiFi1() throws IOException {
        layout("nifi-framework-nar-1.28.1.nar");

        assertThatThrownBy(() -> NiFiInstallation.at(home.toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NiFi 2.x (found nifi-framework-nar-1.28.1.nar");
    }

    private void layout(final String frameworkNar) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("conf"));
        Files.createDirectories(home.resolve("lib/bootstrap"));
        Files.writeString(home.resolve("bin/nifi.sh"), "#!/bin/sh\n");
        Files.writeString(home.resolve("bin/nifi-env.sh"), "");
        Files.writeString(home.resolve("conf/nifi.properties"), "nifi.web.https.port=8443\n");
        Files.writeString(home.resolve("conf/bootstrap.conf"), "java.arg.2=-Xms1g\n");
        Files.writeString(home.resolve("lib/bootstrap/nifi-bootstrap-2.8.0.jar"), "");
        Files.writeString(home.resolve("lib").resolve(frameworkNar), "");
    }
}
