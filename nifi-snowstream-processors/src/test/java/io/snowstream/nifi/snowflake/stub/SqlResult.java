package io.snowstream.nifi.snowflake.stub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.UUID;

/** A scripted answer to one statement, in the JSON the Snowflake driver reads. */
public final class SqlResult {

    /** A result column: {@code type} is Snowflake's (text, fixed, timestamp_ltz, boolean). */
    public record Column(String name, String type) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The columns TriggerSnowpipeRefresh reads from COPY_HISTORY, in its order. */
    private static final List<Column> COPY_HISTORY_COLUMNS = List.of(
            new Column("FILE_NAME", "text"),
            new Column("STATUS", "text"),
            new Column("ROW_COUNT", "fixed"),
            new Column("ROW_PARSED", "fixed"),
            new Column("LAST_LOAD_TIME", "timestamp_ltz"),
            new Column("FIRST_ERROR_MESSAGE", "text"));

    private final ObjectNode json;

    private SqlResult(final ObjectNode json) {
        this.json = json;
    }

    /** A result set; values are written as strings, as Snowflake's JSON result format does (null stays null). */
    public static SqlResult rows(final List<Column> columns, final List<?>... rows) {
        final ObjectNode answer = JSON.createObjectNode().put("success", true);
        final ObjectNode data = answer.putObject("data")
                .put("queryResultFormat", "json")
                .put("queryId", UUID.randomUUID().toString())
                .put("statementTypeId", 4096)
                .put("total", rows.length)
                .put("returned", rows.length);
        final ArrayNode rowType = data.putArray("rowtype");
        for (final Column column : columns) {
            final ObjectNode type = rowType.addObject()
                    .put("name", column.name())
                    .put("type", column.type())
                    .put("nullable", true);
            if (column.type().equals("fixed")) {
                type.put("precision", 38).put("scale", 0);
            } else if (column.type().startsWith("timestamp")) {
                type.put("scale", 9);
            }
        }
        final ArrayNode rowSet = data.putArray("rowset");
        for (final List<?> row : rows) {
            final ArrayNode values = rowSet.addArray();
            row.forEach(value -> {
                if (value == null) {
                    values.addNull();
                } else {
                    values.add(String.valueOf(value));
                }
            });
        }
        return new SqlResult(answer);
    }

    /**
     * A COPY_HISTORY result: each row is file name, status, rows loaded, rows parsed, last load time (epoch seconds)
     * and first error message.
     */
    public static SqlResult copyHistory(final List<?>... rows) {
        return rows(COPY_HISTORY_COLUMNS, rows);
    }

    /** A Snowflake error, e.g. {@code error("002003", "02000", "SQL compilation error:\nPipe ... does not exist")}. */
    public static SqlResult error(final String code, final String sqlState, final String message) {
        final ObjectNode answer =
                JSON.createObjectNode().put("success", false).put("code", code).put("message", message);
        answer.putObject("data")
                .put("errorCode", code)
                .put("sqlState", sqlState)
                .put("queryId", UUID.randomUUID().toString());
        return new SqlResult(answer);
    }

    ObjectNode json() {
        return json.deepCopy();
    }
}
