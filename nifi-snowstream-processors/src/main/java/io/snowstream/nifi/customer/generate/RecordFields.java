package io.snowstream.nifi.customer.generate;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.customer.csv.CustomerCsvWriter;

/**
 * One record as byte slices, one per column, filled without copying from the value pools and written through
 * {@link CustomerCsvWriter}. Mutable and reused for every record; invalid records alter it before it is written.
 */
final class RecordFields {

    static final byte[] EMPTY = new byte[0];
    /** Room for one extra column, which is how a wrong field count is produced. */
    static final int MAX_FIELDS = CustomerCsvFormat.COLUMN_COUNT + 1;

    final byte[][] data = new byte[MAX_FIELDS][];
    final int[] offset = new int[MAX_FIELDS];
    final int[] length = new int[MAX_FIELDS];
    int count;

    void set(final int column, final byte[] value) {
        set(column, value, 0, value.length);
    }

    void set(final int column, final byte[] value, final int valueOffset, final int valueLength) {
        data[column] = value;
        offset[column] = valueOffset;
        length[column] = valueLength;
    }

    void clear(final int column) {
        set(column, EMPTY, 0, 0);
    }

    void writeTo(final CustomerCsvWriter writer) {
        for (int column = 0; column < count; column++) {
            writer.field(data[column], offset[column], length[column]);
        }
        writer.endRecord();
    }
}
