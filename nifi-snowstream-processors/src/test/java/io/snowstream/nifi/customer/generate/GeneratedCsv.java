package io.snowstream.nifi.customer.generate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads generated CSV back for assertions: an independent, minimal RFC 4180 reader, so the tests do not trust the
 * code under test to read its own output. Works on bytes and keeps each record's raw bytes, because invalid records
 * may carry bytes that are not UTF-8.
 */
final class GeneratedCsv {

    record Row(byte[] raw, List<String> fields) {
        String field(final int index) {
            return fields.get(index);
        }

        String id() {
            return fields.get(0);
        }

        String op() {
            return fields.get(fields.size() - 1);
        }
    }

    private GeneratedCsv() {}

    /** The records after the header; fails when the first line is not the canonical header. */
    static List<Row> rows(final byte[] csv) {
        final List<Row> rows = new ArrayList<>();
        int position = 0;
        boolean header = true;
        while (position < csv.length) {
            final List<String> fields = new ArrayList<>();
            final int start = position;
            final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            boolean quoted = false;
            while (true) {
                final byte b = csv[position++];
                if (quoted) {
                    if (b == '"' && position < csv.length && csv[position] == '"') {
                        bytes.write('"');
                        position++;
                    } else if (b == '"') {
                        quoted = false;
                    } else {
                        bytes.write(b);
                    }
                } else if (b == '"') {
                    quoted = true;
                } else if (b == ',' || b == '\n') {
                    fields.add(bytes.toString(StandardCharsets.UTF_8));
                    bytes.reset();
                    if (b == '\n') {
                        break;
                    }
                } else {
                    bytes.write(b);
                }
            }
            if (header) {
                if (!String.join(",", fields).equals(io.snowstream.nifi.customer.csv.CustomerCsvFormat.HEADER)) {
                    throw new AssertionError("Not the canonical header: " + fields);
                }
                header = false;
            } else {
                rows.add(new Row(Arrays.copyOfRange(csv, start, position), fields));
            }
        }
        return rows;
    }
}
