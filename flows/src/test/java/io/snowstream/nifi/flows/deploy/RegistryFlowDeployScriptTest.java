package io.snowstream.nifi.flows.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy-registry-flow-to-nifi.sh against a stub of NiFi's REST API (emulated: the answers are NiFi 2.8's shapes,
 * scripted): the registry client, the import under version control, the version update through NiFi's own update
 * request, and the parameters docker compose sets.
 */
class RegistryFlowDeployScriptTest {

    private static final Path SCRIPT = DeployScripts.SCRIPTS.resolve("deploy-registry-flow-to-nifi.sh");
    private static final String REGISTRY_URL = "http://nifi-registry:18080";
    private static final String TOKEN = "eyJhbGciOiJQUzUxMiJ9.registry-deploy.signature";
    private static final String API = "/nifi-api";
    private static final String CLIENTS = API + "/flow/registries";
    private static final String CREATE_CLIENT = API + "/controller/registry-clients";
    private static final String ROOT_FLOW = API + "/flow/process-groups/root";
    private static final String CREATE_GROUP = API + "/process-groups/root-1/process-groups";
    private static final String GROUP = API + "/process-groups/pg-1";
    private static final String CONTEXT = API + "/parameter-contexts/ctx-1";
    private static final String UPDATE_VERSION = API + "/versions/update-requests/process-groups/pg-1";
    private static final String CLIENT = """
            {"registries": [{"id": "rc-1", "component": {"id": "rc-1", "name": "NiFi Registry",
                "type": "org.apache.nifi.registry.flow.NifiRegistryFlowRegistryClient", "properties": {"url": "%s"}}}]}""";
    private static final String GROUP_ENTITY = """
            {"id": "pg-1", "revision": {"version": 12, "clientId": "c"},
             "component": {"id": "pg-1", "name": "customer-stream-to-snowflake", "parameterContext": {"id": "ctx-1"}}}""";
    private static final String CONTEXT_ENTITY = """
            {"id": "ctx-1", "revision": {"version": 3},
             "component": {"id": "ctx-1", "name": "Customer stream to Snowflake", "parameters": [
                {"parameter": {"name": "s3.bucket", "sensitive": false, "value": "snowstream"}},
                {"parameter": {"name": "s3.endpoint", "sensitive": false, "value": null}},
                {"parameter": {"name": "s3.path.style.access", "sensitive": false, "value": "false"}},
                {"parameter": {"name": "snowflake.private.key", "sensitive": true, "value": "********"}}]}}""";

    private final ObjectMapper json = new ObjectMapper();
    private HttpStub nifi;

    @BeforeEach
    void startNiFi() throws IOException {
        nifi = new HttpStub();
        nifi.on("POST", API + "/access/token", 201, "text/plain", TOKEN);
    }

    @AfterEach
    void stopNiFi() {
        nifi.close();
    }

    private ScriptRun deploy(final String version, final String... extraArguments) {
        final List<String> arguments = new ArrayList<>(List.of(
                "--nifi-url",
                nifi.url(),
                "--registry-url",
                REGISTRY_URL,
                "--bucket-id",
                "b-1",
                "--flow-id",
                "f-1",
                "--version",
                version,
                "--group-name",
                "customer-stream-to-snowflake"));
        arguments.addAll(List.of(extraArguments));
        return ScriptRun.run(
                SCRIPT,
                Map.of("NIFI_USERNAME", "admin", "NIFI_PASSWORD", "deploy-password"),
                arguments.toArray(String[]::new));
    }

    private static String rootHolding(final String groups) {
        return "{\"processGroupFlow\": {\"id\": \"root-1\", \"flow\": {\"processGroups\": [" + groups + "]}}}";
    }

    private static String versionedGroup(final String version, final String state) {
        return """
                {"id": "pg-1", "component": {"id": "pg-1", "name": "customer-stream-to-snowflake",
                  "versionControlInformation": {"groupId": "pg-1", "registryId": "rc-1", "bucketId": "b-1",
                    "flowId": "f-1", "flowName": "customer-stream-to-snowflake", "version": "%s", "state": "%s"}}}""".formatted(version, state);
    }

    private static String updateRequest(final boolean complete, final String failureReason) {
        return "{\"request\": {\"requestId\": \"req-1\", \"complete\": " + complete + ", \"failureReason\": "
                + (failureReason == null ? "null" : "\"" + failureReason + "\"") + "}}";
    }

    @Test
    void createsTheRegistryClientImportsTheFlowUnderVersionControlAndSetsTheComposeParameters() throws IOException {
        nifi.on("GET", CLIENTS, 200, "{\"registries\": []}")
                .on("POST", CREATE_CLIENT, 201, "{\"id\": \"rc-9\"}")
                .on("GET", ROOT_FLOW, 200, rootHolding(""))
                .on("POST", CREATE_GROUP, 201, GROUP_ENTITY)
                .on("GET", GROUP, 200, GROUP_ENTITY)
                .on("GET", CONTEXT, 200, CONTEXT_ENTITY)
                .on("POST", CONTEXT + "/update-requests", 200, updateRequest(false, null))
                .on("GET", CONTEXT + "/update-requests/req-1", 200, updateRequest(false, null))
                .on("GET", CONTEXT + "/update-requests/req-1", 200, updateRequest(true, null))
                .on("DELETE", CONTEXT + "/update-requests/req-1", 200, updateRequest(true, null));

        final ScriptRun run = deploy(
                "1",
                "--parameter",
                "s3.endpoint=http://minio:9000",
                "--parameter",
                "s3.path.style.access=true",
                "--parameter",
                "s3.bucket=snowstream");

        assertThat(run.exitCode()).as(run.output()).isZero();
        final JsonNode client =
                json.readTree(nifi.request("POST", CREATE_CLIENT).body());
        assertThat(client.at("/component/type").asText())
                .isEqualTo("org.apache.nifi.registry.flow.NifiRegistryFlowRegistryClient");
        assertThat(client.at("/component/properties/url").asText()).isEqualTo(REGISTRY_URL);
        assertThat(client.at("/revision/version").asInt()).isZero();

        final JsonNode group = json.readTree(nifi.request("POST", CREATE_GROUP).body());
        assertThat(group.at("/component/versionControlInformation"))
                .isEqualTo(json.readTree(
                        "{\"registryId\": \"rc-9\", \"bucketId\": \"b-1\", \"flowId\": \"f-1\", \"version\": \"1\"}"));
        assertThat(group.at("/component/name").asText()).isEqualTo("customer-stream-to-snowflake");
        assertThat(group.at("/revision/version").asInt()).isZero();

        final JsonNode parameters =
                json.readTree(nifi.request("POST", CONTEXT + "/update-requests").body());
        assertThat(parameters.at("/revision/version").asInt())
                .as("the context's own revision")
                .isEqualTo(3);
        assertThat(parameters.at("/component/parameters"))
                .as("only the parameters whose value changes")
                .isEqualTo(json.readTree("""
                [{"parameter": {"name": "s3.endpoint", "sensitive": false, "value": "http://minio:9000"}},
                 {"parameter": {"name": "s3.path.style.access", "sensitive": false, "value": "true"}}]"""));
        assertThat(nifi.requestLines())
                .endsWith(
                        "GET " + CONTEXT + "/update-requests/req-1",
                        "GET " + CONTEXT + "/update-requests/req-1",
                        "DELETE " + CONTEXT + "/update-requests/req-1");
        assertThat(nifi.request("GET", CLIENTS).header("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(run.output()).doesNotContain("deploy-password").doesNotContain(TOKEN);
    }

    @Test
    void removesAParameterValueTheWayNiFiRequires() throws IOException {
        nifi.on("GET", CLIENTS, 200, CLIENT.formatted(REGISTRY_URL))
                .on("GET", ROOT_FLOW, 200, rootHolding(versionedGroup("1", "UP_TO_DATE")))
                .on("GET", GROUP, 200, GROUP_ENTITY)
                .on("GET", CONTEXT, 200, CONTEXT_ENTITY)
                .on("POST", CONTEXT + "/update-requests", 200, updateRequest(true, null))
                .on("GET", CONTEXT + "/update-requests/req-1", 200, updateRequest(true, null))
                .on("DELETE", CONTEXT + "/update-requests/req-1", 200, updateRequest(true, null));

        final ScriptRun run = deploy("1", "--parameter", "s3.bucket=");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(json.readTree(nifi.request("POST", CONTEXT + "/update-requests")
                                .body())
                        .at("/component/parameters"))
                .as("a null value alone means 'unchanged' to NiFi")
                .isEqualTo(json.readTree("""
                        [{"parameter": {"name": "s3.bucket", "sensitive": false, "value": null, "valueRemoved": true}}]"""));
    }

    @Test
    void movesAGroupAtAnOlderVersionWithNiFisVersionUpdateRequest() throws IOException {
        nifi.on("GET", CLIENTS, 200, CLIENT.formatted(REGISTRY_URL))
                .on("GET", ROOT_FLOW, 200, rootHolding(versionedGroup("1", "STALE")))
                .on("GET", GROUP, 200, GROUP_ENTITY)
                .on("POST", UPDATE_VERSION, 200, updateRequest(false, null))
                .on("GET", API + "/versions/update-requests/req-1", 200, updateRequest(false, null))
                .on("GET", API + "/versions/update-requests/req-1", 200, updateRequest(true, null))
                .on("DELETE", API + "/versions/update-requests/req-1", 200, updateRequest(true, null));

        final ScriptRun run = deploy("2");

        assertThat(run.exitCode()).as(run.output()).isZero();
        final JsonNode update =
                json.readTree(nifi.request("POST", UPDATE_VERSION).body());
        assertThat(update.at("/processGroupRevision/version").asInt())
                .as("the group's current revision")
                .isEqualTo(12);
        assertThat(update.at("/versionControlInformation")).isEqualTo(json.readTree("""
                {"groupId": "pg-1", "registryId": "rc-1", "bucketId": "b-1", "flowId": "f-1", "version": "2"}"""));
        assertThat(nifi.requestLines())
                .doesNotContain("POST " + CREATE_CLIENT, "POST " + CREATE_GROUP)
                .endsWith("DELETE " + API + "/versions/update-requests/req-1");
        assertThat(run.stderr()).contains("from version 1 to 2");
    }

    @Test
    void leavesAGroupAtTheVersionAloneEvenWhenItWasRenamed() {
        nifi.on("GET", CLIENTS, 200, CLIENT.formatted(REGISTRY_URL))
                .on(
                        "GET",
                        ROOT_FLOW,
                        200,
                        rootHolding(versionedGroup("3", "UP_TO_DATE")
                                .replace(
                                        "\"name\": \"customer-stream-to-snowflake\"",
                                        "\"name\": \"Customers (production)\"")));

        final ScriptRun run = deploy("3");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(nifi.requestLines())
                .containsExactly("POST " + API + "/access/token", "GET " + CLIENTS, "GET " + ROOT_FLOW);
        assertThat(run.stderr()).contains("at version 3 already");
    }

    @Test
    void refusesToMoveAGroupWithLocalChangesAndSaysWhatToDo() {
        nifi.on("GET", CLIENTS, 200, CLIENT.formatted(REGISTRY_URL))
                .on("GET", ROOT_FLOW, 200, rootHolding(versionedGroup("1", "LOCALLY_MODIFIED_AND_STALE")));

        final ScriptRun run = deploy("2");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("has local changes").contains("Commit or revert them");
        assertThat(nifi.requestLines()).doesNotContain("POST " + UPDATE_VERSION);
    }

    @Test
    void passesOnNiFisReasonWhenTheVersionUpdateFails() {
        nifi.on("GET", CLIENTS, 200, CLIENT.formatted(REGISTRY_URL))
                .on("GET", ROOT_FLOW, 200, rootHolding(versionedGroup("1", "STALE")))
                .on("GET", GROUP, 200, GROUP_ENTITY)
                .on("POST", UPDATE_VERSION, 200, updateRequest(false, null))
                .on(
                        "GET",
                        API + "/versions/update-requests/req-1",
                        200,
                        updateRequest(true, "Failed to stop Trigger Snowpipe"))
                .on("DELETE", API + "/versions/update-requests/req-1", 200, updateRequest(true, null));

        final ScriptRun run = deploy("2");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("Failed to stop Trigger Snowpipe");
        assertThat(nifi.requestLines())
                .as("the finished request is deleted all the same")
                .endsWith("DELETE " + API + "/versions/update-requests/req-1");
    }

    @Test
    void leavesAnUploadedGroupOfTheSameNameAloneInsteadOfMakingASecondCopy() {
        nifi.on("GET", CLIENTS, 200, CLIENT.formatted(REGISTRY_URL))
                .on(
                        "GET",
                        ROOT_FLOW,
                        200,
                        rootHolding(
                                "{\"id\": \"pg-7\", \"component\": {\"id\": \"pg-7\", \"name\": \"customer-stream-to-snowflake\"}}"));

        final ScriptRun run = deploy("2");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(nifi.requestLines()).doesNotContain("POST " + CREATE_GROUP);
        assertThat(run.stderr())
                .contains("is not under version control")
                .contains("stop it, empty its queues, delete it");
    }

    @Test
    void renamesTheGroupAnEarlierDeployerUploadedInsteadOfImportingASecondCopy() throws IOException {
        final String formerGroup = """
                {"id": "pg-7", "revision": {"version": 5},
                 "component": {"id": "pg-7", "name": "Customer stream to Snowflake", "parameterContext": {"id": "ctx-1"}}}""";
        nifi.on("GET", CLIENTS, 200, CLIENT.formatted(REGISTRY_URL))
                .on("GET", ROOT_FLOW, 200, rootHolding(formerGroup))
                .on("GET", API + "/process-groups/pg-7", 200, formerGroup)
                .on(
                        "PUT",
                        API + "/process-groups/pg-7",
                        200,
                        formerGroup
                                .replace("Customer stream to Snowflake", "customer-stream-to-snowflake")
                                .replace("\"version\": 5", "\"version\": 6"));

        final ScriptRun run = deploy("2", "--former-group-name", "Customer stream to Snowflake");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(json.readTree(
                        nifi.request("PUT", API + "/process-groups/pg-7").body()))
                .isEqualTo(json.readTree("""
                {"revision": {"version": 5}, "disconnectedNodeAcknowledged": false,
                 "component": {"id": "pg-7", "name": "customer-stream-to-snowflake"}}"""));
        assertThat(nifi.requestLines()).doesNotContain("POST " + CREATE_GROUP);
        assertThat(run.stderr())
                .contains("renamed process group 'Customer stream to Snowflake' (id pg-7)")
                .contains("process group 'customer-stream-to-snowflake' (id pg-7) is not under version control");
    }

    @Test
    void warnsOfAGroupAnEarlierDeployerUploadedBesideTheVersionedOne() {
        nifi.on("GET", CLIENTS, 200, CLIENT.formatted(REGISTRY_URL))
                .on(
                        "GET",
                        ROOT_FLOW,
                        200,
                        rootHolding(
                                versionedGroup("2", "UP_TO_DATE")
                                        + ", {\"id\": \"pg-7\", \"component\": {\"id\": \"pg-7\", \"name\": \"Customer stream to Snowflake\"}}"));

        final ScriptRun run = deploy("2", "--former-group-name", "Customer stream to Snowflake");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(nifi.requestLines())
                .containsExactly("POST " + API + "/access/token", "GET " + CLIENTS, "GET " + ROOT_FLOW);
        assertThat(run.stderr())
                .contains("warning: process group 'Customer stream to Snowflake' (id pg-7)")
                .contains("stop it, empty its queues and delete it");
    }

    @Test
    void refusesARegistryClientOfThatNameThatPointsElsewhere() {
        nifi.on("GET", CLIENTS, 200, CLIENT.formatted("http://old-registry:18080"));

        final ScriptRun run = deploy("1");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr())
                .contains("points at 'http://old-registry:18080'")
                .contains(REGISTRY_URL);
        assertThat(nifi.requestLines()).containsExactly("POST " + API + "/access/token", "GET " + CLIENTS);
    }

    @Test
    void refusesAParameterTheContextDoesNotHave() {
        nifi.on("GET", CLIENTS, 200, CLIENT.formatted(REGISTRY_URL))
                .on("GET", ROOT_FLOW, 200, rootHolding(versionedGroup("1", "UP_TO_DATE")))
                .on("GET", GROUP, 200, GROUP_ENTITY)
                .on("GET", CONTEXT, 200, CONTEXT_ENTITY);

        final ScriptRun run = deploy("1", "--parameter", "s3.endpiont=http://minio:9000");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("has no parameter s3.endpiont");
        assertThat(nifi.requestLines()).doesNotContain("POST " + CONTEXT + "/update-requests");
    }

    @Test
    void readsTheCredentialsDockerComposeGeneratedFromTheirFile(@TempDir final Path directory) throws IOException {
        final Path credentials = Files.writeString(
                directory.resolve("nifi-client.env"), "NIFI_USERNAME='admin'\nNIFI_PASSWORD='gener'\\''ated'\n");
        nifi.on("GET", CLIENTS, 200, CLIENT.formatted(REGISTRY_URL))
                .on("GET", ROOT_FLOW, 200, rootHolding(versionedGroup("1", "UP_TO_DATE")));

        final ScriptRun run = ScriptRun.run(
                SCRIPT,
                Map.of("NIFI_CREDENTIALS_FILE", credentials.toString()),
                "--nifi-url",
                nifi.url(),
                "--registry-url",
                REGISTRY_URL,
                "--bucket-id",
                "b-1",
                "--flow-id",
                "f-1",
                "--version",
                "1");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(nifi.request("POST", API + "/access/token").bodyText())
                .isEqualTo("username=admin&password=gener%27ated");
    }
}
