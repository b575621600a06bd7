package io.snowstream.nifi.snowflake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snowstream.nifi.snowflake.pipe.RefreshNotifier;
import io.snowstream.nifi.snowflake.pipe.SnowpipeRestApi;
import io.snowstream.nifi.snowflake.service.StandardSnowflakeConnectionService;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.nifi.util.NoOpProcessor;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against a real account, with the grants the docs list (USAGE on database and schema, OPERATE and MONITOR on the
 * pipe). Skipped, and reported as skipped, unless these are set: SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER,
 * SNOWFLAKE_PRIVATE_KEY_FILE, SNOWFLAKE_PIPE (DB.SCHEMA.PIPE, unquoted names); optional SNOWFLAKE_ROLE,
 * SNOWFLAKE_PRIVATE_KEY_PASSPHRASE. Nothing is loaded: the REFRESH names a prefix that holds no files.
 */
class RealSnowflakeAccountTest {

    private TestRunner runner;
    private StandardSnowflakeConnectionService service;
    private QualifiedName pipe;

    @BeforeEach
    void connect() throws Exception {
        final String account = System.getenv("SNOWFLAKE_ACCOUNT");
        final String user = System.getenv("SNOWFLAKE_USER");
        final String keyFile = System.getenv("SNOWFLAKE_PRIVATE_KEY_FILE");
        final String pipeName = System.getenv("SNOWFLAKE_PIPE");
        assumeTrue(
                account != null && user != null && keyFile != null && pipeName != null,
                "set SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_PRIVATE_KEY_FILE and SNOWFLAKE_PIPE to run against"
                        + " a real account");
        final String[] parts = pipeName.split("\\.");
        pipe = QualifiedName.parse(parts[0], parts[1], parts[2]);

        runner = TestRunners.newTestRunner(NoOpProcessor.class);
        service = new StandardSnowflakeConnectionService();
        runner.addControllerService("snowflake", service);
        runner.setProperty(service, StandardSnowflakeConnectionService.ACCOUNT_IDENTIFIER, account);
        runner.setProperty(service, StandardSnowflakeConnectionService.USER, user);
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY_FILE, keyFile);
        if (System.getenv("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE") != null) {
            runner.setProperty(
                    service,
                    StandardSnowflakeConnectionService.PRIVATE_KEY_PASSPHRASE,
                    System.getenv("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"));
        }
        if (System.getenv("SNOWFLAKE_ROLE") != null) {
            runner.setProperty(service, StandardSnowflakeConnectionService.ROLE, System.getenv("SNOWFLAKE_ROLE"));
        }
        runner.enableControllerService(service);
    }

    @AfterEach
    void disconnect() {
        if (service != null) {
            runner.disableControllerService(service);
        }
    }

    @Test
    void theRoleCanSeeRefreshAndMonitorThePipe() throws Exception {
        try (Connection connection = service.getConnection();
                PreparedStatement status = connection.prepareStatement("SELECT SYSTEM$PIPE_STATUS(?)")) {
            status.setString(1, pipe.toCanonical());
            try (ResultSet rows = status.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).contains("executionState");
            }
        }

        final RefreshNotifier refresh = new RefreshNotifier(service::getConnection, pipe, service.getRequestTimeout());
        assertThat(refresh.requestLoad(List.of("snowstream-probe-" + UUID.randomUUID() + "/none.csv")))
                .isEqualTo(1);

        final SnowpipeRestApi rest = new SnowpipeRestApi(
                service.getHttpClient(),
                service.getAccountUrl(),
                pipe,
                service::getRestToken,
                service.getRequestTimeout());
        assertThat(rest.lookUp(
                        List.of("snowstream-probe-none.csv"), Instant.now().minusSeconds(3600)))
                .isEmpty();
    }
}
