package io.snowstream.nifi.snowflake.pipe;

/**
 * A failed call to Snowflake, classified: {@link #isTransient()} says whether the same call may succeed later
 * (throttling, 5xx, timeouts, lost connections) or needs a person (missing pipe, missing grant, refused login,
 * bad SQL). The message is Snowflake's, never a credential.
 */
public class SnowpipeException extends Exception {

    private final String errorCode;
    private final String sqlState;
    private final boolean transientFailure;

    public SnowpipeException(
            final String message,
            final String errorCode,
            final String sqlState,
            final boolean transientFailure,
            final Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
        this.sqlState = sqlState;
        this.transientFailure = transientFailure;
    }

    /** Snowflake's error code (for example {@code 002003}) or the HTTP status, null when unknown. */
    public String errorCode() {
        return errorCode;
    }

    /** The SQL state for JDBC failures, null for REST ones. */
    public String sqlState() {
        return sqlState;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
