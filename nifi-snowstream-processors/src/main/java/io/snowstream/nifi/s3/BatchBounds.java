package io.snowstream.nifi.s3;

import java.time.Duration;

/**
 * When a batch is complete: whichever bound is reached first closes it. The age bound is a latency promise, so it
 * is measured from the moment the oldest member was queued, not from when the batch began to form.
 */
public record BatchBounds(long maxRecords, long maxBytes, int maxFlowFiles, Duration maxAge) {

    public BatchBounds {
        if (maxRecords < 1 || maxBytes < 1 || maxFlowFiles < 1) {
            throw new IllegalArgumentException("Batch bounds must be positive");
        }
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("Max batch age must not be negative");
        }
    }
}
