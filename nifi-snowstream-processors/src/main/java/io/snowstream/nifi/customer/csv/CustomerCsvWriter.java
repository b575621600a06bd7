package io.snowstream.nifi.customer.csv;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Writes records in the pipeline's CSV layout. Fields are encoded to UTF-8 straight into an internal buffer and
 * enclosed in quotes only when they contain a delimiter, a quote, CR or LF, so that plain values cost one copy.
 * Not thread-safe; {@link #close()} flushes but never closes the target stream, which belongs to the caller.
 */
public final class CustomerCsvWriter implements AutoCloseable {

    private static final int BUFFER_SIZE = 64 * 1024;
    /** A single quote character: encloses a quoted field and doubles a quote inside one. */
    private static final byte[] QUOTE_BYTE = {CustomerCsvFormat.QUOTE};

    private final OutputStream target;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int position;
    private boolean atRecordStart = true;
    private long bytesWritten;

    public CustomerCsvWriter(final OutputStream target) {
        this.target = target;
    }

    public void writeHeader() {
        writeRaw(CustomerCsvFormat.HEADER_LINE, 0, CustomerCsvFormat.HEADER_LINE.length);
    }

    /** Writes a text field; {@code null} is written as an empty field. */
    public void field(final CharSequence value) {
        separate();
        if (value == null) {
            return;
        }
        final int length = value.length();
        if (length <= BUFFER_SIZE && isAsciiWithoutSpecials(value, length)) {
            ensureCapacity(length);
            for (int i = 0; i < length; i++) {
                buffer[position++] = (byte) value.charAt(i);
            }
            return;
        }
        final byte[] utf8 = value.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        writeEncoded(utf8, 0, utf8.length);
    }

    /** Writes a field given as UTF-8 bytes, quoting it when needed. */
    public void field(final byte[] utf8, final int offset, final int length) {
        separate();
        writeEncoded(utf8, offset, length);
    }

    public void field(final long value) {
        separate();
        ensureCapacity(20);
        if (value < 0) {
            buffer[position++] = '-';
            if (value == Long.MIN_VALUE) {
                // its magnitude does not fit a long: write the last digit separately
                writeDigits(-(value / 10));
                buffer[position++] = (byte) ('0' - value % 10);
                return;
            }
            writeDigits(-value);
        } else {
            writeDigits(value);
        }
    }

    /** Writes a canonical event time field. */
    public void eventTimeField(final long epochMillis) {
        separate();
        ensureCapacity(EventTime.LENGTH);
        position = EventTime.format(epochMillis, buffer, position);
    }

    public void endRecord() {
        ensureCapacity(1);
        buffer[position++] = CustomerCsvFormat.LINE_FEED;
        atRecordStart = true;
    }

    /** Bytes handed to the target stream so far plus those still buffered. */
    public long bytesWritten() {
        return bytesWritten + position;
    }

    public void flush() {
        try {
            target.write(buffer, 0, position);
            target.flush();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        bytesWritten += position;
        position = 0;
    }

    @Override
    public void close() {
        flush();
    }

    private void separate() {
        if (atRecordStart) {
            atRecordStart = false;
            return;
        }
        ensureCapacity(1);
        buffer[position++] = CustomerCsvFormat.DELIMITER;
    }

    private void writeEncoded(final byte[] utf8, final int offset, final int length) {
        boolean quote = false;
        for (int i = offset; i < offset + length; i++) {
            final byte b = utf8[i];
            if (CustomerCsvFormat.needsQuoting(b)) {
                quote = true;
                break;
            }
        }
        if (!quote) {
            writeRaw(utf8, offset, length);
            return;
        }
        writeRaw(QUOTE_BYTE, 0, 1);
        int runStart = offset;
        for (int i = offset; i < offset + length; i++) {
            if (utf8[i] == CustomerCsvFormat.QUOTE) {
                writeRaw(utf8, runStart, i + 1 - runStart);
                writeRaw(QUOTE_BYTE, 0, 1);
                runStart = i + 1;
            }
        }
        writeRaw(utf8, runStart, offset + length - runStart);
        writeRaw(QUOTE_BYTE, 0, 1);
    }

    private void writeRaw(final byte[] source, final int offset, final int length) {
        if (length <= BUFFER_SIZE - position) {
            System.arraycopy(source, offset, buffer, position, length);
            position += length;
            return;
        }
        flush();
        if (length <= BUFFER_SIZE) {
            System.arraycopy(source, offset, buffer, 0, length);
            position = length;
            return;
        }
        try {
            target.write(source, offset, length);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        bytesWritten += length;
    }

    private void writeDigits(final long nonNegative) {
        final int start = position;
        long remaining = nonNegative;
        do {
            buffer[position++] = (byte) ('0' + remaining % 10);
            remaining /= 10;
        } while (remaining != 0);
        for (int left = start, right = position - 1; left < right; left++, right--) {
            final byte swap = buffer[left];
            buffer[left] = buffer[right];
            buffer[right] = swap;
        }
    }

    private void ensureCapacity(final int length) {
        if (BUFFER_SIZE - position < length) {
            flush();
        }
    }

    private static boolean isAsciiWithoutSpecials(final CharSequence value, final int length) {
        for (int i = 0; i < length; i++) {
            final char c = value.charAt(i);
            if (c >= 0x80 || c == ',' || c == '"' || c == '\n' || c == '\r') {
                return false;
            }
        }
        return true;
    }
}
