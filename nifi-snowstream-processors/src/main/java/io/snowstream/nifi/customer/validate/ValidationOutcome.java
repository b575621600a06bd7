package io.snowstream.nifi.customer.validate;

import java.util.Map;

/**
 * The outcome of validating one input: either a failure (the input is not customer CSV at all, nothing was kept)
 * or the counts of valid and invalid records, the rejections per rule and the event time range of the valid ones.
 *
 * @param failureMessage  why the whole input was rejected, or null when it was read through
 * @param layout          the header found, or null on failure
 * @param minEventTime    the earliest event time among valid records in epoch millis; {@link Long#MAX_VALUE} if none
 * @param maxEventTime    the latest event time among valid records in epoch millis; {@link Long#MIN_VALUE} if none
 */
public record ValidationOutcome(
        String failureMessage,
        InputLayout layout,
        long validCount,
        long invalidCount,
        Map<ViolationCode, Long> violations,
        long minEventTime,
        long maxEventTime) {

    public static ValidationOutcome failed(final String failureMessage) {
        return new ValidationOutcome(failureMessage, null, 0, 0, Map.of(), Long.MAX_VALUE, Long.MIN_VALUE);
    }

    public boolean isFailure() {
        return failureMessage != null;
    }

    public long recordCount() {
        return validCount + invalidCount;
    }
}
