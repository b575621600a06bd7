package io.snowstream.nifi.snowflake.service;

import io.snowstream.nifi.snowflake.stub.SnowflakeStub;
import io.snowstream.nifi.snowflake.stub.SqlResult;
import io.snowstream.nifi.snowflake.stub.SqlResult.Column;
import io.snowstream.nifi.snowflake.stub.TestKeys;
import org.apache.nifi.components.ValidationContext;
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

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

        try (Connection connection = service.getConnection(); Statement statement = connection.createStatement();
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

        assertThat(problems()).anySatisfy(problem -> assertThat(problem)
                .startsWith("Authentication Method")
                .contains("Key Pair needs the private key: set Private Key (the PEM text) or Private Key File"))
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

        assertThat(problems()).containsExactly("Authentication Method: Key Pair takes the key from one place: set"
                + " Private Key or Private Key File, not both");
    }

    /** What NiFi shows for the service: "subject: explanation" per problem, property validators included. */
    private List<String> problems() {
        final MockProcessContext context = (MockProcessContext) runner.getProcessContext();
        final ValidationContext validationContext = new MockValidationContext(context)
                .getControllerServiceValidationContext(service);
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
        assertThatThrownBy(broken::close).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("08"));

        // ...so the next caller gets a new session
        try (Connection connection = service.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        }
        assertThat(stub.logins()).isEqualTo(2);
    }

    @Test
    void theSecretPropertiesAreSensitive() {
        assertThat(StandardSnowflakeConnectionService.PRIVATE_KEY.isSensitive()).isTrue();
        assertThat(StandardSnowflakeConnectionService.PRIVATE_KEY_PASSPHRASE.isSensitive()).isTrue();
        assertThat(StandardSnowflakeConnectionService.PASSWORD.isSensitive()).isTrue();
    }

    private static String stackTrace(final Throwable e) {
        final StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
