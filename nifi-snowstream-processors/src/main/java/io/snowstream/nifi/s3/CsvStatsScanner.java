package io.snowstream.nifi.s3;

import io.snowstream.nifi.customer.csv.CustomerColumn;
import io.snowstream.nifi.customer.csv.CustomerCsvReader;
import io.snowstream.nifi.customer.csv.EventTime;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the records of one CSV input and finds the range of their event times, in a single pass. Used only for
 * inputs that arrive without the {@code record.count} and {@code event.time.*} attributes. It reads records with
 * {@link CustomerCsvReader}, the bundle's one CSV scanning rule, so it counts exactly the records ValidateCustomerRecord
 * reads: quoted fields with commas, doubled quotes and line breaks, CR, LF or CRLF line ends, empty and blank lines
 * skipped. An input that is not clean CSV is still counted, never refused: a record larger than
 * {@link #MAX_RECORD_BYTES} counts as one record without an event time, and a quote left open at the end counts as
 * the one record it opened.
 */
public final class CsvStatsScanner {

    /** The most bytes of one record held to read its event time; enough for any record the validator passes. */
    static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    private static final int EVENT_TIME_COLUMN = CustomerColumn.CANONICAL_COLUMNS.indexOf(CustomerColumn.UPDATED_AT);

    private long records;
    private long minEventTime = Long.MAX_VALUE;
    private long maxEventTime = Long.MIN_VALUE;

    private CsvStatsScanner() {}

    /** Scans a whole input, header line first. */
    public static CsvStatsScanner scan(final InputStream input) throws IOException {
        final CsvStatsScanner scanner = new CsvStatsScanner();
        final CustomerCsvReader reader = new CustomerCsvReader(input, MAX_RECORD_BYTES);
        boolean header = true;
        while (true) {
            final CustomerCsvReader.Status status = reader.next();
            if (status == CustomerCsvReader.Status.END_OF_INPUT) {
                return scanner;
            }
            if (header) {
                header = false;
            } else {
                scanner.records++;
                if (status == CustomerCsvReader.Status.RECORD) {
                    scanner.addEventTime(reader);
                }
            }
            if (status == CustomerCsvReader.Status.UNTERMINATED_QUOTE) {
                return scanner;
            }
        }
    }

    private void addEventTime(final CustomerCsvReader record) {
        if (record.fieldCount() <= EVENT_TIME_COLUMN) {
            return;
        }
        final long time = EventTime.parseCanonical(
                record.buffer(), record.fieldStart(EVENT_TIME_COLUMN), record.fieldLength(EVENT_TIME_COLUMN));
        if (time != EventTime.INVALID) {
            minEventTime = Math.min(minEventTime, time);
            maxEventTime = Math.max(maxEventTime, time);
        }
    }

    public long records() {
        return records;
    }

    /** Earliest event time in epoch milliseconds, or {@link EventTime#INVALID} when no record had a valid one. */
    public long minEventTime() {
        return minEventTime != Long.MAX_VALUE ? minEventTime : EventTime.INVALID;
    }

    /** Latest event time in epoch milliseconds, or {@link EventTime#INVALID} when no record had a valid one. */
    public long maxEventTime() {
        return maxEventTime != Long.MIN_VALUE ? maxEventTime : EventTime.INVALID;
    }
}
