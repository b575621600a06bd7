package io.snowstream.nifi.customer.validate;

/**
 * The stable codes of the record rules. They appear in the {@code error_code} column of rejected records, in NiFi
 * counters and in dashboards built on them, so a code is never renamed or reused.
 */
public enum ViolationCode {
    /** The record has more or fewer fields than the header. */
    WRONG_FIELD_COUNT,
    /** customer_id is empty. */
    MISSING_ID,
    /** customer_id is not a base-10 integer. */
    NON_INTEGER_ID,
    /** customer_id is negative or does not fit a signed 64-bit integer. */
    ID_OUT_OF_RANGE,
    /** A field the operation requires is empty (an upsert needs every field, a delete only id and event time). */
    REQUIRED_FIELD_EMPTY,
    /** email is not a plausible address. */
    MALFORMED_EMAIL,
    /** A field is longer than the configured limit. */
    FIELD_TOO_LONG,
    /** A field contains a control character (NUL, BEL, ESC, ...). */
    CONTROL_CHARACTER,
    /** updated_at is not an ISO-8601 instant. */
    BAD_EVENT_TIME,
    /** updated_at lies further in the future than the allowed clock skew. */
    FUTURE_EVENT_TIME,
    /** op is neither U nor D. */
    UNKNOWN_OP,
    /** The record's bytes are not valid UTF-8. */
    INVALID_UTF8,
    /**
     * customer_id is an integer in range but not written canonically: leading zeros ({@code 007}) or {@code -0}.
     * Ids are compared as numbers downstream, so {@code 007} would silently become customer 7.
     */
    NON_CANONICAL_ID
}
