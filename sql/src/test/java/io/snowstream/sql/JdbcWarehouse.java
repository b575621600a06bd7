package io.snowstream.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the tables of 04_tables.sql over JDBC, the same way on every engine but for how a time becomes text. */
abstract class JdbcWarehouse implements Warehouse {

    static final String ATTRIBUTES = "first_name, last_name, email, street, city, state, country";

    final Connection connection;
    /** The qualified schema name. */
    final String schema;

    private final int rawRetentionDays;

    JdbcWarehouse(final Connection connection, final Map<String, String> variables) {
        this.connection = connection;
        this.schema = variables.get("database") + "." + variables.get("schema");
        this.rawRetentionDays = Integer.parseInt(variables.get("raw_retention_days"));
    }

    /** An expression giving the canonical text ({@code 2026-11-23T10:15:30.123Z}) of an event time column. */
    abstract String eventTimeText(String column);

    @Override
    public List<CustomerRow> customers() throws SQLException {
        final List<CustomerRow> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery("SELECT customer_id, " + ATTRIBUTES + ", " + eventTimeText("updated_at")
                                + ", source_file, source_row FROM " + schema + ".customer ORDER BY customer_id")) {
            while (result.next()) {
                rows.add(new CustomerRow(
                        result.getLong(1),
                        attributes(result),
                        result.getString(9),
                        result.getString(10),
                        result.getLong(11)));
            }
        }
        return rows;
    }

    @Override
    public List<HistoryRow> history() throws SQLException {
        final List<HistoryRow> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT customer_id, " + ATTRIBUTES + ", " + eventTimeText("valid_from") + ", "
                                + eventTimeText("valid_to") + ", is_current, is_deleted, source_file, source_row FROM "
                                + schema + ".customer_history ORDER BY customer_id, valid_from")) {
            while (result.next()) {
                rows.add(new HistoryRow(
                        result.getLong(1),
                        attributes(result),
                        result.getString(9),
                        result.getString(10),
                        result.getBoolean(11),
                        result.getBoolean(12),
                        result.getString(13),
                        result.getLong(14)));
            }
        }
        return rows;
    }

    @Override
    public void ageBeyondRetention(final String sourceFile) throws SQLException {
        try (PreparedStatement age =
                connection.prepareStatement("UPDATE " + schema + ".customer_raw SET loaded_at = loaded_at - INTERVAL '"
                        + (rawRetentionDays + 1) + " DAYS' WHERE source_file = ?")) {
            age.setString(1, sourceFile);
            age.executeUpdate();
        }
    }

    @Override
    public List<QuarantinedEvent> quarantined() throws SQLException {
        final List<QuarantinedEvent> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT source_file, source_row, customer_id, op, "
                        + eventTimeText("updated_at") + ", reason FROM " + schema
                        + ".customer_event_quarantine ORDER BY source_file, source_row")) {
            while (result.next()) {
                rows.add(new QuarantinedEvent(
                        result.getString(1),
                        result.getLong(2),
                        result.getLong(3),
                        result.getString(4),
                        result.getString(5),
                        result.getString(6)));
            }
        }
        return rows;
    }

    @Override
    public long rawRowCount() throws SQLException {
        return queryLong("SELECT COUNT(*) FROM " + schema + ".customer_raw");
    }

    @Override
    public long streamRowCount() throws SQLException {
        return queryLong("SELECT COUNT(*) FROM " + schema + ".customer_raw_stream");
    }

    /** Runs a statement; {@code {schema}} stands for the qualified schema name. */
    int executeUpdate(final String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return statement.executeUpdate(sql.replace("{schema}", schema));
        }
    }

    void execute(final String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    long queryLong(final String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    private static List<String> attributes(final ResultSet result) throws SQLException {
        final List<String> attributes = new ArrayList<>(CustomerEvent.ATTRIBUTE_COUNT);
        for (int i = 0; i < CustomerEvent.ATTRIBUTE_COUNT; i++) {
            attributes.add(result.getString(2 + i));
        }
        return attributes;
    }
}
