package io.snowstream.sql;

import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import io.snowstream.nifi.customer.csv.EventTime;

/**
 * The Snowflake side of the pipeline on an in-memory DuckDB: the tables of 04_tables.sql and the steps of
 * apply_customer_changes() from 06_change_processing.sql, as written there, after {@link DuckDbDialect}'s
 * substitutions. Three Snowflake objects are emulated:
 * <ul>
 * <li>the stream customer_raw_stream is a table with the raw columns and METADATA$ACTION, METADATA$ISUPDATE,
 * METADATA$ROW_ID: {@link #load} appends every loaded row to it, as an append-only stream shows them;</li>
 * <li>the procedure's transaction is a JDBC transaction around the steps, and the stream's offset advancing at
 * COMMIT is a DELETE of the stream's rows as the transaction's last statement;</li>
 * <li>the task is the test calling {@link #apply()}.</li>
 * </ul>
 */
final class DuckDbWarehouse extends JdbcWarehouse {

    private final String database;
    private final String schemaName;
    private final Map<String, String> steps = new LinkedHashMap<>();

    DuckDbWarehouse() throws SQLException {
        this(SqlScript.variables());
    }

    private DuckDbWarehouse(final Map<String, String> variables) throws SQLException {
        super(DriverManager.getConnection("jdbc:duckdb:"), variables.get("database") + "." + variables.get("schema"));
        database = variables.get("database");
        schemaName = variables.get("schema");
        execute("ATTACH ':memory:' AS " + database);
        execute("CREATE SCHEMA " + schema);
        for (final String ddl : SqlScript.read("04_tables.sql").templated(variables).marked("ddl").values()) {
            execute(DuckDbDialect.toDuckDb(ddl));
        }
        execute("CREATE TABLE " + schema + ".customer_raw_stream AS SELECT *, 'INSERT' AS METADATA$ACTION, "
                + "FALSE AS METADATA$ISUPDATE, CAST(NULL AS VARCHAR) AS METADATA$ROW_ID FROM " + schema + ".customer_raw WHERE FALSE");
        // the files' rows as text, before the pipe's conversions: filled fast through DuckDB's appender
        execute("CREATE TABLE " + schema + ".pipe_landing (customer_id BIGINT, first_name VARCHAR, last_name VARCHAR, email VARCHAR, "
                + "street VARCHAR, city VARCHAR, state VARCHAR, country VARCHAR, updated_at VARCHAR, op VARCHAR, source_file VARCHAR, "
                + "source_row BIGINT, loaded_days_ago INTEGER)");
        SqlScript.read("06_change_processing.sql").templated(variables).marked("step")
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
    void load(final String sourceFile, final int loadedDaysAgo, final List<CustomerEvent> events) throws SQLException {
        try (DuckDBAppender landing = connection.unwrap(DuckDBConnection.class).createAppender(database, schemaName, "pipe_landing")) {
            long row = 1;
            for (final CustomerEvent event : events) {
                if (EventTime.parseCanonical(event.updatedAt()) == EventTime.INVALID) {
                    throw new IllegalArgumentException("not a canonical event time: " + event.updatedAt());
                }
                landing.beginRow().append(event.customerId());
                for (final String attribute : event.attributes()) {
                    if (attribute == null) {
                        landing.appendNull();
                    } else {
                        landing.append(attribute);
                    }
                }
                landing.append(event.updatedAt()).append(event.op()).append(sourceFile).append(row++).append(loadedDaysAgo).endRow();
            }
        }
        // the pipe's COPY: TO_TIMESTAMP_NTZ($9, 'YYYY-MM-DD"T"HH24:MI:SS.FF3"Z"') keeps the UTC wall clock of the text
        executeUpdate("INSERT INTO {schema}.customer_raw SELECT customer_id, " + ATTRIBUTES + ", "
                + "CAST(replace(replace(updated_at, 'T', ' '), 'Z', '') AS TIMESTAMP_MS), op, source_file, source_row, "
                + "CURRENT_TIMESTAMP - (loaded_days_ago * INTERVAL '1 DAY') FROM {schema}.pipe_landing");
        executeUpdate("DELETE FROM {schema}.pipe_landing");
        replayIntoStream(sourceFile);
    }

    /**
     * Shows the given file's raw rows in the stream: once after loading, as an append-only stream does, and again
     * to emulate a stream delivering a batch twice. Returns the number of rows.
     */
    int replayIntoStream(final String sourceFile) throws SQLException {
        try (PreparedStatement replay = connection.prepareStatement("INSERT INTO " + schema + ".customer_raw_stream "
                + "SELECT *, 'INSERT', FALSE, source_file || ':' || source_row FROM " + schema + ".customer_raw WHERE source_file = ?")) {
            replay.setString(1, sourceFile);
            return replay.executeUpdate();
        }
    }

    /** The steps of apply_customer_changes() in one transaction; the stream's offset advances with its commit. */
    @Override
    public ApplyCounts apply() throws SQLException {
        final Map<String, Long> counts = new LinkedHashMap<>();
        connection.setAutoCommit(false);
        try {
            for (final Map.Entry<String, String> step : steps.entrySet()) {
                counts.put(step.getKey(), (long) executeUpdate(step.getValue()));
            }
            executeUpdate("DELETE FROM {schema}.customer_raw_stream");
            connection.commit();
        } catch (final SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
        return new ApplyCounts(counts, queryLong("SELECT COALESCE(SUM(event_count), 0) FROM " + schema + ".customer_change_batch"));
    }
}
