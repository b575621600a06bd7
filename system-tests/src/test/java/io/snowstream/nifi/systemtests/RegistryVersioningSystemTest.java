package io.snowstream.nifi.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What docker compose's flow-deployer does, against a real NiFi and a real NiFi Registry: the flow imported into the
 * registry, put on the canvas under version control through a registry client the script creates, re-imported
 * unchanged without a new version, and, after a real change, moved to the new version with NiFi's version update
 * while a parameter value the operator set stays; and a group an earlier deployer uploaded under the flow's former
 * name is renamed rather than doubled, its parameter values kept by the import that replaces it. Needs
 * NIFI_REGISTRY_HOME (an unpacked NiFi Registry 2.x) and a NiFi installation that has NiFi's registry client NAR
 * (nifi-flow-registry-client-nar in its lib/, as the apache/nifi image's has).
 */
@EnabledIfEnvironmentVariable(
        named = "NIFI_REGISTRY_HOME",
        matches = ".+",
        disabledReason = "NIFI_REGISTRY_HOME is not set: no NiFi Registry installation to version the flow in")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryVersioningSystemTest {

    @RegisterExtension
    static final NiFiInstance NIFI = NiFiInstance.httpsSingleUser();

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The name the deployer gave the flow's group before the flow was versioned (deploy/init/deploy-flow.sh). */
    private static final String FORMER_GROUP_NAME = "Customer stream to Snowflake";

    private static Path registryHome;
    private static String registryUrl;
    private static Path flowFile;

    @BeforeAll
    static void startRegistry() throws Exception {
        registryHome = Files.createTempDirectory("nifi-registry-");
        run(List.of(
                "cp",
                "-a",
                Path.of(System.getenv("NIFI_REGISTRY_HOME")).toAbsolutePath() + "/.",
                registryHome.toString()));
        final int port = NiFiInstance.freePort();
        PropertiesFile.read(registryHome.resolve("conf/nifi-registry.properties"))
                .set(Map.of(
                        "nifi.registry.web.http.host",
                        "127.0.0.1",
                        "nifi.registry.web.http.port",
                        String.valueOf(port)))
                .write();
        registryUrl = "http://127.0.0.1:" + port;
        run(List.of("bash", registryHome.resolve("bin/nifi-registry.sh").toString(), "start"));
        final HttpClient http = HttpClient.newHttpClient();
        Await.until("NiFi Registry to answer on " + registryUrl, Duration.ofMinutes(3), () -> {
            try {
                return http.send(
                                        HttpRequest.newBuilder(URI.create(registryUrl + "/nifi-registry-api/buckets"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200;
            } catch (final IOException e) {
                return false;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        // a copy in the layout the scripts expect (flows/<bucket>/<flow>.json), so that the test can change it
        flowFile = Files.createDirectories(registryHome.resolve("flows/snowstream"))
                .resolve("customer-stream-to-snowflake.json");
        Files.copy(DeployedFlow.FLOW_FILE, flowFile);
        NarLoads.awaitProcessorTypes(NIFI.client());
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registryHome != null) {
            run(List.of("bash", registryHome.resolve("bin/nifi-registry.sh").toString(), "stop"));
            NiFiInstance.deleteRecursively(registryHome);
        }
    }

    @Test
    @Order(1)
    void aGroupAnEarlierDeployerUploadedIsRenamedNotDoubledAndItsParameterValuesOutliveItsReplacement()
            throws Exception {
        DeployedFlow.runDeployScript(
                NIFI,
                "upload-flow-to-nifi.sh",
                List.of(
                        "--group-name",
                        FORMER_GROUP_NAME,
                        "--parameter",
                        "s3.bucket=earlier-bucket",
                        flowFile.toString()));
        final JsonNode coordinates = importIntoRegistry();
        assertThat(coordinates.path("version").asText()).isEqualTo("1");

        final String output = deploy(coordinates);

        assertThat(groups()).singleElement().satisfies(group -> {
            assertThat(group.at("/component/name").asText()).isEqualTo(DeployedFlow.GROUP_NAME);
            assertThat(group.at("/component/versionControlInformation").isMissingNode())
                    .as("left unversioned")
                    .isTrue();
        });
        assertThat(output)
                .contains("renamed process group '" + FORMER_GROUP_NAME + "'")
                .contains("stop it, empty its queues, delete it");

        // what the script's message tells the operator to do (its processors were never started)
        final String uploadedId = group().path("id").asText();
        NIFI.client()
                .delete("/process-groups/" + uploadedId + "?version="
                        + NIFI.client()
                                .processGroup(uploadedId)
                                .at("/revision/version")
                                .asLong());
        deploy(coordinates);

        final JsonNode imported = group();
        assertThat(imported.at("/component/versionControlInformation/version").asText())
                .isEqualTo("1");
        assertUpToDate(imported);
        assertThat(parameterValue(imported.path("id").asText(), "s3.bucket"))
                .as("the context of the same name, reused")
                .isEqualTo("earlier-bucket");
    }

    @Test
    @Order(2)
    void importsTheFlowUnderVersionControlThroughTheRegistryClientTheScriptCreates() throws Exception {
        final JsonNode coordinates = importIntoRegistry();
        assertThat(coordinates.path("version").asText()).isEqualTo("1");

        deploy(coordinates);

        final JsonNode group = group();
        assertThat(group.at("/component/versionControlInformation/version").asText())
                .isEqualTo("1");
        assertUpToDate(group);
        assertThat(NiFiClient.list(NIFI.client().get("/flow/registries").path("registries")))
                .singleElement()
                .satisfies(client -> assertThat(
                                client.at("/component/properties/url").asText())
                        .isEqualTo(registryUrl));
    }

    @Test
    @Order(3)
    void anUnchangedFlowMakesNoNewVersion() throws Exception {
        assertThat(importIntoRegistry().path("version").asText())
                .as("the registry's own rewrite of the flow compares equal")
                .isEqualTo("1");
    }

    @Test
    @Order(4)
    void aChangedFlowMovesTheGroupToItsNewVersionKeepingTheOperatorsParameterValues() throws Exception {
        final String groupId = group().path("id").asText();
        final String contextId = NIFI.client()
                .processGroup(groupId)
                .at("/component/parameterContext/id")
                .asText();
        NIFI.client().updateParameters(contextId, Map.of("s3.bucket", "operators-bucket"));

        final ObjectNode flow = (ObjectNode) JSON.readTree(flowFile.toFile());
        ((ObjectNode) flow.path("flowContents")).put("comments", "A changed description, version 2.");
        JSON.writerWithDefaultPrettyPrinter().writeValue(flowFile.toFile(), flow);
        final JsonNode coordinates = importIntoRegistry();
        assertThat(coordinates.path("version").asText()).isEqualTo("2");

        deploy(coordinates);

        final JsonNode group = group();
        assertThat(group.path("id").asText()).as("the same group, moved").isEqualTo(groupId);
        assertThat(group.at("/component/versionControlInformation/version").asText())
                .isEqualTo("2");
        assertThat(group.at("/component/comments").asText()).isEqualTo("A changed description, version 2.");
        assertThat(parameterValue(groupId, "s3.bucket")).isEqualTo("operators-bucket");
        assertThat(NIFI.errorLines()).as("ERROR lines in logs/nifi-app.log").isEmpty();
    }

    private static JsonNode importIntoRegistry() throws Exception {
        final String output = run(List.of(
                "bash",
                DeployedFlow.REPOSITORY
                        .resolve("deploy/scripts/import-flow-into-registry.sh")
                        .toString(),
                "--registry-url",
                registryUrl,
                flowFile.toString()));
        return JSON.readTree(output.lines()
                .filter(line -> line.startsWith("{"))
                .reduce((first, last) -> last)
                .orElseThrow(
                        () -> new AssertionError("import-flow-into-registry.sh printed no coordinates: " + output)));
    }

    /** What docker compose's flow-deployer runs (deploy/init/deploy-flow.sh), less the parameters it sets. */
    private static String deploy(final JsonNode coordinates) {
        return DeployedFlow.runDeployScript(
                NIFI,
                "deploy-registry-flow-to-nifi.sh",
                List.of(
                        "--registry-url",
                        registryUrl,
                        "--bucket-id",
                        coordinates.path("bucketId").asText(),
                        "--flow-id",
                        coordinates.path("flowId").asText(),
                        "--version",
                        coordinates.path("version").asText(),
                        "--group-name",
                        DeployedFlow.GROUP_NAME,
                        "--former-group-name",
                        FORMER_GROUP_NAME));
    }

    /** The group holds its version as the registry has it; else the failure shows NiFi's list of local changes. */
    private static void assertUpToDate(final JsonNode group) {
        assertThat(group.at("/component/versionControlInformation/state").asText())
                .as(
                        "state of %s; NiFi's local modifications: %s",
                        group.at("/component/name").asText(),
                        NIFI.client().get("/process-groups/" + group.path("id").asText() + "/local-modifications"))
                .isEqualTo("UP_TO_DATE");
    }

    private static List<JsonNode> groups() {
        final NiFiClient nifi = NIFI.client();
        return NiFiClient.list(nifi.groupFlow(nifi.rootGroupId()).path("processGroups"));
    }

    private static JsonNode group() {
        return groups().stream()
                .filter(group -> group.at("/component/name").asText().equals(DeployedFlow.GROUP_NAME))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no group " + DeployedFlow.GROUP_NAME));
    }

    private static String parameterValue(final String groupId, final String name) {
        final String contextId = NIFI.client()
                .processGroup(groupId)
                .at("/component/parameterContext/id")
                .asText();
        return NiFiClient.list(NIFI.client().parameterContext(contextId).at("/component/parameters")).stream()
                .filter(parameter -> parameter.at("/parameter/name").asText().equals(name))
                .map(parameter -> parameter.at("/parameter/value").asText())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no parameter " + name + " in context " + contextId));
    }

    /**
     * Runs a command to its end and returns its output. The output goes through a file, not a pipe: {@code
     * nifi-registry.sh start} leaves the registry running in the background with the pipe open, so reading a pipe to
     * its end would never return.
     */
    private static String run(final List<String> command) throws IOException, InterruptedException {
        final Path output = Files.createTempFile("registry-versioning-", ".out");
        try {
            final Process process = new ProcessBuilder(new ArrayList<>(command))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            final boolean finished = process.waitFor(5, TimeUnit.MINUTES);
            if (!finished) {
                process.destroyForcibly();
            }
            final String text = Files.readString(output);
            if (!finished || process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command)
                        + (finished ? " failed: " : " did not finish within 5 minutes: ")
                        + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
