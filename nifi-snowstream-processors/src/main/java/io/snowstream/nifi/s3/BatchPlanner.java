package io.snowstream.nifi.s3;

/**
 * Decides, one queued input at a time, which inputs form the next batch and whether that batch is ready to upload.
 * A batch is ready when it is full (a bound would be crossed by the next input, or has been reached) or when its
 * oldest input has waited for the maximum age. An input larger than a bound on its own still forms a batch of one,
 * so nothing can be stuck in the queue.
 */
public final class BatchPlanner {

    /** What to do with the input just offered. */
    public enum Verdict {
        /** Take it; the batch may still grow. */
        TAKE,
        /** Take it; the batch is now full. */
        TAKE_AND_CLOSE,
        /** Leave it queued; the batch is full without it. */
        CLOSE
    }

    private final BatchBounds bounds;
    private long records;
    private long bytes;
    private int flowFiles;
    private long oldestQueuedMillis = Long.MAX_VALUE;
    private boolean full;

    public BatchPlanner(final BatchBounds bounds) {
        this.bounds = bounds;
    }

    /**
     * Offers the next queued input, in queue order.
     *
     * @param recordCount the records it holds (at least 1 is assumed when unknown)
     * @param size its size in bytes
     * @param queuedMillis when it was queued, epoch milliseconds
     */
    public Verdict offer(final long recordCount, final long size, final long queuedMillis) {
        if (full) {
            return Verdict.CLOSE;
        }
        final long countedRecords = Math.max(1, recordCount);
        if (flowFiles > 0 && (records + countedRecords > bounds.maxRecords() || bytes + size > bounds.maxBytes())) {
            full = true;
            return Verdict.CLOSE;
        }
        records += countedRecords;
        bytes += size;
        flowFiles++;
        oldestQueuedMillis = Math.min(oldestQueuedMillis, queuedMillis);
        if (records >= bounds.maxRecords() || bytes >= bounds.maxBytes() || flowFiles >= bounds.maxFlowFiles()) {
            full = true;
            return Verdict.TAKE_AND_CLOSE;
        }
        return Verdict.TAKE;
    }

    /** True when the inputs taken so far should be uploaded now rather than wait for more. */
    public boolean isReady(final long nowMillis) {
        if (flowFiles == 0) {
            return false;
        }
        return full || nowMillis - oldestQueuedMillis >= bounds.maxAge().toMillis();
    }

    /** How long until the age bound makes the current batch ready; zero when it is ready already. */
    public long millisUntilDue(final long nowMillis) {
        if (flowFiles == 0) {
            return bounds.maxAge().toMillis();
        }
        return Math.max(0, oldestQueuedMillis + bounds.maxAge().toMillis() - nowMillis);
    }

    public int flowFiles() {
        return flowFiles;
    }

    public long bytes() {
        return bytes;
    }
}
