package io.snowstream.sql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
final class DuckDbWarehouse implements AutoCloseable {

    /** The update count of every step of the last {@link #apply()}, plus the number of events it consumed. */
    record ApplyCounts(Map<String, Integer> stepCounts, long events) {
        int of(final String step) {
            return stepCounts.get(step);
        }
    }

    record CustomerRow(long customerId, List<String> attributes, String updatedAt, String sourceFile, long sourceRow) {
        String describe() {
            return customerId + " " + attributes.get(0) + " " + attributes.get(2) + " @" + updatedAt;
        }
    }

    record HistoryRow(long customerId, List<String> attributes, String validFrom, String validTo, boolean current,
                      boolean deleted, String sourceFile, long sourceRow) {
        String describe() {
            return customerId + " " + (deleted ? "deleted" : attributes.get(0) + " " + attributes.get(2))
                    + " [" + validFrom + ", " + (validTo == null ? "" : validTo) + ")" + (current ? " current" : "");
        }
    }

    private static final String ATTRIBUTES = "first_name, last_name, email, street, city, state, country";
    private static final String TIME_FORMAT = "'%Y-%m-%dT%H:%M:%S.%gZ'";

    private final Connection connection;
    private final String schema;
    private final Map<String, String> steps;

    DuckDbWarehouse() throws SQLException {
        final Map<String, String> variables = SqlScript.variables();
        schema = variables.get("database") + "." + variables.get("schema");
        connection = DriverManager.getConnection("jdbc:duckdb:");
        execute("ATTACH ':memory:' AS " + variables.get("database"));
        execute("CREATE SCHEMA " + schema);
        for (final String ddl : SqlScript.read("04_tables.sql").templated(variables).marked("ddl").values()) {
            execute(DuckDbDialect.toDuckDb(ddl));
        }
        execute("CREATE TABLE " + schema + ".customer_raw_stream AS SELECT *, 'INSERT' AS METADATA$ACTION, "
                + "FALSE AS METADATA$ISUPDATE, CAST(NULL AS VARCHAR) AS METADATA$ROW_ID FROM " + schema + ".customer_raw WHERE FALSE");
        steps = new LinkedHashMap<>();
        SqlScript.read("06_change_processing.sql").templated(variables).marked("step")
                .forEach((name, statement) -> steps.put(name, DuckDbDialect.toDuckDb(statement)));
    }

    /** The step names of apply_customer_changes(), in execution order. */
    List<String> stepNames() {
        return List.copyOf(steps.keySet());
    }

    /** What the pipe does with one file: appends its rows to customer_raw with their lineage. */
    void load(final String sourceFile, final List<CustomerEvent> events) throws SQLException {
        load(sourceFile, 0, events);
    }

    /** Loads a file as if the pipe had loaded it {@code loadedDaysAgo} days ago; the stream shows its rows. */
    void load(final String sourceFile, final int loadedDaysAgo, final List<CustomerEvent> events) throws SQLException {
        final String row = "(?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS TIMESTAMP_MS), ?, ?, ?, CURRENT_TIMESTAMP - (? * INTERVAL '1 DAY'))";
        final String insert = "INSERT INTO " + schema + ".customer_raw VALUES " + String.join(", ", Collections.nCopies(events.size(), row));
        try (PreparedStatement raw = connection.prepareStatement(insert)) {
            int parameter = 1;
            long rowNumber = 1;
            for (final CustomerEvent event : events) {
                parameter = bindRawRow(raw, parameter, sourceFile, rowNumber++, loadedDaysAgo, event);
            }
            raw.executeUpdate();
        }
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

    /** What the task does: one call of apply_customer_changes(). */
    ApplyCounts apply() throws SQLException {
        final Map<String, Integer> counts = new LinkedHashMap<>();
        connection.setAutoCommit(false);
        try {
            for (final Map.Entry<String, String> step : steps.entrySet()) {
                counts.put(step.getKey(), executeUpdate(step.getValue()));
            }
            executeUpdate("DELETE FROM " + schema + ".customer_raw_stream");
            connection.commit();
        } catch (final SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
        return new ApplyCounts(counts, queryLong("SELECT COALESCE(SUM(event_count), 0) FROM " + schema + ".customer_change_batch"));
    }

    List<CustomerRow> customers() throws SQLException {
        final List<CustomerRow> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT customer_id, " + ATTRIBUTES + ", strftime(updated_at, " + TIME_FORMAT
                     + "), source_file, source_row FROM " + schema + ".customer ORDER BY customer_id")) {
            while (result.next()) {
                rows.add(new CustomerRow(result.getLong(1), attributes(result), result.getString(9), result.getString(10), result.getLong(11)));
            }
        }
        return rows;
    }

    List<HistoryRow> history() throws SQLException {
        final List<HistoryRow> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT customer_id, " + ATTRIBUTES + ", strftime(valid_from, " + TIME_FORMAT
                     + "), strftime(valid_to, " + TIME_FORMAT + "), is_current, is_deleted, source_file, source_row FROM "
                     + schema + ".customer_history ORDER BY customer_id, valid_from")) {
            while (result.next()) {
                rows.add(new HistoryRow(result.getLong(1), attributes(result), result.getString(9), result.getString(10),
                        result.getBoolean(11), result.getBoolean(12), result.getString(13), result.getLong(14)));
            }
        }
        return rows;
    }

    long rawRowCount() throws SQLException {
        return queryLong("SELECT COUNT(*) FROM " + schema + ".customer_raw");
    }

    long streamRowCount() throws SQLException {
        return queryLong("SELECT COUNT(*) FROM " + schema + ".customer_raw_stream");
    }

    /** Runs a statement against the warehouse's schema; {@code {schema}} stands for its qualified name. */
    int executeUpdate(final String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return statement.executeUpdate(sql.replace("{schema}", schema));
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    private static int bindRawRow(final PreparedStatement insert, final int firstParameter, final String sourceFile,
                                  final long row, final int loadedDaysAgo, final CustomerEvent event) throws SQLException {
        if (EventTime.parseCanonical(event.updatedAt()) == EventTime.INVALID) {
            throw new IllegalArgumentException("not a canonical event time: " + event.updatedAt());
        }
        int parameter = firstParameter;
        insert.setLong(parameter++, event.customerId());
        for (final String attribute : event.attributes()) {
            insert.setString(parameter++, attribute);
        }
        // the pipe's TO_TIMESTAMP_NTZ($9, 'YYYY-MM-DD"T"HH24:MI:SS.FF3"Z"'): the UTC wall clock of the canonical form
        insert.setString(parameter++, event.updatedAt().replace('T', ' ').replace("Z", ""));
        insert.setString(parameter++, event.op());
        insert.setString(parameter++, sourceFile);
        insert.setLong(parameter++, row);
        insert.setInt(parameter++, loadedDaysAgo);
        return parameter;
    }

    private static List<String> attributes(final ResultSet result) throws SQLException {
        final List<String> attributes = new ArrayList<>(CustomerEvent.ATTRIBUTE_COUNT);
        for (int i = 0; i < CustomerEvent.ATTRIBUTE_COUNT; i++) {
            attributes.add(result.getString(2 + i));
        }
        return attributes;
    }

    private void execute(final String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private long queryLong(final String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
