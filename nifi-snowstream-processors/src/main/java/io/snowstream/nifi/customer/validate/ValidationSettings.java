package io.snowstream.nifi.customer.validate;

import java.time.Instant;

/**
 * The tunable limits of the record rules.
 *
 * @param maxFieldLength         the most characters (code points) a field may hold, FIELD_TOO_LONG beyond
 * @param allowedFutureSkewMillis how far past the processing time an event time may lie, FUTURE_EVENT_TIME beyond
 * @param oldestEventTimeMillis  the earliest plausible event time; anything older is BAD_EVENT_TIME
 * @param normalize              trim fields, lower-case emails, upper-case op, accept lenient ISO-8601 event times
 * @param maxRecordBytes         the largest record the reader buffers; a larger one fails the whole input
 */
public record ValidationSettings(
        int maxFieldLength,
        long allowedFutureSkewMillis,
        long oldestEventTimeMillis,
        boolean normalize,
        int maxRecordBytes) {

    public static final int DEFAULT_MAX_FIELD_LENGTH = 256;
    public static final long DEFAULT_ALLOWED_FUTURE_SKEW_MILLIS = 5 * 60_000L;
    /** Customer change events of this pipeline cannot predate the year 2000: older ones are typos or epoch zero. */
    public static final String DEFAULT_OLDEST_EVENT_TIME = "2000-01-01T00:00:00Z";

    public static final int DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;

    public ValidationSettings {
        if (maxFieldLength < 1) {
            throw new IllegalArgumentException("maxFieldLength must be positive: " + maxFieldLength);
        }
        if (allowedFutureSkewMillis < 0) {
            throw new IllegalArgumentException(
                    "allowedFutureSkewMillis must not be negative: " + allowedFutureSkewMillis);
        }
        if (maxRecordBytes < 1) {
            throw new IllegalArgumentException("maxRecordBytes must be positive: " + maxRecordBytes);
        }
    }

    public static ValidationSettings defaults() {
        return new ValidationSettings(
                DEFAULT_MAX_FIELD_LENGTH,
                DEFAULT_ALLOWED_FUTURE_SKEW_MILLIS,
                Instant.parse(DEFAULT_OLDEST_EVENT_TIME).toEpochMilli(),
                true,
                DEFAULT_MAX_RECORD_BYTES);
    }
}
