package io.snowstream.nifi.flows.deploy;

import static io.snowstream.nifi.flows.deploy.DeployScripts.NIFI_UPLOAD;
import static io.snowstream.nifi.flows.deploy.DeployScripts.fixtureFlow;
import static io.snowstream.nifi.flows.deploy.DeployScripts.fixtureFlowText;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NiFiUploadScriptTest {

    private static final String USERNAME = "admin";
    /** Characters a form encoding must escape, so a naive script would send a different password. */
    private static final String PASSWORD = "s3cret&pass=word+ with spaces%";

    private static final String TOKEN = "eyJhbGciOiJQUzUxMiJ9.test-token.signature";
    private static final String TOKEN_PATH = "/nifi-api/access/token";
    private static final String ROOT_FLOW = "/nifi-api/flow/process-groups/root";
    private static final String UPLOAD = "/nifi-api/process-groups/root-1/process-groups/upload";
    private static final String EMPTY_ROOT = """
            {"processGroupFlow": {"id": "root-1", "flow": {"processGroups": []}}}""";

    private HttpStub nifi;

    @BeforeEach
    void startNiFi() throws IOException {
        nifi = new HttpStub();
    }

    @AfterEach
    void stopNiFi() {
        nifi.close();
    }

    private ScriptRun upload(final String... extraArguments) {
        return upload(Map.of("NIFI_USERNAME", USERNAME, "NIFI_PASSWORD", PASSWORD), extraArguments);
    }

    private ScriptRun upload(final Map<String, String> environment, final String... extraArguments) {
        final List<String> arguments = new ArrayList<>(List.of("--nifi-url", nifi.url()));
        arguments.addAll(List.of(extraArguments));
        arguments.add(fixtureFlow().toString());
        return ScriptRun.run(NIFI_UPLOAD, environment, arguments.toArray(String[]::new));
    }

    private void acceptLogin() {
        nifi.on("POST", TOKEN_PATH, 201, "text/plain", TOKEN);
    }

    @Test
    void logsInThenUploadsTheFlowIntoTheRootGroup() {
        acceptLogin();
        nifi.on("GET", ROOT_FLOW, 200, EMPTY_ROOT)
                .on(
                        "POST",
                        UPLOAD,
                        201,
                        "{\"id\": \"pg-42\", \"component\": {\"name\": \"Customer stream to Snowflake\"}}");

        final ScriptRun run = upload("--position", "120,-40.5");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(nifi.requestLines()).containsExactly("POST " + TOKEN_PATH, "GET " + ROOT_FLOW, "POST " + UPLOAD);

        final HttpStub.Request login = nifi.request("POST", TOKEN_PATH);
        assertThat(login.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(formFields(login.bodyText()))
                .containsExactly(Map.entry("username", USERNAME), Map.entry("password", PASSWORD));

        assertThat(nifi.request("GET", ROOT_FLOW).header("Authorization")).isEqualTo("Bearer " + TOKEN);

        final HttpStub.Request upload = nifi.request("POST", UPLOAD);
        assertThat(upload.header("Authorization")).isEqualTo("Bearer " + TOKEN);
        final Map<String, MultipartForm.Part> form = MultipartForm.parse(upload.header("Content-Type"), upload.body());
        assertThat(form.get("groupName").content())
                .as("the file's name, as NiFi's UI names an upload")
                .isEqualTo("customer-stream-to-snowflake");
        assertThat(form.get("positionX").content()).isEqualTo("120");
        assertThat(form.get("positionY").content()).isEqualTo("-40.5");
        assertThat(form.get("clientId").content()).isNotBlank();
        assertThat(form.get("disconnectedNodeAcknowledged").content()).isEqualTo("false");
        assertThat(form.get("file").fileName()).isEqualTo("customer-stream-to-snowflake.json");
        assertThat(form.get("file").contentType()).isEqualTo("application/json");
        assertThat(form.get("file").content()).isEqualTo(fixtureFlowText());

        assertThat(run.stderr()).contains("pg-42");
        assertThat(run.output()).doesNotContain(PASSWORD).doesNotContain(TOKEN);
    }

    @Test
    void uploadsIntoTheGivenParentGroupUnderTheGivenName() {
        acceptLogin();
        nifi.on("GET", "/nifi-api/flow/process-groups/pg-7", 200, """
                        {"processGroupFlow": {"id": "pg-7", "flow": {"processGroups": [
                            {"id": "pg-8", "component": {"name": "Customer stream to Snowflake"}}]}}}""")
                .on("POST", "/nifi-api/process-groups/pg-7/process-groups/upload", 201, "{\"id\": \"pg-9\"}");

        final ScriptRun run = upload("--parent-group", "pg-7", "--group-name", "Customer stream (staging)");

        assertThat(run.exitCode()).as(run.output()).isZero();
        final HttpStub.Request upload = nifi.request("POST", "/nifi-api/process-groups/pg-7/process-groups/upload");
        assertThat(MultipartForm.parse(upload.header("Content-Type"), upload.body())
                        .get("groupName")
                        .content())
                .isEqualTo("Customer stream (staging)");
    }

    @Test
    void uploadsNothingWhenTheGroupIsAlreadyThere() {
        acceptLogin();
        nifi.on("GET", ROOT_FLOW, 200, """
                {"processGroupFlow": {"id": "root-1", "flow": {"processGroups": [
                    {"id": "pg-1", "component": {"name": "Something else"}},
                    {"id": "pg-2", "component": {"name": "customer-stream-to-snowflake"}}]}}}""");

        final ScriptRun run = upload();

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(nifi.requestLines()).containsExactly("POST " + TOKEN_PATH, "GET " + ROOT_FLOW);
        assertThat(run.stderr()).contains("already there (id pg-2)");
    }

    @Test
    void stopsWithAClearMessageWhenNiFiRefusesTheCredentials() {
        nifi.on("POST", TOKEN_PATH, 401, "text/plain", "Unable to validate the supplied credentials");

        final ScriptRun run = upload();

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr())
                .contains("NiFi refused the login of 'admin' (HTTP 401)")
                .contains("NIFI_PASSWORD");
        assertThat(run.output()).doesNotContain(PASSWORD);
        assertThat(nifi.requestLines()).containsExactly("POST " + TOKEN_PATH);
    }

    @Test
    void namesACertificateThatDoesNotCoverTheHostRatherThanTheCredentials() {
        // what NiFi's Jetty answers over HTTPS when the URL's host (an IP address, say) is not in its certificate
        nifi.on(
                "POST",
                TOKEN_PATH,
                400,
                "text/html",
                "<html><body><h2>HTTP ERROR 400 Invalid SNI</h2>"
                        + "<table><tr><th>URI:</th><td>/nifi-api/access/token</td></tr></table></body></html>");

        final ScriptRun run = upload();

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr())
                .contains("HTTP 400 Invalid SNI")
                .contains("'127.0.0.1' is not one the certificate was issued for")
                .contains("https://localhost:8443")
                .doesNotContain("refused the login")
                .doesNotContain("NIFI_PASSWORD");
        assertThat(nifi.requestLines()).containsExactly("POST " + TOKEN_PATH);
    }

    @Test
    void passesOnNiFisReasonWhenItCannotIssueATokenAtAll() {
        nifi.on("POST", TOKEN_PATH, 409, "text/plain", "Access tokens are only issued over HTTPS");

        final ScriptRun run = upload();

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("HTTP 409").contains("Access tokens are only issued over HTTPS");
    }

    @Test
    void stopsWhenTheParentGroupDoesNotExist() {
        acceptLogin();
        nifi.on(
                "GET",
                "/nifi-api/flow/process-groups/missing",
                404,
                "text/plain",
                "Unable to locate group with id 'missing'.");

        final ScriptRun run = upload("--parent-group", "missing");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("no process group 'missing'");
        assertThat(nifi.requestLines()).hasSize(2);
    }

    @Test
    void passesOnNiFisReasonWhenTheUploadConflicts() {
        acceptLogin();
        nifi.on("GET", ROOT_FLOW, 200, EMPTY_ROOT)
                .on("POST", UPLOAD, 409, "text/plain", "Cannot upload: the parameter context is being updated");

        final ScriptRun run = upload();

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr())
                .contains("uploading")
                .contains("HTTP 409")
                .contains("the parameter context is being updated");
    }

    @Test
    void explainsAnUnreachableNiFi() throws IOException {
        final ScriptRun run = ScriptRun.run(
                NIFI_UPLOAD,
                Map.of("NIFI_USERNAME", USERNAME, "NIFI_PASSWORD", PASSWORD),
                "--nifi-url",
                DeployScripts.unreachableUrl("https"),
                "--insecure",
                fixtureFlow().toString());

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("cannot reach").contains("/nifi-api/access/token");
        assertThat(run.output()).doesNotContain(PASSWORD);
    }

    @Test
    void asksForTheCredentialsBeforeAnyRequest() {
        final ScriptRun run = upload(Map.of("NIFI_USERNAME", USERNAME));

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("NIFI_PASSWORD is not set");
        assertThat(nifi.requests()).isEmpty();
    }

    @Test
    void refusesAMalformedPosition() {
        final ScriptRun run = upload("--position", "left");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("--position must be X,Y");
        assertThat(nifi.requests()).isEmpty();
    }

    @Test
    void defaultsToTheOneFlowOfTheRepository(@TempDir final Path root) throws IOException {
        final Path scripts = DeployScripts.copyScriptsInto(root);
        DeployScripts.placeFlow(root, "snowstream", "customer-stream-to-snowflake.json");
        acceptLogin();
        nifi.on("GET", ROOT_FLOW, 200, EMPTY_ROOT).on("POST", UPLOAD, 201, "{\"id\": \"pg-1\"}");

        final ScriptRun run = ScriptRun.run(
                scripts.resolve("upload-flow-to-nifi.sh"),
                Map.of("NIFI_URL", nifi.url(), "NIFI_USERNAME", USERNAME, "NIFI_PASSWORD", PASSWORD));

        assertThat(run.exitCode()).as(run.output()).isZero();
        final HttpStub.Request upload = nifi.request("POST", UPLOAD);
        assertThat(MultipartForm.parse(upload.header("Content-Type"), upload.body())
                        .get("file")
                        .content())
                .isEqualTo(fixtureFlowText());
    }

    @Test
    void uploadsWithoutLoginToANiFiThatHasNone() {
        nifi.on("GET", ROOT_FLOW, 200, EMPTY_ROOT).on("POST", UPLOAD, 201, "{\"id\": \"pg-1\"}");

        final ScriptRun run = upload(Map.of(), "--no-login");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(nifi.requestLines()).containsExactly("GET " + ROOT_FLOW, "POST " + UPLOAD);
        assertThat(nifi.request("POST", UPLOAD).header("Authorization")).isNull();
    }

    private static Map<String, String> formFields(final String urlEncodedForm) {
        final Map<String, String> fields = new LinkedHashMap<>();
        for (final String field : urlEncodedForm.split("&")) {
            final String[] nameAndValue = field.split("=", 2);
            fields.put(
                    URLDecoder.decode(nameAndValue[0], StandardCharsets.UTF_8),
                    URLDecoder.decode(nameAndValue[1], StandardCharsets.UTF_8));
        }
        return fields;
    }
}
