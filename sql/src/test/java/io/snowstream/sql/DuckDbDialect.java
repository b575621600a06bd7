package io.snowstream.sql;

import java.util.List;

/**
 * The complete list of textual substitutions that turn the Snowflake statements of sql/ into DuckDB statements.
 * Each is mechanical (a name for the same thing) and says why it is needed; nothing here changes what a statement
 * does. What cannot be substituted textually is emulated by {@link DuckDbWarehouse} and documented there: the
 * stream, the procedure's transaction and the task.
 */
final class DuckDbDialect {

    record Substitution(String snowflake, String duckDb, String reason) {
    }

    static final List<Substitution> SUBSTITUTIONS = List.of(
            new Substitution("TIMESTAMP_NTZ(3)", "TIMESTAMP_MS",
                    "DuckDB's name for a timestamp without time zone at millisecond precision"),
            new Substitution("TIMESTAMP_LTZ", "TIMESTAMPTZ",
                    "DuckDB's name for an instant (a timestamp with time zone)"),
            new Substitution("CREATE TRANSIENT TABLE", "CREATE TABLE",
                    "DuckDB has no fail-safe storage for a table to opt out of"));

    private DuckDbDialect() {
    }

    static String toDuckDb(final String snowflakeStatement) {
        String statement = snowflakeStatement;
        for (final Substitution substitution : SUBSTITUTIONS) {
            statement = statement.replace(substitution.snowflake(), substitution.duckDb());
        }
        return statement;
    }
}
