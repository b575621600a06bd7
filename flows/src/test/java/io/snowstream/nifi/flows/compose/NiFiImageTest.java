package io.snowstream.nifi.flows.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Dockerfile builds the NAR this repository defines and puts it where the official NiFi image loads extensions. */
class NiFiImageTest {

    private static final String DOCKERFILE = Repository.read("Dockerfile");
    private static final String START_SCRIPT = Repository.read("deploy/nifi/start-with-snowstream-nar.sh");
    private static final String NIFI_VERSION = Repository.pomValue("pom.xml", "properties/nifi.version");
    private static final String NAR_ARTIFACT = Repository.pomValue("nifi-snowstream-nar/pom.xml", "artifactId");

    @Test
    void runsTheOfficialNiFiImageOfThePomsNiFiVersion() {
        assertThat(NIFI_VERSION).as("the pom's nifi.version").matches("2\\.\\d+\\.\\d+");
        assertThat(DOCKERFILE).contains("ARG NIFI_VERSION=" + NIFI_VERSION + "\n");
        assertThat(fromLines()).last().isEqualTo("apache/nifi:${NIFI_VERSION}");
    }

    @Test
    void buildsTheNarWithTheMavenWrapperOnAJdk21() {
        assertThat(fromLines()).first().isEqualTo("eclipse-temurin:21-jdk AS build");
        assertThat(DOCKERFILE).contains("./mvnw -B -DskipTests -pl " + NAR_ARTIFACT + " -am package");
    }

    @Test
    void takesTheNarFromWhereMavenWritesIt() {
        assertThat(NAR_ARTIFACT).isEqualTo("nifi-snowstream-nar");
        assertThat(DOCKERFILE).contains(NAR_ARTIFACT + "/target/" + NAR_ARTIFACT + "-*.nar");
        assertThat(START_SCRIPT).contains("/opt/nifi/snowstream-nar/" + NAR_ARTIFACT + "-*.nar");
        assertThat(DOCKERFILE).contains("COPY --from=build --chown=nifi:nifi /nar/ /opt/nifi/snowstream-nar/");
    }

    @Test
    void placesTheNarInTheImagesAutoloadDirectoryAndHandsOverToTheImagesStartScript() {
        assertThat(START_SCRIPT)
                .contains("autoload_dir=\"${NIFI_HOME:?")
                .contains("}/nar_extensions\"")
                .contains("rm -f \"$autoload_dir\"/" + NAR_ARTIFACT + "-*.nar")
                .contains("exec \"${NIFI_BASE_DIR:-/opt/nifi}/scripts/start.sh\"");
        // the image's start.sh stops NiFi with a path relative to NIFI_HOME, its working directory
        assertThat(DOCKERFILE)
                .contains("ENTRYPOINT [\"../scripts/start-with-snowstream-nar.sh\"]")
                .contains(
                        "deploy/nifi/start-with-snowstream-nar.sh deploy/nifi/renew-generated-certificate.sh \\\n    /opt/nifi/scripts/");
        assertThat(START_SCRIPT).contains("\"${NIFI_BASE_DIR:-/opt/nifi}/scripts/renew-generated-certificate.sh\"");
        final String runtimeStage = DOCKERFILE.substring(DOCKERFILE.lastIndexOf("\nFROM "));
        assertThat(runtimeStage).doesNotContain("WORKDIR", "USER");
    }

    @Test
    void rebuildsTheNarOnlyWhenWhatItIsBuiltFromChanges() {
        final String buildStage = DOCKERFILE.substring(0, DOCKERFILE.lastIndexOf("\nFROM "));
        assertThat(buildStage).doesNotContain("COPY . .");
        // the reactor reads every module's pom, even with -pl
        for (final String module : Repository.pomValues("pom.xml", "modules/module")) {
            assertThat(buildStage).as("module " + module).contains("COPY " + module + "/pom.xml " + module + "/\n");
        }
        assertThat(buildStage)
                .contains(
                        "COPY mvnw pom.xml ./",
                        "COPY .mvn/ .mvn/",
                        "COPY nifi-snowstream-processors/src/ nifi-snowstream-processors/src/",
                        "COPY nifi-snowstream-nar/src/ nifi-snowstream-nar/src/",
                        "RUN --mount=type=cache,target=/root/.m2");
        // RUN --mount needs BuildKit, and says so where a reader looks
        assertThat(DOCKERFILE).startsWith("# syntax=docker/dockerfile:1\n").contains("Needs BuildKit");
        assertThat(Repository.read("README.md")).contains("BuildKit");
    }

    @Test
    void keepsBuildOutputAndSecretsOutOfTheBuildContext() {
        assertThat(Repository.read(".dockerignore").lines().toList()).contains("**/target/", ".env", ".git");
    }

    private static List<String> fromLines() {
        final Matcher from = Pattern.compile("(?m)^FROM (.+)$").matcher(DOCKERFILE);
        final List<String> images = new ArrayList<>();
        while (from.find()) {
            images.add(from.group(1).strip());
        }
        return images;
    }
}
