package io.snowstream.nifi.s3;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Concatenates CSV inputs into one object body under a single header, streaming: each input's header line is
 * checked and kept only for the first, and an input whose last record lacks its line feed gets one so the next
 * input's first record starts on its own line. The first input's header must be the canonical customer header or
 * one of the rejected-records headers ValidateCustomerRecord writes (the quarantine); every further input of the
 * object must have exactly the same header line.
 */
public final class BatchObjectWriter {

    private static final byte[] HEADER_LINE = CustomerCsvFormat.HEADER_LINE;
    /** Longer than any accepted header line: a first line that does not end within it is refused. */
    private static final int MAX_HEADER_LINE = 512;

    private final OutputStream body;
    private final byte[] buffer = new byte[64 * 1024];
    private byte[] objectHeader;

    public BatchObjectWriter(final OutputStream body) {
        this.body = body;
    }

    /**
     * Appends one input. An empty input contributes nothing; any other input must start with an accepted header line
     * (the object's, once it has one), or {@link InvalidInputException} is thrown before any of its bytes are written.
     */
    public void append(final InputStream input) throws IOException {
        final byte[] head = input.readNBytes(HEADER_LINE.length);
        if (head.length == 0) {
            return;
        }
        final byte[] header = Arrays.equals(head, HEADER_LINE) ? HEADER_LINE : completeHeaderLine(head, input);
        if (objectHeader == null) {
            if (header != HEADER_LINE
                    && CustomerCsvFormat.REJECTED_HEADER_LINES.stream()
                            .noneMatch(line -> Arrays.equals(line, header))) {
                throw new InvalidInputException("Content does not start with the canonical customer CSV header line"
                        + " (nor with the rejected-records header ValidateCustomerRecord writes)");
            }
            body.write(header);
            objectHeader = header;
        } else if (!Arrays.equals(header, objectHeader)) {
            throw new InvalidInputException(
                    "Content's header line differs from the header of the object it would join");
        }
        byte last = CustomerCsvFormat.LINE_FEED;
        int read;
        while ((read = input.read(buffer)) >= 0) {
            if (read > 0) {
                body.write(buffer, 0, read);
                last = buffer[read - 1];
            }
        }
        if (last != CustomerCsvFormat.LINE_FEED) {
            body.write(CustomerCsvFormat.LINE_FEED);
        }
    }

    /**
     * The whole first line, line feed included, of which {@code head} is the start. A head that already holds a line
     * feed, and a line longer than any accepted header, are returned as they are: neither is ever accepted.
     */
    private static byte[] completeHeaderLine(final byte[] head, final InputStream input) throws IOException {
        for (final byte b : head) {
            if (b == CustomerCsvFormat.LINE_FEED) {
                return head;
            }
        }
        final byte[] line = Arrays.copyOf(head, MAX_HEADER_LINE);
        int length = head.length;
        while (length < MAX_HEADER_LINE) {
            final int b = input.read();
            if (b < 0) {
                break;
            }
            line[length++] = (byte) b;
            if (b == CustomerCsvFormat.LINE_FEED) {
                break;
            }
        }
        return Arrays.copyOf(line, length);
    }

    /** Thrown for an input without an accepted header line; the batch can be formed again without it. */
    public static final class InvalidInputException extends IOException {
        public InvalidInputException(final String message) {
            super(message);
        }
    }
}
