package io.snowstream.nifi.flows.deploy;

import static io.snowstream.nifi.flows.deploy.DeployScripts.REGISTRY_IMPORT;
import static io.snowstream.nifi.flows.deploy.DeployScripts.fixtureFlow;
import static io.snowstream.nifi.flows.deploy.DeployScripts.fixtureFlowText;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

class RegistryImportScriptTest {

    private static final String API = "/nifi-registry-api";
    private static final String BUCKETS = API + "/buckets";
    private static final String FLOWS = BUCKETS + "/b-1/flows";
    private static final String FLOW = FLOWS + "/f-1";
    private static final String EXISTING_BUCKETS = """
            [{"identifier": "b-0", "name": "other"}, {"identifier": "b-1", "name": "snowstream"}]""";
    private static final String EXISTING_FLOWS = """
            [{"identifier": "f-1", "name": "customer-stream-to-snowflake", "bucketIdentifier": "b-1"}]""";
    private static final String IMPORTED_VERSION_2 = """
            {"snapshotMetadata": {"version": 2}}""";

    private final ObjectMapper json = new ObjectMapper();
    private HttpStub registry;

    @BeforeEach
    void startRegistry() throws IOException {
        registry = new HttpStub();
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    private ScriptRun importFixture(final String... extraArguments) {
        final String[] arguments = new String[extraArguments.length + 5];
        arguments[0] = "--registry-url";
        arguments[1] = registry.url();
        arguments[2] = "--bucket";
        arguments[3] = "snowstream";
        System.arraycopy(extraArguments, 0, arguments, 4, extraArguments.length);
        arguments[arguments.length - 1] = fixtureFlow().toString();
        return ScriptRun.run(REGISTRY_IMPORT, Map.of(), arguments);
    }

    @Test
    void createsTheBucketAndTheFlowWhenMissingThenImportsTheFirstVersion() throws IOException {
        registry.on("GET", BUCKETS, 200, "[]")
                .on("POST", BUCKETS, 200, "{\"identifier\": \"b-1\", \"name\": \"snowstream\"}")
                .on("GET", FLOWS, 200, "[]")
                .on("POST", FLOWS, 200, "{\"identifier\": \"f-1\", \"name\": \"customer-stream-to-snowflake\"}")
                .on("GET", FLOW + "/versions/latest", 404, "text/plain", "The specified flow ID has no versions")
                .on("POST", FLOW + "/versions/import", 201, "{\"snapshotMetadata\": {\"version\": 1}}");

        final ScriptRun run = importFixture("--comment", "first import");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(registry.requestLines())
                .containsExactly(
                        "GET " + BUCKETS,
                        "POST " + BUCKETS,
                        "GET " + FLOWS,
                        "POST " + FLOWS,
                        "GET " + FLOW + "/versions/latest",
                        "POST " + FLOW + "/versions/import");

        final HttpStub.Request createBucket = registry.request("POST", BUCKETS);
        assertThat(createBucket.header("Content-Type")).isEqualTo("application/json");
        assertThat(json.readTree(createBucket.body()).get("name").asText()).isEqualTo("snowstream");

        final JsonNode createFlow =
                json.readTree(registry.request("POST", FLOWS).body());
        assertThat(createFlow.get("name").asText())
                .as("flow name defaults to the file name")
                .isEqualTo("customer-stream-to-snowflake");

        final HttpStub.Request importVersion = registry.request("POST", FLOW + "/versions/import");
        assertThat(importVersion.header("Content-Type")).isEqualTo("application/json");
        assertThat(importVersion.header("Comments")).isEqualTo("first import");
        assertThat(importVersion.bodyText()).as("the flow file, byte for byte").isEqualTo(fixtureFlowText());
        assertThat(run.stderr()).contains("version 1 of snowstream/customer-stream-to-snowflake");
    }

    @Test
    void reusesTheExistingBucketAndFlowAndImportsAChangedFlowAsANewVersion() throws IOException {
        registry.on("GET", BUCKETS, 200, EXISTING_BUCKETS)
                .on("GET", FLOWS, 200, EXISTING_FLOWS)
                .on("GET", FLOW + "/versions/latest", 200, latestVersionHolding("{\"name\": \"an older flow\"}"))
                .on("POST", FLOW + "/versions/import", 201, IMPORTED_VERSION_2);

        final ScriptRun run = importFixture();

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(registry.requestLines())
                .containsExactly(
                        "GET " + BUCKETS,
                        "GET " + FLOWS,
                        "GET " + FLOW + "/versions/latest",
                        "POST " + FLOW + "/versions/import");
        assertThat(registry.request("POST", FLOW + "/versions/import").header("Comments"))
                .as("a default comment says where the version came from")
                .contains("customer-stream-to-snowflake.json");
        assertThat(run.stderr()).contains("as version 2");
    }

    @Test
    void importsNothingWhenTheLatestVersionHoldsTheSameFlowAsTheRegistryWritesIt() throws IOException {
        registry.on("GET", BUCKETS, 200, EXISTING_BUCKETS)
                .on("GET", FLOWS, 200, EXISTING_FLOWS)
                .on(
                        "GET",
                        FLOW + "/versions/latest",
                        200,
                        json.writeValueAsString(asTheRegistryWritesIt(json.readTree(fixtureFlowText()))));

        final ScriptRun run = importFixture();

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(registry.requestLines()).doesNotContain("POST " + FLOW + "/versions/import");
        assertThat(run.stderr()).contains("up to date at version 7");
        assertThat(json.readTree(run.stdout()))
                .as("the coordinates of the version that holds the flow")
                .isEqualTo(json.readTree("{\"bucketId\": \"b-1\", \"flowId\": \"f-1\", \"version\": \"7\"}"));
    }

    @Test
    void importsAChangedParameterDefaultAsANewVersion() throws IOException {
        final JsonNode registryVersion = asTheRegistryWritesIt(json.readTree(fixtureFlowText()));
        final JsonNode parameter = registryVersion.findValue("parameters").get(0);
        ((ObjectNode) parameter)
                .put("value", "an older default of " + parameter.get("name").asText());
        registry.on("GET", BUCKETS, 200, EXISTING_BUCKETS)
                .on("GET", FLOWS, 200, EXISTING_FLOWS)
                .on("GET", FLOW + "/versions/latest", 200, json.writeValueAsString(registryVersion))
                .on("POST", FLOW + "/versions/import", 201, IMPORTED_VERSION_2);

        final ScriptRun run = importFixture();

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(registry.requestLines()).contains("POST " + FLOW + "/versions/import");
        assertThat(json.readTree(run.stdout()).get("version").asText()).isEqualTo("2");
    }

    @Test
    void importsAChangedOrderOfConnectionBendsAsANewVersion() throws IOException {
        final ObjectNode registryVersion = asTheRegistryWritesIt(json.readTree(fixtureFlowText()));
        boolean reordered = false;
        for (final JsonNode connection : registryVersion.get("flowContents").get("connections")) {
            final ArrayNode bends = (ArrayNode) connection.get("bends");
            if (bends != null && bends.size() > 1) {
                final List<JsonNode> reversed = new ArrayList<>();
                bends.forEach(reversed::add);
                bends.removeAll().addAll(reversed.reversed());
                reordered = true;
            }
        }
        assertThat(reordered).as("the fixture has a connection with bends").isTrue();
        registry.on("GET", BUCKETS, 200, EXISTING_BUCKETS)
                .on("GET", FLOWS, 200, EXISTING_FLOWS)
                .on("GET", FLOW + "/versions/latest", 200, json.writeValueAsString(registryVersion))
                .on("POST", FLOW + "/versions/import", 201, IMPORTED_VERSION_2);

        final ScriptRun run = importFixture();

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(registry.requestLines())
                .as("the order of bends draws another line")
                .contains("POST " + FLOW + "/versions/import");
    }

    /**
     * The flow as NiFi Registry answers it: version metadata added, keys in reverse order, null fields added, empty
     * arrays dropped, and every array of the model's sets (components, relationships, parameters) in reverse order.
     */
    private ObjectNode asTheRegistryWritesIt(final JsonNode flow) {
        final ObjectNode written = (ObjectNode) rewritten(flow, null);
        written.putObject("snapshotMetadata")
                .put("version", 7)
                .put("bucketIdentifier", "b-1")
                .put("flowIdentifier", "f-1");
        return written;
    }

    private JsonNode rewritten(final JsonNode node, final String key) {
        if (node.isObject()) {
            final List<String> keys = new ArrayList<>();
            node.fieldNames().forEachRemaining(keys::add);
            final ObjectNode object = json.createObjectNode();
            for (final String field : keys.reversed()) {
                final JsonNode value = node.get(field);
                if (!(value.isArray() && value.isEmpty())) {
                    object.set(field, rewritten(value, field));
                }
            }
            object.putNull("versionedFlowCoordinates");
            return object;
        }
        if (node.isArray()) {
            final List<JsonNode> items = new ArrayList<>();
            node.forEach(item -> items.add(rewritten(item, null)));
            final ArrayNode array = json.createArrayNode();
            array.addAll("bends".equals(key) ? items : items.reversed());
            return array;
        }
        return node;
    }

    @Test
    void usesTheBucketThatAnotherClientCreatedWhenTheRegistryAnswersConflict() {
        registry.on("GET", BUCKETS, 200, "[]")
                .on("GET", BUCKETS, 200, EXISTING_BUCKETS)
                .on("POST", BUCKETS, 409, "text/plain", "A bucket with the same name already exists")
                .on("GET", FLOWS, 200, EXISTING_FLOWS)
                .on("GET", FLOW + "/versions/latest", 404, "text/plain", "no versions")
                .on("POST", FLOW + "/versions/import", 201, IMPORTED_VERSION_2);

        final ScriptRun run = importFixture();

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(registry.requestLines())
                .containsExactly(
                        "GET " + BUCKETS,
                        "POST " + BUCKETS,
                        "GET " + BUCKETS,
                        "GET " + FLOWS,
                        "GET " + FLOW + "/versions/latest",
                        "POST " + FLOW + "/versions/import");
    }

    @Test
    void stopsWhenTheRegistryReportsAConflictButListsNoSuchBucket() {
        registry.on("GET", BUCKETS, 200, "[]").on("POST", BUCKETS, 409, "text/plain", "conflict");

        final ScriptRun run = importFixture();

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("HTTP 409, yet the registry lists no bucket of that name");
        assertThat(registry.requestLines()).containsExactly("GET " + BUCKETS, "POST " + BUCKETS, "GET " + BUCKETS);
    }

    @Test
    void stopsWithTheRegistryMessageWhenTheImportConflicts() {
        registry.on("GET", BUCKETS, 200, EXISTING_BUCKETS)
                .on("GET", FLOWS, 200, EXISTING_FLOWS)
                .on("GET", FLOW + "/versions/latest", 404, "text/plain", "no versions")
                .on("POST", FLOW + "/versions/import", 409, "text/plain", "Flow version 1 already exists");

        final ScriptRun run = importFixture();

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("HTTP 409").contains("Flow version 1 already exists");
    }

    @Test
    void stopsAtTheFirstRequestWhenTheRegistryRequiresAuthentication() {
        registry.on("GET", BUCKETS, 401, "text/plain", "Unauthorized");

        final ScriptRun run = importFixture();

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("listing").contains("HTTP 401").contains("Unauthorized");
        assertThat(registry.requestLines()).containsExactly("GET " + BUCKETS);
    }

    @Test
    void stopsOnAnUnexpectedAnswerInsteadOfImportingBlindly() {
        registry.on("GET", BUCKETS, 200, EXISTING_BUCKETS)
                .on("GET", FLOWS, 200, EXISTING_FLOWS)
                .on("GET", FLOW + "/versions/latest", 503, "text/plain", "Service Unavailable");

        final ScriptRun run = importFixture();

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("HTTP 503");
        assertThat(registry.requestLines()).doesNotContain("POST " + FLOW + "/versions/import");
    }

    @Test
    void explainsAnUnreachableRegistry() throws IOException {
        final ScriptRun run = ScriptRun.run(
                REGISTRY_IMPORT,
                Map.of(),
                "--registry-url",
                DeployScripts.unreachableUrl("http"),
                fixtureFlow().toString());

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("cannot reach").contains("/nifi-registry-api/buckets");
    }

    @Test
    void readsTheRegistryUrlFromTheEnvironment() {
        registry.on("GET", BUCKETS, 401, "text/plain", "Unauthorized");

        ScriptRun.run(
                REGISTRY_IMPORT,
                Map.of("NIFI_REGISTRY_URL", registry.url()),
                fixtureFlow().toString());

        assertThat(registry.requestLines()).containsExactly("GET " + BUCKETS);
    }

    @Test
    void refusesAFileThatIsNotAFlowDefinitionBeforeAnyRequest(@TempDir final Path directory) throws IOException {
        final Path notAFlow = Files.writeString(directory.resolve("flow.json"), "{\"processors\": []}");

        final ScriptRun run =
                ScriptRun.run(REGISTRY_IMPORT, Map.of(), "--registry-url", registry.url(), notAFlow.toString());

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("is not a NiFi flow definition");
        assertThat(registry.requests()).isEmpty();
    }

    @Test
    void defaultsToTheOneFlowOfTheRepositoryAndNamesBucketAndFlowAfterItsPath(@TempDir final Path root)
            throws IOException {
        final Path scripts = DeployScripts.copyScriptsInto(root);
        DeployScripts.placeFlow(root, "snowstream", "customer-stream-to-snowflake.json");
        registry.on("GET", BUCKETS, 200, EXISTING_BUCKETS)
                .on("GET", FLOWS, 200, EXISTING_FLOWS)
                .on("GET", FLOW + "/versions/latest", 404, "text/plain", "no versions")
                .on("POST", FLOW + "/versions/import", 201, IMPORTED_VERSION_2);

        final ScriptRun run = ScriptRun.run(
                scripts.resolve("import-flow-into-registry.sh"), Map.of(), "--registry-url", registry.url());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(registry.request("POST", FLOW + "/versions/import").bodyText())
                .isEqualTo(fixtureFlowText());
    }

    @Test
    void refusesToGuessBetweenSeveralFlows(@TempDir final Path root) throws IOException {
        final Path scripts = DeployScripts.copyScriptsInto(root);
        DeployScripts.placeFlow(root, "snowstream", "customer-stream-to-snowflake.json");
        DeployScripts.placeFlow(root, "snowstream", "another-flow.json");

        final ScriptRun run = ScriptRun.run(
                scripts.resolve("import-flow-into-registry.sh"), Map.of(), "--registry-url", registry.url());

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("several flow definitions").contains("pass the one to deploy");
        assertThat(registry.requests()).isEmpty();
    }

    @Test
    void saysWhereItLookedWhenThereIsNoFlowYet(@TempDir final Path root) throws IOException {
        final Path scripts = DeployScripts.copyScriptsInto(root);

        final ScriptRun run = ScriptRun.run(
                scripts.resolve("import-flow-into-registry.sh"), Map.of(), "--registry-url", registry.url());

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("no flow definition found under").contains("flows/<bucket>/<flow>.json");
    }

    private String latestVersionHolding(final String flowContents) {
        return "{\"snapshotMetadata\": {\"version\": 7}, \"flowContents\": " + flowContents + "}";
    }
}
