package io.snowstream.sql;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The complete list of textual substitutions that turn the Snowflake statements of sql/ into DuckDB statements.
 * Each is mechanical (a name for the same thing) and says why it is needed; nothing here changes what a statement
 * does. What cannot be substituted textually is emulated by {@link DuckDbWarehouse} and documented there: the
 * stream, the procedure's transaction and the task.
 */
final class DuckDbDialect {

    record Substitution(String snowflake, String duckDb, String reason) {}

    static final List<Substitution> SUBSTITUTIONS = List.of(
            new Substitution(
                    "TIMESTAMP_NTZ(3)",
                    "TIMESTAMP_MS",
                    "DuckDB's name for a timestamp without time zone at millisecond precision"),
            new Substitution(
                    "TIMESTAMP_LTZ", "TIMESTAMPTZ", "DuckDB's name for an instant (a timestamp with time zone)"),
            new Substitution(
                    "CREATE TRANSIENT TABLE",
                    "CREATE TABLE",
                    "DuckDB has no fail-safe storage for a table to opt out of"),
            new Substitution(
                    "CREATE OR ALTER VIEW",
                    "CREATE OR REPLACE VIEW",
                    "DuckDB's name for creating a view or changing its definition (a view holds no data)"));

    private DuckDbDialect() {}

    private static final Pattern COPY = Pattern.compile(
            "COPY INTO (?<table>\\S+) \\((?<columns>[^)]*)\\)\\s+FROM \\(\\s*(?<select>SELECT .*?) FROM @(?<stage>\\S+)\\s*\\)",
            Pattern.DOTALL);
    private static final Pattern POSITIONAL_FIELD = Pattern.compile("\\$(\\d+)");

    /**
     * The COPY of a CREATE PIPE statement as an INSERT reading the stage as a table: {@code COPY INTO t (columns)
     * FROM (SELECT expressions FROM @stage)} becomes {@code INSERT INTO t (columns) SELECT expressions FROM stage},
     * and a field {@code $n} the column {@code "$n"} (a bare {@code $n} is a parameter in DuckDB). The expressions
     * are taken as written; the file format and the COPY options (PATTERN, ON_ERROR) are not: see DuckDbWarehouse.
     */
    static String copyToInsert(final String createPipe) {
        final Matcher copy = COPY.matcher(createPipe);
        if (!copy.find()) {
            throw new IllegalArgumentException(
                    "no COPY INTO t (columns) FROM (SELECT ... FROM @stage) in " + createPipe);
        }
        final String select = POSITIONAL_FIELD.matcher(copy.group("select")).replaceAll("\"\\$$1\"");
        return toDuckDb("INSERT INTO " + copy.group("table") + " (" + copy.group("columns") + ") " + select + " FROM "
                + copy.group("stage"));
    }

    static String toDuckDb(final String snowflakeStatement) {
        String statement = snowflakeStatement;
        for (final Substitution substitution : SUBSTITUTIONS) {
            statement = statement.replace(substitution.snowflake(), substitution.duckDb());
        }
        return statement;
    }
}
