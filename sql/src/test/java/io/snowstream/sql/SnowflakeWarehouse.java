package io.snowstream.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scripts on a real Snowflake account, in a scratch schema: the tables and stream of 04_tables.sql and the
 * procedure of 06_change_processing.sql, unchanged but for their role and grant statements (the account's own role
 * owns the scratch schema). Loads are INSERTs into customer_raw with the pipe's conversion; the real stream sees
 * them; {@link #apply()} calls the real procedure.
 */
final class SnowflakeWarehouse extends JdbcWarehouse {

    private static final Pattern COUNT = Pattern.compile("\"(\\w+)\"\\s*:\\s*(\\d+)");

    SnowflakeWarehouse(final Connection connection, final Map<String, String> variables) throws SQLException {
        super(connection, variables);
        execute("CREATE SCHEMA " + schema);
        try {
            for (final String script : List.of("04_tables.sql", "06_change_processing.sql")) {
                for (final String statement :
                        SqlScript.read(script).templated(variables).statements()) {
                    if (!statement.startsWith("USE ROLE") && !statement.startsWith("GRANT ")) {
                        execute(statement);
                    }
                }
            }
        } catch (final SQLException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    String eventTimeText(final String column) {
        return "TO_VARCHAR(" + column + ", 'YYYY-MM-DD\"T\"HH24:MI:SS.FF3\"Z\"')";
    }

    @Override
    public void load(final String sourceFile, final List<CustomerEvent> events) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + schema + ".customer_raw (customer_id, "
                        + ATTRIBUTES
                        + ", updated_at, op, extra_field, source_file, source_row, loaded_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, "
                        + "TO_TIMESTAMP_NTZ(?, 'YYYY-MM-DD\"T\"HH24:MI:SS.FF3\"Z\"'), ?, ?, ?, ?, CURRENT_TIMESTAMP()")) {
            long row = 1;
            for (final CustomerEvent event : events) {
                int parameter = 1;
                insert.setLong(parameter++, event.customerId());
                for (final String attribute : event.attributes()) {
                    insert.setString(parameter++, attribute);
                }
                insert.setString(parameter++, event.updatedAt());
                insert.setString(parameter++, event.op());
                insert.setString(parameter++, event.extraField());
                insert.setString(parameter++, sourceFile);
                insert.setLong(parameter, row++);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    @Override
    public ApplyCounts apply() throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("CALL " + schema + ".apply_customer_changes()")) {
            result.next();
            final Map<String, Long> counts = new LinkedHashMap<>();
            final Matcher count = COUNT.matcher(result.getString(1));
            while (count.find()) {
                counts.put(count.group(1), Long.parseLong(count.group(2)));
            }
            return new ApplyCounts(counts, counts.remove("events"));
        }
    }

    /** Drops the scratch schema with everything in it, then closes the connection. */
    @Override
    public void close() throws SQLException {
        try {
            execute("DROP SCHEMA IF EXISTS " + schema);
        } finally {
            super.close();
        }
    }
}
