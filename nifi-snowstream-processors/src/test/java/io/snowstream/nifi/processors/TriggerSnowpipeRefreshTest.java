package io.snowstream.nifi.processors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.snowstream.nifi.snowflake.service.StandardSnowflakeConnectionService;
import io.snowstream.nifi.snowflake.stub.SnowflakeStub;
import io.snowstream.nifi.snowflake.stub.SnowflakeStub.Endpoint;
import io.snowstream.nifi.snowflake.stub.SqlResult;
import io.snowstream.nifi.snowflake.stub.TestKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.nifi.annotation.configuration.DefaultSettings;
import org.apache.nifi.provenance.ProvenanceEventRecord;
import org.apache.nifi.provenance.ProvenanceEventType;
import org.apache.nifi.util.MockFlowFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The processor with the real Snowflake JDBC driver and JDK HTTP client against the loopback stub, which verifies
 * every key-pair JWT.
 */
class TriggerSnowpipeRefreshTest extends SnowpipeStubFixture {

    private static final String FOLDER = "customers/2026/11/23/10/";

    @BeforeEach
    void loadThroughTheLoaderRoleAndWarehouse() {
        runner.setProperty(service, StandardSnowflakeConnectionService.ROLE, "SNOWSTREAM_LOADER");
        runner.setProperty(service, StandardSnowflakeConnectionService.WAREHOUSE, "LOAD_WH");
    }

    private void enableService() {
        runner.enableControllerService(service);
    }

    private void enqueueObjects(final String... keys) {
        for (final String key : keys) {
            runner.enqueue(
                    new byte[0],
                    Map.of("s3.bucket", BUCKET, "s3.key", key, "event.time.min", "2026-11-23T10:00:00.000Z"));
        }
    }

    /** Feeds the retry relationship back, as the flow's loop connection does. */
    private void loopRetryBack() {
        final List<MockFlowFile> pending =
                new ArrayList<>(runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_RETRY));
        runner.clearTransferState();
        runner.clearProvenanceEvents();
        pending.forEach(flowFile -> runner.enqueue(flowFile.getData(), flowFile.getAttributes()));
    }

    @Nested
    class RefreshMode {

        @Test
        void announcesTheWholeBatchWithOneStatementOnTheirCommonFolder() {
            enableService();
            enqueueObjects(FOLDER + "a.csv.gz", FOLDER + "b.csv.gz", FOLDER + "c.csv.gz");

            runner.run();

            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_SUCCESS, 3);
            assertThat(stub.statements())
                    .extracting(SnowflakeStub.Statement::sql)
                    .containsExactly(
                            "ALTER PIPE \"ANALYTICS\".\"RAW\".\"CUSTOMER_PIPE\" REFRESH PREFIX = '2026/11/23/10/'");
            assertThat(stub.logins()).isEqualTo(1);
            assertThat(runner.getCounterValue("Snowpipe calls")).isEqualTo(1);
            assertThat(runner.getCounterValue("Files queued")).isEqualTo(3);
            final MockFlowFile first = runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_SUCCESS)
                    .getFirst();
            first.assertAttributeEquals("snowpipe.path", "2026/11/23/10/a.csv.gz");
            first.assertAttributeEquals("snowpipe.pipe", "ANALYTICS.RAW.CUSTOMER_PIPE");
            first.assertAttributeEquals("snowpipe.mode", "REFRESH");
            assertThat(Instant.parse(first.getAttribute("snowpipe.requested.at")))
                    .isBeforeOrEqualTo(Instant.now());
            assertThat(runner.getProvenanceEvents())
                    .hasSize(3)
                    .allSatisfy(event -> assertThat(event.getEventType()).isEqualTo(ProvenanceEventType.SEND));
            assertThat(runner.getProvenanceEvents())
                    .extracting(ProvenanceEventRecord::getTransitUri)
                    .containsOnly("snowflake://testacct/ANALYTICS.RAW.CUSTOMER_PIPE");
            assertThat(runner.getProvenanceEvents())
                    .extracting(ProvenanceEventRecord::getDetails)
                    .contains("REFRESH 2026/11/23/10/a.csv.gz");
            assertThat(runner.getCounterValue("Files queued")).isEqualTo(3);
        }

        @Test
        void reusesThePooledSessionAcrossTriggers() {
            enableService();
            for (int i = 0; i < 3; i++) {
                enqueueObjects(FOLDER + "file-" + i + ".csv.gz");
                runner.run();
            }

            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_SUCCESS, 3);
            assertThat(stub.statements()).hasSize(3);
            assertThat(stub.logins()).isEqualTo(1);
        }

        @Test
        void routesObjectsOutsideTheStageLocationToFailureAndAnnouncesTheRest() {
            enableService();
            enqueueObjects(FOLDER + "inside.csv.gz", "elsewhere/outside.csv.gz");

            runner.run();

            runner.assertTransferCount(TriggerSnowpipeRefresh.REL_SUCCESS, 1);
            runner.assertTransferCount(TriggerSnowpipeRefresh.REL_FAILURE, 1);
            final MockFlowFile outside = runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_FAILURE)
                    .getFirst();
            assertThat(outside.getAttribute("snowpipe.error.message"))
                    .contains("s3://snowstream-landing/elsewhere/outside.csv.gz")
                    .contains("not under the pipe's stage location s3://snowstream-landing/customers/");
            assertThat(stub.statements())
                    .extracting(SnowflakeStub.Statement::sql)
                    .containsExactly("ALTER PIPE \"ANALYTICS\".\"RAW\".\"CUSTOMER_PIPE\" REFRESH PREFIX = "
                            + "'2026/11/23/10/inside.csv.gz'");
        }

        @Test
        void keepsQuotesAndBackslashesFromAttributesInsideTheLiteral() {
            enableService();
            enqueueObjects("customers/x'; DROP TABLE customer; --\\'.csv");

            runner.run();

            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_SUCCESS, 1);
            assertThat(stub.statements().getFirst().sql())
                    .isEqualTo("ALTER PIPE \"ANALYTICS\".\"RAW\"."
                            + "\"CUSTOMER_PIPE\" REFRESH PREFIX = 'x''; DROP TABLE customer; --\\\\''.csv'");
        }

        @Test
        void quotesIdentifiersThatNeedIt() {
            runner.setProperty(TriggerSnowpipeRefresh.PIPE_NAME, "\"Customer \"\"Pipe\"\"\"");
            enableService();
            enqueueObjects(FOLDER + "a.csv.gz");

            runner.run();

            assertThat(stub.statements().getFirst().sql())
                    .startsWith("ALTER PIPE \"ANALYTICS\".\"RAW\".\"Customer \"\"Pipe\"\"\" REFRESH");
        }

        @Test
        void rejectsNamesThatAreNotIdentifiers() {
            enableService();
            runner.setProperty(TriggerSnowpipeRefresh.PIPE_NAME, "customer_pipe REFRESH; DROP TABLE customer");
            runner.assertNotValid();
            runner.setProperty(TriggerSnowpipeRefresh.PIPE_NAME, "\"half\"quoted\"");
            runner.assertNotValid();
            runner.setProperty(TriggerSnowpipeRefresh.PIPE_NAME, "customer_pipe");
            runner.setProperty(TriggerSnowpipeRefresh.DATABASE, "analytics.raw");
            runner.assertNotValid();
        }

        @Test
        void routesAMissingPipeToFailureWithSnowflakesError() {
            stub.onSql(
                    "^ALTER PIPE",
                    SqlResult.error(
                            "002003",
                            "02000",
                            "SQL compilation error:\nPipe 'ANALYTICS.RAW.CUSTOMER_PIPE' does not exist or not authorized."));
            enableService();
            enqueueObjects(FOLDER + "a.csv.gz");

            runner.run();

            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_FAILURE, 1);
            final MockFlowFile failed = runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_FAILURE)
                    .getFirst();
            failed.assertAttributeEquals("snowpipe.error.code", "002003");
            failed.assertAttributeEquals("snowpipe.error.sqlstate", "02000");
            assertThat(failed.getAttribute("snowpipe.error.message")).contains("does not exist or not authorized");
            failed.assertAttributeNotExists("snowpipe.requested.at");
            assertThat(runner.getPenalizedFlowFiles()).hasSize(1);
            assertThat(runner.getCounterValue("Files failed")).isEqualTo(1);
        }

        @Test
        void routesARefusedLoginToFailureWithoutRevealingTheKey() {
            stub.refuseLogins();
            enableService();
            enqueueObjects(FOLDER + "a.csv.gz");

            runner.run();

            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_FAILURE, 1);
            final MockFlowFile failed = runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_FAILURE)
                    .getFirst();
            failed.assertAttributeEquals("snowpipe.error.code", "390100");
            failed.assertAttributeEquals("snowpipe.error.sqlstate", "08001");
            assertNoSecretIn(failed);
            assertThat(stub.statements()).isEmpty();

            // a wrong key or password is not hammered at Snowflake (that can lock the user): one login per hold
            runner.clearTransferState();
            enqueueObjects(FOLDER + "b.csv.gz");
            runner.run();
            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_FAILURE, 1);
            assertThat(stub.logins()).isEqualTo(1);
        }

        @Test
        void aKeySnowflakeDoesNotKnowIsRefused() {
            runner.setProperty(
                    service, StandardSnowflakeConnectionService.PRIVATE_KEY, TestKeys.unknownPrivateKeyPem());
            enableService();
            enqueueObjects(FOLDER + "a.csv.gz");

            runner.run();

            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_FAILURE, 1);
            runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_FAILURE)
                    .getFirst()
                    .assertAttributeEquals("snowpipe.error.code", "390144");
            assertThat(stub.statements()).isEmpty();
        }

        @Test
        void anHttp503StormIsBoundedAndEndsOnRetry() {
            enableService();
            stub.failNext(Endpoint.QUERY, Integer.MAX_VALUE, 503);
            enqueueObjects(FOLDER + "a.csv.gz", FOLDER + "b.csv.gz");

            runner.run();

            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_RETRY, 2);
            assertThat(runner.getPenalizedFlowFiles()).hasSize(2);
            final MockFlowFile retried = runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_RETRY)
                    .getFirst();
            retried.assertAttributeExists("snowpipe.error.code");
            retried.assertAttributeNotExists("snowpipe.requested.at");
            // Max HTTP Retries = 1 lets the driver (3.22) send the statement 3 times, not the 8 of its default
            assertThat(stub.injectedFailures(Endpoint.QUERY, 503)).isLessThanOrEqualTo(3);
        }

        @Test
        void aLoginThatOnlyMeets503sEndsOnRetryWithinTheLoginTimeout() {
            enableService();
            stub.failNext(Endpoint.LOGIN, Integer.MAX_VALUE, 503);
            enqueueObjects(FOLDER + "a.csv.gz");

            runner.run();

            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_RETRY, 1);
            runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_RETRY)
                    .getFirst()
                    .assertAttributeExists("snowpipe.error.message");
            assertThat(stub.statements()).isEmpty();
        }

        @Test
        void aFlowFileWithoutAnS3ObjectGoesToFailure() {
            enableService();
            runner.enqueue(new byte[0], Map.of("s3.bucket", BUCKET));

            runner.run();

            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_FAILURE, 1);
            assertThat(runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_FAILURE)
                            .getFirst()
                            .getAttribute("snowpipe.error.message"))
                    .contains("s3.bucket and s3.key");
            assertThat(stub.statements()).isEmpty();
        }

        @Test
        void aFewHttp503sAreAbsorbedByTheDriver() {
            enableService();
            stub.failNext(Endpoint.QUERY, 1, 503);
            enqueueObjects(FOLDER + "a.csv.gz");

            runner.run();

            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_SUCCESS, 1);
            assertThat(stub.statements()).hasSize(1);
        }
    }

    @Nested
    class CopyHistoryConfirmation {

        @BeforeEach
        void confirmThroughCopyHistory() {
            runner.setProperty(TriggerSnowpipeRefresh.LOAD_CONFIRMATION, "COPY_HISTORY");
            runner.setProperty(TriggerSnowpipeRefresh.TARGET_TABLE, "customer_raw");
            enableService();
        }

        @Test
        void waitsOnRetryThenRoutesEachFileByItsOutcome() {
            enqueueObjects(
                    FOLDER + "loaded.csv.gz",
                    FOLDER + "failed.csv.gz",
                    FOLDER + "partial.csv.gz",
                    FOLDER + "pending.csv.gz");
            runner.run();
            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_RETRY, 4);
            assertThat(runner.getPenalizedFlowFiles()).hasSize(4);

            stub.onSql(
                    "COPY_HISTORY",
                    SqlResult.copyHistory(
                            List.of("2026/11/23/10/loaded.csv.gz", "Loaded", 10, 10, "1795428060.500000000", ""),
                            List.of(
                                    "2026/11/23/10/failed.csv.gz",
                                    "Load failed",
                                    0,
                                    3,
                                    "1795428061.000000000",
                                    "Numeric value 'abc' is not recognized"),
                            List.of(
                                    "2026/11/23/10/partial.csv.gz",
                                    "Partially loaded",
                                    8,
                                    10,
                                    "1795428062.000000000",
                                    "End of record reached while expected to parse column")));
            loopRetryBack();
            stub.clearRecords();
            runner.run();

            runner.assertTransferCount(TriggerSnowpipeRefresh.REL_SUCCESS, 1);
            runner.assertTransferCount(TriggerSnowpipeRefresh.REL_FAILURE, 2);
            runner.assertTransferCount(TriggerSnowpipeRefresh.REL_RETRY, 1);
            final MockFlowFile loaded = runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_SUCCESS)
                    .getFirst();
            loaded.assertAttributeEquals("snowpipe.status", "LOADED");
            loaded.assertAttributeEquals("snowpipe.rows.loaded", "10");
            loaded.assertAttributeEquals("snowpipe.load.time", "2026-11-23T10:01:00.500Z");
            loaded.assertAttributeEquals("snowpipe.latency.millis", "60500");
            assertThat(runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_FAILURE))
                    .extracting(flowFile -> flowFile.getAttribute("snowpipe.status"))
                    .containsExactlyInAnyOrder("LOAD_FAILED", "PARTIALLY_LOADED");
            runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_RETRY)
                    .getFirst()
                    .assertAttributeEquals("snowpipe.path", "2026/11/23/10/pending.csv.gz");

            assertThat(stub.statements()).hasSize(1);
            final SnowflakeStub.Statement query = stub.statements().getFirst();
            assertThat(query.sql())
                    .isEqualTo("SELECT FILE_NAME, STATUS, ROW_COUNT, ROW_PARSED, LAST_LOAD_TIME,"
                            + " FIRST_ERROR_MESSAGE FROM TABLE(\"ANALYTICS\".INFORMATION_SCHEMA.COPY_HISTORY(TABLE_NAME => ?,"
                            + " START_TIME => TO_TIMESTAMP_LTZ(?))) WHERE FILE_NAME IN (SELECT VALUE::STRING FROM"
                            + " TABLE(FLATTEN(INPUT => PARSE_JSON(?))))");
            assertThat(query.bindings().getFirst()).isEqualTo("ANALYTICS.RAW.CUSTOMER_RAW");
            assertThat(query.bindings().get(2))
                    .contains("\"2026/11/23/10/pending.csv.gz\"")
                    .contains("\"2026/11/23/10/loaded.csv.gz\"");
            assertThat(runner.getCounterValue("Files loaded")).isEqualTo(1);
            assertThat(runner.isYieldCalled())
                    .as("it had files to announce, then loads to route")
                    .isFalse();
            // no notification again for files already announced
            assertThat(stub.statements()).noneMatch(statement -> statement.sql().startsWith("ALTER PIPE"));
        }

        @Test
        void givesUpOnAFileNotConfirmedWithinTheTimeout() {
            runner.setProperty(TriggerSnowpipeRefresh.CONFIRMATION_TIMEOUT, "10 min");
            runner.enqueue(
                    new byte[0],
                    Map.of(
                            "s3.bucket",
                            BUCKET,
                            "s3.key",
                            FOLDER + "late.csv.gz",
                            "snowpipe.path",
                            "2026/11/23/10/late.csv.gz",
                            "snowpipe.requested.at",
                            Instant.now().minusSeconds(601).toString()));

            runner.run();

            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_FAILURE, 1);
            final MockFlowFile late = runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_FAILURE)
                    .getFirst();
            late.assertAttributeEquals("snowpipe.status", "NOT_CONFIRMED");
            assertThat(late.getAttribute("snowpipe.error.message")).contains("600 s");
        }

        @Test
        void aTransientLoadHistoryErrorKeepsTheFilePending() {
            stub.failNext(Endpoint.QUERY, Integer.MAX_VALUE, 503);
            final String requestedAt = Instant.now().minusSeconds(30).toString();
            runner.enqueue(
                    new byte[0],
                    Map.of("snowpipe.path", "2026/11/23/10/a.csv.gz", "snowpipe.requested.at", requestedAt));

            runner.run();

            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_RETRY, 1);
            final MockFlowFile pending = runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_RETRY)
                    .getFirst();
            pending.assertAttributeEquals("snowpipe.requested.at", requestedAt);
            pending.assertAttributeExists("snowpipe.error.code");
        }
    }

    @Nested
    class RestMode {

        @BeforeEach
        void useTheRestApi() {
            runner.setProperty(TriggerSnowpipeRefresh.NOTIFICATION_METHOD, "INSERT_FILES");
            runner.setProperty(TriggerSnowpipeRefresh.LOAD_CONFIRMATION, "REST_LOAD_HISTORY");
            enableService();
        }

        @Test
        void insertsTheWholeBatchInOneCallWithAKeyPairToken() {
            enqueueObjects(FOLDER + "a.csv.gz", FOLDER + "b.csv.gz");

            runner.run();

            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_RETRY, 2);
            assertThat(stub.restRequests()).hasSize(1);
            final SnowflakeStub.RestRequest insert = stub.restRequests().getFirst();
            assertThat(insert.method()).isEqualTo("POST");
            assertThat(insert.path()).isEqualTo("/v1/data/pipes/ANALYTICS.RAW.CUSTOMER_PIPE/insertFiles");
            assertThat(insert.query()).containsKey("requestId");
            assertThat(insert.tokenType()).isEqualTo("KEYPAIR_JWT");
            assertThat(insert.authorization()).startsWith("Bearer ");
            assertThat(paths(insert.body())).containsExactly("2026/11/23/10/a.csv.gz", "2026/11/23/10/b.csv.gz");
            assertThat(stub.logins()).isZero();
            runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_RETRY)
                    .getFirst()
                    .assertAttributeEquals("snowpipe.mode", "INSERT_FILES");
        }

        @Test
        void confirmsThroughLoadHistoryScan() {
            enqueueObjects(FOLDER + "a.csv.gz", FOLDER + "b.csv.gz");
            runner.run();
            stub.addLoadHistory("2026/11/23/10/a.csv.gz", "LOADED", 10, 10, "2026-11-23T10:00:30.000Z", null);
            stub.addLoadHistory(
                    "2026/11/23/10/b.csv.gz",
                    "LOAD_FAILED",
                    0,
                    2,
                    "2026-11-23T10:00:31.000Z",
                    "Field delimiter ',' found while expecting record delimiter '\\n'");
            loopRetryBack();
            stub.clearRecords();

            runner.run();

            runner.assertTransferCount(TriggerSnowpipeRefresh.REL_SUCCESS, 1);
            runner.assertTransferCount(TriggerSnowpipeRefresh.REL_FAILURE, 1);
            final MockFlowFile loaded = runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_SUCCESS)
                    .getFirst();
            loaded.assertAttributeEquals("snowpipe.latency.millis", "30000");
            loaded.assertAttributeEquals("snowpipe.rows.loaded", "10");
            assertThat(runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_FAILURE)
                            .getFirst()
                            .getAttribute("snowpipe.error.message"))
                    .startsWith("Field delimiter");
            assertThat(stub.restRequests()).singleElement().satisfies(scan -> {
                assertThat(scan.method()).isEqualTo("GET");
                assertThat(scan.path()).endsWith("/loadHistoryScan");
                assertThat(Instant.parse(scan.query().get("startTimeInclusive")))
                        .isBefore(Instant.now());
            });
        }

        @Test
        void yieldsWhenEveryFileItGotIsStillWaitingForItsLoad() {
            enqueueObjects(FOLDER + "a.csv.gz", FOLDER + "b.csv.gz");
            runner.run();
            assertThat(runner.isYieldCalled()).as("announcing is work").isFalse();
            loopRetryBack();

            runner.run();

            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_RETRY, 2);
            assertThat(runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_RETRY))
                    .allMatch(MockFlowFile::isPenalized);
            assertThat(runner.isYieldCalled()).isTrue();
        }

        @Test
        void aMissingPipeGoesToFailureServerErrorsAndThrottlingToRetry() {
            stub.answerInsertFiles(404, "390404", "Specified object does not exist or not authorized. Pipe not found");
            enqueueObjects(FOLDER + "a.csv.gz");
            runner.run();
            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_FAILURE, 1);
            runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_FAILURE)
                    .getFirst()
                    .assertAttributeEquals("snowpipe.error.code", "390404");
            // the give-up is the error; a failure that will be retried only a warning
            assertThat(runner.getLogger().getErrorMessages())
                    .singleElement()
                    .satisfies(error -> assertThat(error.getMsg()).contains("routed to failure"));

            runner.clearTransferState();
            stub.failNext(Endpoint.INSERT_FILES, 1, 503);
            enqueueObjects(FOLDER + "b.csv.gz");
            runner.run();
            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_RETRY, 1);
            runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_RETRY)
                    .getFirst()
                    .assertAttributeEquals("snowpipe.error.code", "503");
            assertThat(runner.getLogger().getErrorMessages()).hasSize(1);
            assertThat(runner.getLogger().getWarnMessages())
                    .anySatisfy(warning -> assertThat(warning.getMsg()).contains("will retry"));

            runner.clearTransferState();
            stub.answerInsertFiles(429, "429", "Too many requests");
            enqueueObjects(FOLDER + "b.csv.gz");
            runner.run();
            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_RETRY, 1);
            runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_RETRY)
                    .getFirst()
                    .assertAttributeNotExists("snowpipe.requested.at");
        }

        @Test
        void aTokenFromAnUnknownKeyIsRefused() {
            runner.disableControllerService(service);
            runner.setProperty(
                    service, StandardSnowflakeConnectionService.PRIVATE_KEY, TestKeys.unknownPrivateKeyPem());
            enableService();
            enqueueObjects(FOLDER + "a.csv.gz");

            runner.run();

            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_FAILURE, 1);
            final MockFlowFile failed = runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_FAILURE)
                    .getFirst();
            failed.assertAttributeEquals("snowpipe.error.code", "390144");
            assertNoSecretIn(failed);
        }

        @Test
        void passwordAuthenticationCannotServeTheRestApi() {
            runner.disableControllerService(service);
            runner.setProperty(service, StandardSnowflakeConnectionService.AUTHENTICATION_METHOD, "PASSWORD");
            runner.setProperty(service, StandardSnowflakeConnectionService.PASSWORD, "s3cret-Passw0rd");
            enableService();

            runner.assertNotValid();
        }

        private static List<String> paths(final JsonNode body) {
            return StreamSupport.stream(body.path("files").spliterator(), false)
                    .map(file -> file.path("path").asText())
                    .toList();
        }
    }

    @Test
    void yieldsWhenNothingIsQueued() {
        enableService();

        runner.run();

        assertThat(runner.isYieldCalled()).isTrue();
        assertThat(stub.statements()).isEmpty();
    }

    @Test
    void penalizesFor30SecondsByDefaultTheIntervalAtWhichWaitingLoadsAreLookedUp() {
        assertThat(TriggerSnowpipeRefresh.class
                        .getAnnotation(DefaultSettings.class)
                        .penaltyDuration())
                .isEqualTo("30 sec");
    }

    @Test
    void passwordLoginWorksForRefresh() {
        runner.setProperty(service, StandardSnowflakeConnectionService.AUTHENTICATION_METHOD, "PASSWORD");
        runner.setProperty(service, StandardSnowflakeConnectionService.PASSWORD, "s3cret-Passw0rd");
        enableService();
        enqueueObjects(FOLDER + "a.csv.gz");

        runner.run();

        runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_SUCCESS, 1);
        assertThat(stub.logins()).isEqualTo(1);
    }

    private static void assertNoSecretIn(final MockFlowFile flowFile) {
        final String keyBody =
                TestKeys.privateKeyPem().lines().skip(1).findFirst().orElseThrow();
        assertThat(flowFile.getAttributes().values())
                .noneMatch(
                        value -> value.contains(keyBody) || value.contains("PRIVATE KEY") || value.contains("s3cret"));
    }
}
