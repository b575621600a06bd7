package io.snowstream.nifi.s3;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Concatenates canonical CSV inputs into one object body under a single header, streaming: each input's header
 * line is checked and kept only for the first, and an input whose last record lacks its line feed gets one so the
 * next input's first record starts on its own line.
 */
public final class BatchObjectWriter {

    private static final byte[] HEADER_LINE = CustomerCsvFormat.HEADER_LINE;

    private final OutputStream body;
    private final byte[] buffer = new byte[64 * 1024];
    private boolean headerWritten;

    public BatchObjectWriter(final OutputStream body) {
        this.body = body;
    }

    /**
     * Appends one input. An empty input contributes nothing; any other input must start with the canonical header
     * line, or {@link InvalidInputException} is thrown before any of its bytes are written.
     */
    public void append(final InputStream input) throws IOException {
        final byte[] head = input.readNBytes(HEADER_LINE.length);
        if (head.length == 0) {
            return;
        }
        if (!Arrays.equals(head, HEADER_LINE)) {
            throw new InvalidInputException("Content does not start with the canonical customer CSV header line");
        }
        if (!headerWritten) {
            body.write(HEADER_LINE);
            headerWritten = true;
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

    /** Thrown for an input that is not canonical customer CSV; the batch can be formed again without it. */
    public static final class InvalidInputException extends IOException {
        public InvalidInputException(final String message) {
            super(message);
        }
    }
}
