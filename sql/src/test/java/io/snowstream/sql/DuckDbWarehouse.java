package io.snowstream.sql;

import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The Snowflake side of the pipeline on an in-memory DuckDB: the tables of 04_tables.sql, the pipe's COPY of
 * 05_pipe.sql and the steps of apply_customer_changes() from 06_change_processing.sql, as written there, after
 * {@link DuckDbDialect}'s substitutions. Emulated:
 * <ul>
 * <li>the stage: a table {@code pipe_landing} holds one file's rows as the file format hands them to the COPY
 * ({@code "$1"} .. {@code "$11"} as text, {@code METADATA$FILENAME}, {@code METADATA$FILE_ROW_NUMBER}), and the view
 * {@code customer_stage} adds {@code METADATA$START_SCAN_TIME}; the CSV parsing itself is not emulated;</li>
 * <li>TO_TIMESTAMP_NTZ with the one format the pipe uses, as a DuckDB macro;</li>
 * <li>ON_ERROR = CONTINUE: a file whose COPY fails is loaded again row by row, and the rows that fail are counted as
 * rejected with their first error, as COPY_HISTORY reports them;</li>
 * <li>the stream customer_raw_stream is a table with the raw columns and METADATA$ACTION, METADATA$ISUPDATE,
 * METADATA$ROW_ID: {@link #load} appends every loaded row to it, as an append-only stream shows them;</li>
 * <li>the procedure's transaction is a JDBC transaction around the steps, and the stream's offset advancing at
 * COMMIT is a DELETE of the stream's rows as the transaction's last statement;</li>
 * <li>the task is the test calling {@link #apply()}.</li>
 * </ul>
 */
final class DuckDbWarehouse extends JdbcWarehouse {

    /** What COPY_HISTORY would say about one file. */
    record PipeLoad(long rowsLoaded, long rowsRejected, String firstError) {}

    /** The pipe's one timestamp format, in DuckDB's strptime notation. */
    private static final String TO_TIMESTAMP_NTZ = "CREATE MACRO to_timestamp_ntz(text, format) AS CASE "
            + "WHEN format = 'YYYY-MM-DD\"T\"HH24:MI:SS.FF3\"Z\"' THEN CAST(strptime(text, '%Y-%m-%dT%H:%M:%S.%gZ') AS TIMESTAMP_MS) "
            + "ELSE error('format not emulated: ' || format) END";

    private static final int FIELDS = 11;

    private final String database;
    private final String schemaName;
    private final String pipeCopy;
    private final Map<String, String> steps = new LinkedHashMap<>();
    private final Map<String, Long> lastStepNanos = new LinkedHashMap<>();

    DuckDbWarehouse() throws SQLException {
        this(SqlScript.variables());
    }

    private DuckDbWarehouse(final Map<String, String> variables) throws SQLException {
        super(DriverManager.getConnection("jdbc:duckdb:"), variables);
        database = variables.get("database");
        schemaName = variables.get("schema");
        execute("ATTACH ':memory:' AS " + database);
        execute("CREATE SCHEMA " + schema);
        for (final String ddl : SqlScript.read("04_tables.sql")
                .templated(variables)
                .marked("ddl")
                .values()) {
            execute(DuckDbDialect.toDuckDb(ddl));
        }
        execute("CREATE TABLE " + schema + ".customer_raw_stream AS SELECT *, 'INSERT' AS METADATA$ACTION, "
                + "FALSE AS METADATA$ISUPDATE, CAST(NULL AS VARCHAR) AS METADATA$ROW_ID FROM " + schema
                + ".customer_raw WHERE FALSE");
        final StringBuilder fields = new StringBuilder();
        for (int field = 1; field <= FIELDS; field++) {
            fields.append("\"$").append(field).append("\" VARCHAR, ");
        }
        execute("CREATE TABLE " + schema + ".pipe_landing (" + fields
                + "METADATA$FILENAME VARCHAR, METADATA$FILE_ROW_NUMBER BIGINT, loaded_days_ago INTEGER)");
        execute("CREATE VIEW " + schema + ".customer_stage AS SELECT *, "
                + "CURRENT_TIMESTAMP - (loaded_days_ago * INTERVAL '1 DAY') AS METADATA$START_SCAN_TIME FROM " + schema
                + ".pipe_landing");
        execute(TO_TIMESTAMP_NTZ);
        pipeCopy = DuckDbDialect.copyToInsert(SqlScript.read("05_pipe.sql")
                .templated(variables)
                .marked("copy")
                .get("customer_pipe"));
        SqlScript.read("06_change_processing.sql")
                .templated(variables)
                .marked("step")
                .forEach((name, statement) -> steps.put(name, DuckDbDialect.toDuckDb(statement)));
    }

    @Override
    String eventTimeText(final String column) {
        return "strftime(" + column + ", '%Y-%m-%dT%H:%M:%S.%gZ')";
    }

    @Override
    public void load(final String sourceFile, final List<CustomerEvent> events) throws SQLException {
        load(sourceFile, 0, events);
    }

    /** Loads a file as if the pipe had loaded it {@code loadedDaysAgo} days ago; the stream shows its rows. */
    PipeLoad load(final String sourceFile, final int loadedDaysAgo, final List<CustomerEvent> events)
            throws SQLException {
        final List<List<String>> rows = new ArrayList<>();
        for (final CustomerEvent event : events) {
            final List<String> row = new ArrayList<>();
            row.add(Long.toString(event.customerId()));
            row.addAll(event.attributes());
            row.add(event.updatedAt());
            row.add(event.op());
            row.add(event.extraField());
            rows.add(row);
        }
        return loadFields(sourceFile, loadedDaysAgo, rows);
    }

    /**
     * Runs the pipe's COPY on one file given as its rows' fields (up to eleven, null for an empty field), rows
     * numbered from 1; a row the COPY refuses is skipped and counted (ON_ERROR = CONTINUE).
     */
    PipeLoad loadFields(final String sourceFile, final int loadedDaysAgo, final List<List<String>> rows)
            throws SQLException {
        final long rawBefore = rawRowCount();
        fillLanding(sourceFile, loadedDaysAgo, rows, 1);
        long rejected = 0;
        String firstError = null;
        try {
            executeUpdate(pipeCopy);
        } catch (final SQLException fileFailed) {
            for (int row = 0; row < rows.size(); row++) {
                fillLanding(sourceFile, loadedDaysAgo, rows.subList(row, row + 1), row + 1);
                try {
                    executeUpdate(pipeCopy);
                } catch (final SQLException rowFailed) {
                    rejected++;
                    firstError = firstError == null ? rowFailed.getMessage() : firstError;
                }
            }
        }
        executeUpdate("DELETE FROM {schema}.pipe_landing");
        replayIntoStream(sourceFile);
        return new PipeLoad(rawRowCount() - rawBefore, rejected, firstError);
    }

    private void fillLanding(
            final String sourceFile, final int loadedDaysAgo, final List<List<String>> rows, final long firstRow)
            throws SQLException {
        executeUpdate("DELETE FROM {schema}.pipe_landing");
        try (DuckDBAppender landing =
                connection.unwrap(DuckDBConnection.class).createAppender(database, schemaName, "pipe_landing")) {
            long rowNumber = firstRow;
            for (final List<String> row : rows) {
                landing.beginRow();
                for (int field = 0; field < FIELDS; field++) {
                    final String value = field < row.size() ? row.get(field) : null;
                    if (value == null) {
                        landing.appendNull();
                    } else {
                        landing.append(value);
                    }
                }
                landing.append(sourceFile)
                        .append(rowNumber++)
                        .append(loadedDaysAgo)
                        .endRow();
            }
        }
    }

    /**
     * Shows the given file's raw rows in the stream: once after loading, as an append-only stream does, and again
     * to emulate a stream delivering a batch twice. Returns the number of rows.
     */
    int replayIntoStream(final String sourceFile) throws SQLException {
        try (PreparedStatement replay = connection.prepareStatement("INSERT INTO " + schema + ".customer_raw_stream "
                + "SELECT *, 'INSERT', FALSE, source_file || ':' || source_row FROM " + schema
                + ".customer_raw WHERE source_file = ?")) {
            replay.setString(1, sourceFile);
            return replay.executeUpdate();
        }
    }

    /** How long each step of the last {@link #apply()} took, in nanoseconds, by step name. */
    Map<String, Long> lastStepNanos() {
        return Map.copyOf(lastStepNanos);
    }

    /** The steps of apply_customer_changes() in one transaction; the stream's offset advances with its commit. */
    @Override
    public ApplyCounts apply() throws SQLException {
        final Map<String, Long> counts = new LinkedHashMap<>();
        lastStepNanos.clear();
        connection.setAutoCommit(false);
        try {
            for (final Map.Entry<String, String> step : steps.entrySet()) {
                final long start = System.nanoTime();
                counts.put(step.getKey(), (long) executeUpdate(step.getValue()));
                lastStepNanos.put(step.getKey(), System.nanoTime() - start);
            }
            executeUpdate("DELETE FROM {schema}.customer_raw_stream");
            connection.commit();
        } catch (final SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
        return new ApplyCounts(
                counts, queryLong("SELECT COALESCE(SUM(event_count), 0) FROM " + schema + ".customer_change_batch"));
    }
}
