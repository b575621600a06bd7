package io.snowstream.nifi.snowflake.pipe;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Set;

/** Turns driver and HTTP failures into {@link SnowpipeException}s classified as transient or permanent. */
public final class SnowflakeErrors {

    /** Object missing or not authorized, insufficient privileges, login refused, JWT invalid, user locked. */
    private static final Set<Integer> PERMANENT_CODES =
            Set.of(2003, 3001, 2043, 390100, 390144, 390101, 390102, 390104, 390422, 394304, 394502);

    private SnowflakeErrors() {}

    public static SnowpipeException fromSql(final SQLException e) {
        return new SnowpipeException(
                firstLine(e.getMessage()), String.format("%06d", e.getErrorCode()), e.getSQLState(), isTransient(e), e);
    }

    /**
     * Whether Snowflake refused the login itself (bad password, unknown key, locked or disabled user): repeating
     * it cannot help, and repeated failed logins can lock the user.
     */
    public static boolean isLoginRefusal(final SQLException e) {
        return e.getErrorCode() >= 390100 && e.getErrorCode() < 390200;
    }

    static boolean isTransient(final SQLException e) {
        if (e instanceof SQLTimeoutException) {
            return true;
        }
        if (PERMANENT_CODES.contains(e.getErrorCode()) || isLoginRefusal(e)) {
            return false;
        }
        final String state = e.getSQLState() == null ? "" : e.getSQLState();
        // syntax/access (42), no data (02), data (22), authorization (28): the same call would fail again
        return !(state.startsWith("42") || state.startsWith("02") || state.startsWith("22") || state.startsWith("28"));
    }

    /** An HTTP status from the Snowpipe REST API: throttling and server errors pass, the rest needs a person. */
    public static SnowpipeException fromHttp(final int status, final String code, final String message) {
        final boolean transientFailure = status == 408 || status == 429 || status >= 500;
        final String text = "HTTP " + status + (message == null || message.isBlank() ? "" : ": " + firstLine(message));
        return new SnowpipeException(text, code == null ? String.valueOf(status) : code, null, transientFailure, null);
    }

    private static String firstLine(final String message) {
        if (message == null) {
            return "";
        }
        // Snowflake puts "SQL compilation error:" on its own line before the useful part
        return message.replace('\n', ' ').strip();
    }
}
