package io.snowstream.nifi.s3;

import io.snowstream.nifi.customer.csv.EventTime;

/**
 * What a batch holds: its record count and the range of its records' event times. Built from the attributes the
 * validator writes when they are there, and from the content otherwise, so the object's metadata is known before
 * its first byte is sent.
 */
public final class BatchStats {

    private long records;
    private long minEventTime = Long.MAX_VALUE;
    private long maxEventTime = Long.MIN_VALUE;

    /** Adds one input's figures; an event time of {@link EventTime#INVALID} means the input has none. */
    public void add(final long recordCount, final long inputMinEventTime, final long inputMaxEventTime) {
        records += recordCount;
        if (inputMinEventTime != EventTime.INVALID) {
            minEventTime = Math.min(minEventTime, inputMinEventTime);
        }
        if (inputMaxEventTime != EventTime.INVALID) {
            maxEventTime = Math.max(maxEventTime, inputMaxEventTime);
        }
    }

    public long records() {
        return records;
    }

    public boolean hasEventTimes() {
        return minEventTime <= maxEventTime;
    }

    /** The earliest event time in canonical form; only meaningful when {@link #hasEventTimes()}. */
    public String minEventTime() {
        return EventTime.format(minEventTime);
    }

    /** The latest event time in canonical form; only meaningful when {@link #hasEventTimes()}. */
    public String maxEventTime() {
        return EventTime.format(maxEventTime);
    }
}
