package io.snowstream.nifi.s3;

import io.snowstream.nifi.customer.csv.CustomerColumn;
import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.customer.csv.EventTime;

import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the records of one canonical CSV input and finds the range of their event times, in a single pass over
 * its bytes. Used only for inputs that arrive without the {@code record.count} and {@code event.time.*}
 * attributes. Quote-aware, so a line feed inside a quoted field does not end a record.
 */
public final class CsvStatsScanner {

    private static final int EVENT_TIME_COLUMN = CustomerColumn.CANONICAL_COLUMNS.indexOf(CustomerColumn.UPDATED_AT);

    private long records;
    private long minEventTime = Long.MAX_VALUE;
    private long maxEventTime = Long.MIN_VALUE;

    private boolean inHeader = true;
    private boolean inQuotes;
    private boolean recordStarted;
    private int column;
    private final byte[] eventTime = new byte[EventTime.LENGTH];
    private int eventTimeLength;

    /** Scans a whole input, header line first. */
    public static CsvStatsScanner scan(final InputStream input) throws IOException {
        final CsvStatsScanner scanner = new CsvStatsScanner();
        final byte[] buffer = new byte[64 * 1024];
        int read;
        while ((read = input.read(buffer)) >= 0) {
            scanner.accept(buffer, 0, read);
        }
        scanner.finish();
        return scanner;
    }

    void accept(final byte[] bytes, final int offset, final int length) {
        for (int i = offset; i < offset + length; i++) {
            final byte b = bytes[i];
            if (inHeader) {
                inHeader = b != CustomerCsvFormat.LINE_FEED;
                continue;
            }
            recordStarted = true;
            if (b == CustomerCsvFormat.QUOTE) {
                // an escaped quote ("") toggles twice, which leaves the state as it was
                inQuotes = !inQuotes;
            } else if (inQuotes) {
                appendToEventTime(b);
            } else if (b == CustomerCsvFormat.DELIMITER) {
                column++;
            } else if (b == CustomerCsvFormat.LINE_FEED) {
                endRecord();
            } else if (b != CustomerCsvFormat.CARRIAGE_RETURN) {
                appendToEventTime(b);
            }
        }
    }

    void finish() {
        if (recordStarted) {
            endRecord();
        }
    }

    private void appendToEventTime(final byte b) {
        if (column == EVENT_TIME_COLUMN) {
            if (eventTimeLength < EventTime.LENGTH) {
                eventTime[eventTimeLength] = b;
            }
            eventTimeLength++;
        }
    }

    private void endRecord() {
        records++;
        final long time = EventTime.parseCanonical(eventTime, 0, eventTimeLength == EventTime.LENGTH ? EventTime.LENGTH : 0);
        if (time != EventTime.INVALID) {
            minEventTime = Math.min(minEventTime, time);
            maxEventTime = Math.max(maxEventTime, time);
        }
        column = 0;
        eventTimeLength = 0;
        recordStarted = false;
    }

    public long records() {
        return records;
    }

    /** Earliest event time in epoch milliseconds, or {@link EventTime#INVALID} when no record had a valid one. */
    public long minEventTime() {
        return records > 0 && minEventTime != Long.MAX_VALUE ? minEventTime : EventTime.INVALID;
    }

    /** Latest event time in epoch milliseconds, or {@link EventTime#INVALID} when no record had a valid one. */
    public long maxEventTime() {
        return records > 0 && maxEventTime != Long.MIN_VALUE ? maxEventTime : EventTime.INVALID;
    }
}
