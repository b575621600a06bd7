package io.snowstream.nifi.snowflake.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.snowstream.nifi.s3.ForwardProxy;
import io.snowstream.nifi.s3.StaticProxyService;
import io.snowstream.nifi.snowflake.QualifiedName;
import io.snowstream.nifi.snowflake.auth.PrivateKeys;
import io.snowstream.nifi.snowflake.pipe.SnowpipeRestApi;
import io.snowstream.nifi.snowflake.stub.SnowflakeStub;
import io.snowstream.nifi.snowflake.stub.SqlResult;
import io.snowstream.nifi.snowflake.stub.SqlResult.Column;
import io.snowstream.nifi.snowflake.stub.TestKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.nifi.components.ConfigVerificationResult;
import org.apache.nifi.components.ConfigVerificationResult.Outcome;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.controller.AbstractControllerService;
import org.apache.nifi.key.service.api.PrivateKeyService;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.MockProcessContext;
import org.apache.nifi.util.MockValidationContext;
import org.apache.nifi.util.NoOpProcessor;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandardSnowflakeConnectionServiceTest {

    private SnowflakeStub stub;
    private TestRunner runner;
    private StandardSnowflakeConnectionService service;

    @BeforeEach
    void setUp() throws IOException, InitializationException {
        stub = SnowflakeStub.start("testacct", "loader", TestKeys.publicKey());
        runner = TestRunners.newTestRunner(NoOpProcessor.class);
        service = SnowflakeStubServices.addTo(runner, stub);
    }

    @AfterEach
    void tearDown() {
        if (runner.isControllerServiceEnabled(service)) {
            runner.disableControllerService(service);
        }
        stub.close();
    }

    @Test
    void readsAnEncryptedKeyFromAFile(@TempDir final Path directory) throws Exception {
        final Path keyFile = Files.writeString(directory.resolve("rsa_key.p8"), TestKeys.encryptedPrivateKeyPem());
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY_FILE, keyFile.toString());
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY_PASSPHRASE, TestKeys.PASSPHRASE);
        runner.enableControllerService(service);
        stub.onSql("CURRENT_USER", SqlResult.rows(List.of(new Column("USER", "text")), List.of("LOADER")));

        try (Connection connection = service.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT CURRENT_USER()")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("LOADER");
        }
        assertThat(stub.logins()).isEqualTo(1);
        assertThat(service.supportsRestApi()).isTrue();
    }

    @Test
    void aWrongPassphraseStopsEnablingWithoutRevealingSecrets() {
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY, TestKeys.encryptedPrivateKeyPem());
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY_PASSPHRASE, "not-the-passphrase");

        assertThatThrownBy(() -> runner.enableControllerService(service))
                .hasStackTraceContaining("wrong passphrase")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("not-the-passphrase"));
    }

    @Test
    void exactlyOneKeySourceIsRequired(@TempDir final Path directory) throws IOException {
        runner.assertNotValid(service);
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY, TestKeys.privateKeyPem());
        runner.assertValid(service);
        final Path keyFile = Files.writeString(directory.resolve("rsa_key.p8"), TestKeys.privateKeyPem());
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY_FILE, keyFile.toString());
        runner.assertNotValid(service);
    }

    @Test
    void aMissingKeyIsReportedAtOnceEvenWhenOtherPropertiesAreInvalid() {
        runner.setProperty(service, StandardSnowflakeConnectionService.ACCOUNT_IDENTIFIER, "not an account!");
        runner.setProperty(service, StandardSnowflakeConnectionService.MAX_POOL_SIZE, "0");

        assertThat(problems())
                .anySatisfy(problem -> assertThat(problem)
                        .startsWith("Authentication Method")
                        .contains(
                                "Key Pair needs the private key: set Private Key (the PEM text), Private Key File (its path) or"
                                        + " Private Key Service"))
                .anySatisfy(problem -> assertThat(problem).startsWith("Account Identifier"))
                .anySatisfy(problem -> assertThat(problem).startsWith("Max Pool Size"));

        runner.setProperty(service, StandardSnowflakeConnectionService.AUTHENTICATION_METHOD, "PASSWORD");
        assertThat(problems()).noneSatisfy(problem -> assertThat(problem).contains("Private Key"));
    }

    @Test
    void bothKeySourcesAtOnceAreRefusedByName(@TempDir final Path directory) throws IOException {
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY, TestKeys.privateKeyPem());
        final Path keyFile = Files.writeString(directory.resolve("rsa_key.p8"), TestKeys.privateKeyPem());
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY_FILE, keyFile.toString());

        assertThat(problems())
                .containsExactly("Authentication Method: Key Pair takes the key from one place: set"
                        + " only one of Private Key, Private Key File and Private Key Service");
    }

    @Test
    void verifyReportsTheKeyTheLoginTheRoleAndTheWarehouse() {
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY, TestKeys.privateKeyPem());
        runner.setProperty(service, StandardSnowflakeConnectionService.ROLE, "snowstream_loader");
        runner.setProperty(service, StandardSnowflakeConnectionService.WAREHOUSE, "LOAD_WH");
        stub.onSql("CURRENT_ROLE", sessionRow("SNOWSTREAM_LOADER", "LOAD_WH"));

        final Map<String, ConfigVerificationResult> steps = verify();

        assertThat(steps.values())
                .extracting(ConfigVerificationResult::getOutcome)
                .containsOnly(Outcome.SUCCESSFUL);
        assertThat(steps.get("Read the private key").getExplanation()).contains("SHA256:");
        assertThat(steps.get("Log in").getExplanation()).contains("accepted user loader");
        assertThat(steps.get("Use the role").getExplanation()).contains("SNOWSTREAM_LOADER");
        assertThat(steps.get("Use the warehouse").getExplanation()).contains("LOAD_WH");
        assertThat(runner.isControllerServiceEnabled(service)).isFalse();
    }

    @Test
    void verifyNamesTheGrantsARoleOrWarehouseThatDoesNotTakeNeeds() {
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY, TestKeys.privateKeyPem());
        runner.setProperty(service, StandardSnowflakeConnectionService.ROLE, "SNOWSTREAM_LOADER");
        runner.setProperty(service, StandardSnowflakeConnectionService.WAREHOUSE, "LOAD_WH");
        // Snowflake opens the session in the default role, and without a warehouse it may not use
        stub.onSql("CURRENT_ROLE", sessionRow("PUBLIC", null));

        final Map<String, ConfigVerificationResult> steps = verify();

        assertThat(steps.get("Log in").getOutcome()).isEqualTo(Outcome.SUCCESSFUL);
        assertThat(steps.get("Use the role").getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(steps.get("Use the role").getExplanation())
                .contains("not granted")
                .contains("GRANT ROLE SNOWSTREAM_LOADER");
        assertThat(steps.get("Use the warehouse").getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(steps.get("Use the warehouse").getExplanation())
                .contains("GRANT USAGE ON WAREHOUSE LOAD_WH TO ROLE PUBLIC");
    }

    @Test
    void verifyExplainsARefusedKeyAndSkipsWhatNeedsASession() {
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY, TestKeys.unknownPrivateKeyPem());

        final Map<String, ConfigVerificationResult> steps = verify();

        assertThat(steps.get("Read the private key").getOutcome()).isEqualTo(Outcome.SUCCESSFUL);
        assertThat(steps.get("Log in").getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(steps.get("Log in").getExplanation())
                .contains("390144")
                .contains("ALTER USER loader SET RSA_PUBLIC_KEY")
                .contains("can lock the user");
        assertThat(steps.get("Use the role").getOutcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(steps.get("Use the warehouse").getOutcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(stub.logins()).isEqualTo(1);
    }

    @Test
    void verifyReportsAKeyItCannotReadWithoutContactingSnowflake() {
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY, TestKeys.encryptedPrivateKeyPem());
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY_PASSPHRASE, "not-the-passphrase");

        final Map<String, ConfigVerificationResult> steps = verify();

        assertThat(steps.get("Read the private key").getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(steps.get("Read the private key").getExplanation())
                .contains("passphrase")
                .doesNotContain("not-the-passphrase");
        assertThat(steps.get("Log in").getOutcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(stub.requests()).isZero();
    }

    @Test
    void sessionsAndTheRestApiGoThroughTheProxyService() throws Exception {
        try (ForwardProxy proxy = new ForwardProxy("proxy-user", "proxy-Passw0rd")) {
            final StaticProxyService proxyService =
                    StaticProxyService.http(proxy.host(), proxy.port(), "proxy-user", "proxy-Passw0rd");
            runner.addControllerService("proxy", proxyService);
            runner.enableControllerService(proxyService);
            runner.setProperty(service, StandardSnowflakeConnectionService.PROXY_CONFIGURATION_SERVICE, "proxy");
            runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY, TestKeys.privateKeyPem());
            runner.enableControllerService(service);
            stub.onSql("CURRENT_USER", SqlResult.rows(List.of(new Column("USER", "text")), List.of("LOADER")));

            try (Connection connection = service.getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet user = statement.executeQuery("SELECT CURRENT_USER()")) {
                assertThat(user.next()).isTrue();
            }
            new SnowpipeRestApi(
                            service.getHttpClient(),
                            service.getAccountUrl(),
                            QualifiedName.parse("DB", "SCH", "PIPE"),
                            service::getRestToken,
                            service.getRequestTimeout())
                    .requestLoad(List.of("a.csv.gz"));

            final String origin = stub.url().toString().replaceAll("/+$", "");
            assertThat(proxy.challenges()).isPositive();
            assertThat(proxy.forwardedRequestLines())
                    .anyMatch(line -> line.startsWith("POST " + origin + "/session/v1/login-request"))
                    .anyMatch(line -> line.startsWith("POST " + origin + "/v1/data/pipes/DB.SCH.PIPE/insertFiles"));
            assertThat(stub.restRequests()).hasSize(1);
        }
    }

    @Test
    void takesTheKeyFromNiFisPrivateKeyService() throws Exception {
        final PrivateKeyService keys = new FixedPrivateKeyService();
        runner.addControllerService("keys", keys);
        runner.enableControllerService(keys);
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY_SERVICE, "keys");
        runner.enableControllerService(service);
        stub.onSql("CURRENT_USER", SqlResult.rows(List.of(new Column("USER", "text")), List.of("LOADER")));

        try (Connection connection = service.getConnection();
                Statement statement = connection.createStatement();
                ResultSet user = statement.executeQuery("SELECT CURRENT_USER()")) {
            assertThat(user.next()).isTrue();
        }
        assertThat(service.supportsRestApi()).isTrue();
        assertThat(stub.logins()).isEqualTo(1);
    }

    /** NiFi's Private Key Service interface, with the key the stub knows, as StandardPrivateKeyService would read it. */
    private static final class FixedPrivateKeyService extends AbstractControllerService implements PrivateKeyService {
        @Override
        public PrivateKey getPrivateKey() {
            return PrivateKeys.read(TestKeys.privateKeyPem(), null);
        }
    }

    private Map<String, ConfigVerificationResult> verify() {
        final Map<String, ConfigVerificationResult> steps = new LinkedHashMap<>();
        runner.verify(service, Map.of()).forEach(result -> steps.put(result.getVerificationStepName(), result));
        return steps;
    }

    private static SqlResult sessionRow(final String role, final String warehouse) {
        return SqlResult.rows(
                List.of(new Column("CURRENT_ROLE()", "text"), new Column("CURRENT_WAREHOUSE()", "text")),
                Arrays.asList(role, warehouse));
    }

    /** What NiFi shows for the service: "subject: explanation" per problem, property validators included. */
    private List<String> problems() {
        final MockProcessContext context = (MockProcessContext) runner.getProcessContext();
        final ValidationContext validationContext =
                new MockValidationContext(context).getControllerServiceValidationContext(service);
        return service.validate(validationContext).stream()
                .filter(result -> !result.isValid())
                .map(result -> result.getSubject() + ": " + result.getExplanation())
                .toList();
    }

    @Test
    void aBrokenSessionIsReplacedByANewOne() throws SQLException {
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY, TestKeys.privateKeyPem());
        runner.enableControllerService(service);
        final Connection broken = service.getConnection();
        broken.abort(Runnable::run);
        // the failure that reveals the dead session (state 08003) evicts it from the pool...
        assertThatThrownBy(broken::close)
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("08"));

        // ...so the next caller gets a new session
        try (Connection connection = service.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        }
        assertThat(stub.logins()).isEqualTo(2);
    }

    @Test
    void theSecretPropertiesAreSensitive() {
        assertThat(StandardSnowflakeConnectionService.PRIVATE_KEY.isSensitive()).isTrue();
        assertThat(StandardSnowflakeConnectionService.PRIVATE_KEY_PASSPHRASE.isSensitive())
                .isTrue();
        assertThat(StandardSnowflakeConnectionService.PASSWORD.isSensitive()).isTrue();
    }

    private static String stackTrace(final Throwable e) {
        final StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
