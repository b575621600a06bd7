package io.snowstream.nifi.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The deploy scripts against a real NiFi, over HTTPS with single-user login as in docker compose: the flow uploaded
 * with its default parameters shows nothing invalid but what waits for the Snowflake settings (and the failure ports,
 * which NiFi marks invalid until they are connected outside the group, as the canvas Label says); a second run with
 * parameters changes them without a second copy; and the registry script creates NiFi's registry client with the
 * bodies NiFi accepts, when the installation has NiFi's registry client NAR (the apache/nifi image does; a
 * minimal build may not: the test then says so and is skipped). No NiFi Registry runs here, so the import from it and
 * the version update are proven against the stub of NiFi's API only (flows/ RegistryFlowDeployScriptTest); here
 * NiFi's own refusal to import from an unreachable registry is what the script passes on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployScriptsSystemTest {

    @RegisterExtension
    static final NiFiInstance NIFI = NiFiInstance.httpsSingleUser();

    private static final List<String> FAILURE_PORTS =
            List.of(DeployedFlow.FAILED_S3, DeployedFlow.UNREADABLE, DeployedFlow.FAILED_LOADS);

    @Test
    @Order(1)
    void withDefaultParametersOnlyWhatWaitsForSnowflakeIsNotValid() {
        NarLoads.awaitProcessorTypes(NIFI.client());
        final DeployedFlow flow = DeployedFlow.upload(NIFI);
        // NiFi validates components in the background after an upload: read the outcome, not the work in progress
        final JsonNode group = Await.until(
                "NiFi to finish validating the uploaded group",
                Duration.ofMinutes(3),
                () -> NIFI.client().groupFlow(flow.groupId()),
                flowOfGroup -> NiFiClient.list(flowOfGroup.path("processors")).stream()
                        .noneMatch(processor -> processor
                                        .path("component")
                                        .path("validationStatus")
                                        .asText()
                                        .equals("VALIDATING")
                                && !processor
                                        .path("component")
                                        .path("state")
                                        .asText()
                                        .equals("DISABLED")));

        final Map<String, String> processors = new TreeMap<>();
        for (final JsonNode processor : group.path("processors")) {
            final JsonNode component = processor.path("component");
            processors.put(
                    component.path("name").asText(),
                    component.path("state").asText() + " "
                            + component.path("validationStatus").asText() + " " + component.path("validationErrors"));
        }
        System.out.println("[deploy scripts] processors after upload with default parameters: " + processors);
        for (final String name : List.of(
                DeployedFlow.GENERATE, DeployedFlow.VALIDATE, DeployedFlow.PUT_BATCHES, DeployedFlow.PUT_QUARANTINE)) {
            assertThat(processors.get(name)).as(name).startsWith("STOPPED VALID");
        }
        assertThat(processors.get(DeployedFlow.TRIGGER))
                .as("waits for the Snowflake parameters")
                .startsWith("DISABLED");
        final JsonNode service =
                NIFI.client().controllerServices(flow.groupId()).getFirst().path("component");
        assertThat(service.path("name").asText()).isEqualTo(DeployedFlow.SNOWFLAKE_SERVICE);
        assertThat(service.path("state").asText())
                .as("waits for the Snowflake parameters")
                .isEqualTo("DISABLED");

        final Map<String, List<String>> portErrors = new TreeMap<>();
        for (final JsonNode port : group.path("outputPorts")) {
            portErrors.put(
                    port.path("component").path("name").asText(),
                    NiFiClient.list(port.path("component").path("validationErrors")).stream()
                            .map(JsonNode::asText)
                            .toList());
        }
        System.out.println("[deploy scripts] output ports' validation errors: " + portErrors);
        assertThat(portErrors.keySet()).containsExactlyInAnyOrderElementsOf(FAILURE_PORTS);
        assertThat(portErrors.values())
                .as("the one reason the canvas Label explains")
                .allSatisfy(errors ->
                        assertThat(errors).singleElement().asString().contains("Port has no outgoing connections"));

        final List<String> labels = NiFiClient.list(group.path("labels")).stream()
                .map(label -> label.path("component").path("label").asText())
                .toList();
        assertThat(labels)
                .anySatisfy(label -> assertThat(label).contains("snowflake.private.key"))
                .anySatisfy(label -> assertThat(label).contains("Port has no outgoing connections"));
        assertThat(NIFI.errorLines()).as("ERROR lines in logs/nifi-app.log").isEmpty();
    }

    @Test
    @Order(2)
    void aSecondRunSetsParametersAndMakesNoSecondCopy() {
        final String output = DeployedFlow.runDeployScript(
                NIFI,
                "upload-flow-to-nifi.sh",
                List.of(
                        "--parameter",
                        "s3.endpoint=http://minio:9000",
                        "--parameter",
                        "s3.path.style.access=true",
                        "--parameter",
                        "s3.bucket=snowstream",
                        DeployedFlow.FLOW_FILE.toString()));

        final NiFiClient nifi = NIFI.client();
        final List<JsonNode> groups =
                NiFiClient.list(nifi.groupFlow(nifi.rootGroupId()).path("processGroups"));
        assertThat(groups)
                .as(output)
                .singleElement()
                .satisfies(
                        group -> assertThat(group.path("component").path("name").asText())
                                .isEqualTo(DeployedFlow.GROUP_NAME));
        final String contextId = nifi.processGroup(groups.getFirst().path("id").asText())
                .path("component")
                .path("parameterContext")
                .path("id")
                .asText();
        final Map<String, String> values = new HashMap<>();
        for (final JsonNode parameter :
                nifi.parameterContext(contextId).path("component").path("parameters")) {
            values.put(
                    parameter.path("parameter").path("name").asText(),
                    parameter.path("parameter").path("value").asText(null));
        }
        assertThat(values)
                .containsEntry("s3.endpoint", "http://minio:9000")
                .containsEntry("s3.path.style.access", "true")
                .containsEntry("s3.bucket", "snowstream");
        assertThat(output).contains("set parameters s3.endpoint, s3.path.style.access");

        final String again = DeployedFlow.runDeployScript(
                NIFI,
                "upload-flow-to-nifi.sh",
                List.of(
                        "--parameter",
                        "s3.endpoint=http://minio:9000",
                        "--parameter",
                        "s3.endpoint=",
                        DeployedFlow.FLOW_FILE.toString()));
        assertThat(again).contains("set parameters s3.endpoint");
        assertThat(nifi.parameterContext(contextId).path("component").path("parameters"))
                .anySatisfy(parameter -> {
                    assertThat(parameter.path("parameter").path("name").asText())
                            .isEqualTo("s3.endpoint");
                    assertThat(parameter.path("parameter").path("value").asText(null))
                            .as("NAME= leaves the parameter without value")
                            .isNull();
                });
    }

    @Test
    @Order(3)
    void theRegistryScriptCreatesNiFisRegistryClientOnceAndPassesOnNiFisRefusal() {
        final String registryUrl = "http://127.0.0.1:9";
        final List<String> arguments = List.of(
                "--registry-url",
                registryUrl,
                "--bucket-id",
                "b-1",
                "--flow-id",
                "f-1",
                "--version",
                "1",
                "--group-name",
                "customer-stream-from-registry");

        final boolean clientTypeInstalled =
                NiFiClient.list(NIFI.client().get("/controller/registry-types").path("flowRegistryClientTypes"))
                        .stream()
                        .anyMatch(type -> type.path("type")
                                .asText()
                                .equals("org.apache.nifi.registry.flow.NifiRegistryFlowRegistryClient"));
        final DeployedFlow.ScriptResult first =
                DeployedFlow.tryDeployScript(NIFI, "deploy-registry-flow-to-nifi.sh", arguments);
        System.out.println("[deploy scripts] registry script against an unreachable registry: " + first.output());
        if (!clientTypeInstalled) {
            assertThat(first.exitCode()).isNotZero();
            assertThat(first.output())
                    .contains("creating the registry client 'NiFi Registry' failed: HTTP 409")
                    .contains("is not known to this NiFi instance");
            Assumptions.abort(
                    "this NiFi installation has no nifi-flow-registry-client-nar (the apache/nifi image has it):"
                            + " NiFi's registry client, the import from the registry and the version update are proven against"
                            + " the stub of NiFi's API only (RegistryFlowDeployScriptTest)");
        }
        final DeployedFlow.ScriptResult second =
                DeployedFlow.tryDeployScript(NIFI, "deploy-registry-flow-to-nifi.sh", arguments);

        final List<JsonNode> clients =
                NiFiClient.list(NIFI.client().get("/flow/registries").path("registries"));
        assertThat(clients).as(first.output()).singleElement().satisfies(client -> {
            assertThat(client.path("component").path("name").asText()).isEqualTo("NiFi Registry");
            assertThat(client.path("component").path("type").asText())
                    .isEqualTo("org.apache.nifi.registry.flow.NifiRegistryFlowRegistryClient");
            assertThat(client.path("component").path("properties").path("url").asText())
                    .isEqualTo(registryUrl);
        });
        assertThat(first.output()).contains("created registry client 'NiFi Registry'");
        assertThat(first.exitCode())
                .as("NiFi cannot fetch the flow from an unreachable registry")
                .isNotZero();
        assertThat(first.output()).contains("importing version 1 of flow f-1").contains("failed: HTTP");
        assertThat(second.output()).doesNotContain("created registry client");
        final List<JsonNode> groups = NiFiClient.list(
                NIFI.client().groupFlow(NIFI.client().rootGroupId()).path("processGroups"));
        assertThat(groups).as("nothing imported").hasSize(1);
    }
}
