package io.snowstream.nifi.benchmarks;

import io.snowstream.nifi.processors.TriggerSnowpipeRefresh;
import io.snowstream.nifi.snowflake.QualifiedName;
import io.snowstream.nifi.snowflake.pipe.SnowpipeException;
import io.snowstream.nifi.snowflake.pipe.SnowpipeRestApi;
import io.snowstream.nifi.snowflake.service.StandardSnowflakeConnectionService;
import io.snowstream.nifi.snowflake.stub.SnowflakeStub;
import io.snowstream.nifi.snowflake.stub.SqlResult;
import io.snowstream.nifi.snowflake.stub.TestKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;

/**
 * Calls to Snowflake per 1,000 files and wall time per trigger of TriggerSnowpipeRefresh against the loopback
 * stub (real JDBC driver, real HTTP), for both notification modes and both load-confirmation sources. The peer
 * baseline, measured in the same run against the same stub, is one call per file: what Apache NiFi's
 * StartSnowflakeIngest (one insertFiles per FlowFile) and GetSnowflakeIngestStatus (one report per FlowFile) do,
 * and what a per-FlowFile PutSQL running ALTER PIPE REFRESH or a COPY_HISTORY query would do.
 */
public final class SnowpipeBenchmark {

    private static final int FILES = 1_000;
    private static final int WARMUP_ROUNDS = 3;
    private static final int MEASURED_ROUNDS = 7;
    private static final String BUCKET = "snowstream-landing";
    private static final String FOLDER = "2026/11/23/10/";
    private static final QualifiedName PIPE = QualifiedName.parse("ANALYTICS", "RAW", "CUSTOMER_PIPE");

    /** One measured figure: Snowflake calls and median wall time for {@link #FILES} files. */
    private record Figure(double callsPer1000Files, double medianMillis) {}

    @FunctionalInterface
    private interface Workload {
        void run() throws Exception;
    }

    private SnowpipeBenchmark() {}

    public static void main(final String[] args) throws Exception {
        try (SnowflakeStub stub = SnowflakeStub.start("benchacct", "loader", TestKeys.publicKey())) {
            final List<List<?>> copyHistory = new ArrayList<>();
            for (int i = 0; i < FILES; i++) {
                stub.addLoadHistory(path(i), "LOADED", 1_000, 1_000, "2026-11-23T10:01:00.000Z", null);
                copyHistory.add(List.of(path(i), "Loaded", 1_000, 1_000, "1795428060.000000000", ""));
            }
            stub.onSql("COPY_HISTORY.*PARSE_JSON", SqlResult.copyHistory(copyHistory.toArray(List<?>[]::new)));
            stub.onSql("COPY_HISTORY.*FILE_NAME = \\?", SqlResult.copyHistory(copyHistory.getFirst()));

            System.out.printf(
                    Locale.ROOT,
                    "TriggerSnowpipeRefresh, %,d files per trigger (Batch Size %,d), loopback"
                            + " stub, real Snowflake JDBC driver%n",
                    FILES,
                    FILES);
            System.out.printf(Locale.ROOT, "%-34s %22s %22s%n", "", "ours (one call/batch)", "peer (one call/file)");
            for (final String mode : List.of("REFRESH", "INSERT_FILES")) {
                final String confirmation = mode.equals("REFRESH") ? "COPY_HISTORY" : "REST_LOAD_HISTORY";
                final TestRunner runner = processor(stub, mode, confirmation);
                final StandardSnowflakeConnectionService service =
                        (StandardSnowflakeConnectionService) runner.getControllerService("snowflake");
                final SnowpipeRestApi rest = new SnowpipeRestApi(
                        service.getHttpClient(),
                        service.getAccountUrl(),
                        PIPE,
                        service::getRestToken,
                        service.getRequestTimeout());

                final Figure announce = measure(stub, () -> announce(runner));
                final Figure announcePeer = measure(
                        stub, mode.equals("REFRESH") ? () -> refreshPerFile(service) : () -> insertPerFile(rest));
                print(
                        mode.equals("REFRESH") ? "notify: ALTER PIPE REFRESH" : "notify: insertFiles",
                        announce,
                        announcePeer);

                final Figure confirm = measure(stub, () -> confirm(runner));
                final Figure confirmPeer = measure(
                        stub, mode.equals("REFRESH") ? () -> copyHistoryPerFile(service) : () -> scanPerFile(rest));
                print(
                        mode.equals("REFRESH") ? "confirm: COPY_HISTORY" : "confirm: loadHistoryScan",
                        confirm,
                        confirmPeer);
                runner.disableControllerService(service);
            }
        }
    }

    private static TestRunner processor(final SnowflakeStub stub, final String mode, final String confirmation)
            throws Exception {
        final TestRunner runner = TestRunners.newTestRunner(TriggerSnowpipeRefresh.class);
        final StandardSnowflakeConnectionService service = new StandardSnowflakeConnectionService();
        runner.addControllerService("snowflake", service);
        runner.setProperty(service, StandardSnowflakeConnectionService.ACCOUNT_IDENTIFIER, "benchacct");
        runner.setProperty(
                service,
                StandardSnowflakeConnectionService.ACCOUNT_URL,
                stub.url().toString());
        runner.setProperty(service, StandardSnowflakeConnectionService.USER, "loader");
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY, TestKeys.privateKeyPem());
        runner.enableControllerService(service);
        runner.setProperty(TriggerSnowpipeRefresh.CONNECTION_SERVICE, "snowflake");
        runner.setProperty(TriggerSnowpipeRefresh.DATABASE, "analytics");
        runner.setProperty(TriggerSnowpipeRefresh.SCHEMA, "raw");
        runner.setProperty(TriggerSnowpipeRefresh.PIPE_NAME, "customer_pipe");
        runner.setProperty(TriggerSnowpipeRefresh.STAGE_LOCATION, "s3://" + BUCKET + "/customers/");
        runner.setProperty(TriggerSnowpipeRefresh.NOTIFICATION_METHOD, mode);
        runner.setProperty(TriggerSnowpipeRefresh.LOAD_CONFIRMATION, confirmation);
        runner.setProperty(TriggerSnowpipeRefresh.TARGET_TABLE, "customer_raw");
        runner.setProperty(TriggerSnowpipeRefresh.BATCH_SIZE, String.valueOf(FILES));
        return runner;
    }

    /** {@link #FILES} new objects, announced in one trigger. */
    private static void announce(final TestRunner runner) {
        for (int i = 0; i < FILES; i++) {
            runner.enqueue(new byte[0], Map.of("s3.bucket", BUCKET, "s3.key", "customers/" + path(i)));
        }
        timed(runner);
        runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_RETRY, FILES);
        runner.clearTransferState();
    }

    /** {@link #FILES} pending objects, all loaded, confirmed in one trigger. */
    private static void confirm(final TestRunner runner) {
        final String requestedAt = Instant.now().toString();
        for (int i = 0; i < FILES; i++) {
            runner.enqueue(
                    new byte[0],
                    Map.of(
                            "snowpipe.path",
                            path(i),
                            "snowpipe.requested.at",
                            requestedAt,
                            "event.time.min",
                            "2026-11-23T10:00:00.000Z"));
        }
        timed(runner);
        runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_SUCCESS, FILES);
        final List<MockFlowFile> loaded = runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_SUCCESS);
        if (!"60000".equals(loaded.getFirst().getAttribute("snowpipe.latency.millis"))) {
            throw new IllegalStateException("confirmation did not read the load history");
        }
        runner.clearTransferState();
    }

    private static void refreshPerFile(final StandardSnowflakeConnectionService service) throws SQLException {
        try (Connection connection = service.getConnection();
                Statement statement = connection.createStatement()) {
            for (int i = 0; i < FILES; i++) {
                statement.execute("ALTER PIPE " + PIPE.toSql() + " REFRESH PREFIX = '" + path(i) + "'");
            }
        }
    }

    private static void copyHistoryPerFile(final StandardSnowflakeConnectionService service) throws SQLException {
        final String sql = "SELECT FILE_NAME, STATUS, ROW_COUNT, ROW_PARSED, LAST_LOAD_TIME, FIRST_ERROR_MESSAGE"
                + " FROM TABLE(\"ANALYTICS\".INFORMATION_SCHEMA.COPY_HISTORY(TABLE_NAME => ?,"
                + " START_TIME => TO_TIMESTAMP_LTZ(?))) WHERE FILE_NAME = ?";
        try (Connection connection = service.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < FILES; i++) {
                statement.setString(1, "ANALYTICS.RAW.CUSTOMER_RAW");
                statement.setString(2, Instant.now().minusSeconds(3600).toString());
                statement.setString(3, path(i));
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                }
            }
        }
    }

    private static void insertPerFile(final SnowpipeRestApi rest) throws SnowpipeException {
        for (int i = 0; i < FILES; i++) {
            rest.requestLoad(List.of(path(i)));
        }
    }

    private static void scanPerFile(final SnowpipeRestApi rest) throws SnowpipeException {
        for (int i = 0; i < FILES; i++) {
            rest.lookUp(List.of(path(i)), Instant.now().minusSeconds(3600));
        }
    }

    private static long lastTriggerNanos;

    /** Times the trigger alone: enqueueing the FlowFiles is the framework's work, not the processor's. */
    private static void timed(final TestRunner runner) {
        final long start = System.nanoTime();
        runner.run();
        lastTriggerNanos = System.nanoTime() - start;
    }

    private static Figure measure(final SnowflakeStub stub, final Workload workload) throws Exception {
        for (int i = 0; i < WARMUP_ROUNDS; i++) {
            workload.run();
        }
        final double[] millis = new double[MEASURED_ROUNDS];
        stub.clearRecords();
        for (int i = 0; i < MEASURED_ROUNDS; i++) {
            lastTriggerNanos = -1;
            final long start = System.nanoTime();
            workload.run();
            final long elapsed = lastTriggerNanos >= 0 ? lastTriggerNanos : System.nanoTime() - start;
            millis[i] = elapsed / 1e6;
        }
        Arrays.sort(millis);
        return new Figure(stub.requests() * 1000.0 / FILES / MEASURED_ROUNDS, millis[MEASURED_ROUNDS / 2]);
    }

    private static void print(final String label, final Figure ours, final Figure peer) {
        System.out.printf(
                Locale.ROOT,
                "%-34s %7.1f calls %9.1f ms %7.1f calls %9.1f ms   (%.0fx fewer calls, %.1fx faster)%n",
                label,
                ours.callsPer1000Files(),
                ours.medianMillis(),
                peer.callsPer1000Files(),
                peer.medianMillis(),
                peer.callsPer1000Files() / ours.callsPer1000Files(),
                peer.medianMillis() / ours.medianMillis());
    }

    private static String path(final int index) {
        return FOLDER + "customers-" + index + ".csv.gz";
    }
}
