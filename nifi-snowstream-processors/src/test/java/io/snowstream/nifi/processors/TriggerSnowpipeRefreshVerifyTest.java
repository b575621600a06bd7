package io.snowstream.nifi.processors;

import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.nifi.snowflake.stub.SnowflakeStub;
import io.snowstream.nifi.snowflake.stub.SqlResult;
import io.snowstream.nifi.snowflake.stub.SqlResult.Column;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.nifi.components.ConfigVerificationResult;
import org.apache.nifi.components.ConfigVerificationResult.Outcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TriggerSnowpipeRefresh's Verify against the loopback Snowflake stub with the real driver (emulated: the stub
 * answers DESC PIPE and DESC STAGE as each test scripts them, and grants nothing it is told to refuse).
 */
class TriggerSnowpipeRefreshVerifyTest extends SnowpipeStubFixture {

    private static final String DEFINITION = "COPY INTO ANALYTICS.RAW.CUSTOMER_RAW FROM @ANALYTICS.RAW.CUSTOMER_STAGE"
            + " FILE_FORMAT = (FORMAT_NAME = ANALYTICS.RAW.CUSTOMER_CSV)";

    @BeforeEach
    void enableService() {
        runner.enableControllerService(service);
    }

    @Test
    void findsThePipeMatchesItsStageAndProbesRefreshWithoutQueuingAnything() {
        runner.setProperty(TriggerSnowpipeRefresh.LOAD_CONFIRMATION, "REST_LOAD_HISTORY");
        describePipe(DEFINITION);
        describeStage("[\"s3://" + BUCKET + "/customers/\"]");

        final Map<String, ConfigVerificationResult> steps = verify();

        assertThat(steps.values())
                .extracting(ConfigVerificationResult::getOutcome)
                .containsOnly(Outcome.SUCCESSFUL);
        assertThat(steps.get("Find the pipe").getExplanation()).contains("ANALYTICS.RAW.CUSTOMER_STAGE");
        assertThat(steps.get("Match the stage location").getExplanation()).contains("s3://" + BUCKET + "/customers/");
        assertThat(steps.get("Announce files").getExplanation()).contains("OPERATE");
        assertThat(steps.get("Read the load history").getExplanation()).contains("MONITOR");
        assertThat(stub.statements())
                .extracting(SnowflakeStub.Statement::sql)
                .contains(
                        "DESC PIPE \"ANALYTICS\".\"RAW\".\"CUSTOMER_PIPE\"", "DESC STAGE ANALYTICS.RAW.CUSTOMER_STAGE")
                .anyMatch(sql -> sql.matches(
                        "ALTER PIPE .* REFRESH PREFIX = 'snowstream-verify-[0-9a-f-]{36}/none\\.csv\\.gz'"));
        assertThat(stub.restRequests()).noneMatch(request -> request.path().endsWith("/insertFiles"));
    }

    @Test
    void aStageOnAnotherLocationIsNamedWithTheValueToSet() {
        describePipe(DEFINITION);
        describeStage("[\"s3://" + BUCKET + "/landing/customers/\"]");

        final ConfigVerificationResult stage = verify().get("Match the stage location");

        assertThat(stage.getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(stage.getExplanation()).contains("set Stage Location to s3://" + BUCKET + "/landing/customers/");
    }

    @Test
    void aPipeTheRoleCannotSeeExplainsTheGrantsAndTheRefusedRefreshNamesOperate() {
        stub.onSql(
                "DESC PIPE",
                SqlResult.error(
                        "002003",
                        "02000",
                        "SQL compilation error:\nPipe 'ANALYTICS.RAW.CUSTOMER_PIPE' does not exist or not authorized."));
        stub.onSql(
                "ALTER PIPE",
                SqlResult.error(
                        "003001",
                        "42501",
                        "SQL access control error:\nInsufficient privileges to operate on pipe 'CUSTOMER_PIPE'"));

        final Map<String, ConfigVerificationResult> steps = verify();

        assertThat(steps.get("Find the pipe").getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(steps.get("Find the pipe").getExplanation())
                .contains("does not exist or not authorized")
                .contains("USAGE on database analytics and schema raw");
        assertThat(steps.get("Match the stage location").getOutcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(steps.get("Announce files").getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(steps.get("Announce files").getExplanation()).contains("GRANT OPERATE ON PIPE");
    }

    @Test
    void theRestModesAreProbedWithAReadOnly() {
        runner.setProperty(TriggerSnowpipeRefresh.NOTIFICATION_METHOD, "INSERT_FILES");
        describePipe(DEFINITION);
        describeStage("[\"s3://" + BUCKET + "/customers/\"]");

        final Map<String, ConfigVerificationResult> steps = verify();

        assertThat(steps.get("Announce files").getOutcome()).isEqualTo(Outcome.SUCCESSFUL);
        assertThat(steps.get("Announce files").getExplanation()).contains("loadHistoryScan");
        assertThat(stub.restRequests())
                .isNotEmpty()
                .noneMatch(request -> request.path().endsWith("/insertFiles"));
        assertThat(stub.statements()).noneMatch(statement -> statement.sql().startsWith("ALTER PIPE"));
    }

    private Map<String, ConfigVerificationResult> verify() {
        final Map<String, ConfigVerificationResult> steps = new LinkedHashMap<>();
        runner.verify(Map.of()).forEach(result -> steps.put(result.getVerificationStepName(), result));
        return steps;
    }

    private void describePipe(final String definition) {
        stub.onSql(
                "DESC PIPE",
                SqlResult.rows(
                        List.of(new Column("name", "text"), new Column("definition", "text")),
                        List.of("CUSTOMER_PIPE", definition)));
    }

    private void describeStage(final String url) {
        stub.onSql(
                "DESC STAGE",
                SqlResult.rows(
                        List.of(
                                new Column("parent_property", "text"),
                                new Column("property", "text"),
                                new Column("property_value", "text")),
                        List.of("STAGE_LOCATION", "URL", url),
                        List.of("STAGE_LOCATION", "AWS_ROLE", "")));
    }
}
