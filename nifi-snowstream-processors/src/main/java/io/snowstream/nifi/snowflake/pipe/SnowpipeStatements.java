package io.snowstream.nifi.snowflake.pipe;

import io.snowstream.nifi.snowflake.QualifiedName;
import io.snowstream.nifi.snowflake.SqlLiteral;

/**
 * The SQL this bundle sends. Object names are always quoted identifiers, values are binds wherever Snowflake takes
 * them; the one value in DDL (the REFRESH prefix) is an escaped literal.
 */
public final class SnowpipeStatements {

    private SnowpipeStatements() {}

    /** Queues the files under a prefix (relative to the stage location) that Snowpipe has not loaded yet. */
    public static String refresh(final QualifiedName pipe, final String prefix) {
        return "ALTER PIPE " + pipe.toSql() + " REFRESH PREFIX = " + SqlLiteral.quote(prefix);
    }

    /**
     * Load history of given files into a table. Binds: 1 the table's canonical name, 2 the start time as ISO-8601,
     * 3 the relative paths as a JSON array (one bind whatever the number of files).
     */
    public static String copyHistory(final QualifiedName table) {
        return "SELECT FILE_NAME, STATUS, ROW_COUNT, ROW_PARSED, LAST_LOAD_TIME, FIRST_ERROR_MESSAGE"
                + " FROM TABLE(" + table.database().toSql() + ".INFORMATION_SCHEMA.COPY_HISTORY("
                + "TABLE_NAME => ?, START_TIME => TO_TIMESTAMP_LTZ(?)))"
                + " WHERE FILE_NAME IN (SELECT VALUE::STRING FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))))";
    }
}
