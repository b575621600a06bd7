package io.snowstream.nifi.customer.csv;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Streaming RFC 4180 tokenizer over raw bytes: quoted fields with commas, doubled quotes and CR, LF or CRLF inside,
 * CRLF, CR or LF line ends, a leading UTF-8 byte order mark, a missing final line end, NUL bytes. Completely empty
 * lines are skipped, and so are blank lines (nothing but spaces and tabs, no quote): a trailing line of spaces is
 * the same accident as a trailing empty line, not a record. A quote opens a quoted field only as the field's first
 * byte; content after a closing quote, and a quote inside an unquoted field, are kept literally. This is the one
 * CSV scanning rule of the bundle: every reader of customer CSV uses this class.
 *
 * <p>Why hand-written and byte-level rather than a library reading characters: a character decoder either fails
 * or silently replaces malformed bytes for the whole stream, while the pipeline treats invalid UTF-8 as a fault of
 * one record (checked by the record rules on the field bytes); every record must keep its source line number and
 * its exact bytes so that a rejected record can be quarantined without loss; and scanning bytes into one reused
 * buffer, without a String per field, is what makes validation run at the speed of a plain parse.
 *
 * <p>Memory is bounded: one fixed read buffer plus one record buffer that grows only up to the record size limit
 * given at construction. A record beyond that limit is read to its end without keeping its bytes and reported as
 * {@link Status#RECORD_TOO_LARGE} (the next call reads the record after it); a quote still open at the end of the
 * input is reported as {@link Status#UNTERMINATED_QUOTE}.
 * Not thread-safe; never closes the source stream.
 */
public final class CustomerCsvReader {

    /** What {@link #next()} found. */
    public enum Status {
        /** A record is available through the field accessors. */
        RECORD,
        /** The input is exhausted; no record. */
        END_OF_INPUT,
        /** The input ended inside a quoted field that started on {@link #recordLine()}'s record. */
        UNTERMINATED_QUOTE,
        /** The record starting on {@link #recordLine()} is larger than the record size limit; its fields are not available. */
        RECORD_TOO_LARGE
    }

    private static final int READ_BUFFER_SIZE = 64 * 1024;
    private static final int INITIAL_RECORD_CAPACITY = 8 * 1024;
    private static final int INITIAL_FIELD_CAPACITY = 16;
    private static final byte QUOTE = CustomerCsvFormat.QUOTE;
    private static final byte DELIMITER = CustomerCsvFormat.DELIMITER;
    private static final byte LF = CustomerCsvFormat.LINE_FEED;
    private static final byte CR = CustomerCsvFormat.CARRIAGE_RETURN;

    private final InputStream source;
    private final int maxRecordBytes;
    private final byte[] input = new byte[READ_BUFFER_SIZE];
    private int inputPosition;
    private int inputLimit;
    private boolean exhausted;
    private boolean started;
    /** The previous line ended with CR: an LF right after it belongs to the same line end. */
    private boolean afterCarriageReturn;

    private byte[] record = new byte[INITIAL_RECORD_CAPACITY];
    private int recordLength;
    private int[] fieldStarts = new int[INITIAL_FIELD_CAPACITY];
    private int[] fieldEnds = new int[INITIAL_FIELD_CAPACITY];
    private int fieldCount;
    private long nextLine = 1;
    private long recordLine;
    /** Whether a quoted field opened in the current record: a quoted blank value is data, not a blank line. */
    private boolean recordQuoted;
    /** The current record has passed the size limit: the rest of it is scanned, not kept. */
    private boolean recordTooLarge;

    public CustomerCsvReader(final InputStream source, final int maxRecordBytes) {
        this.source = source;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** Reads the next record. */
    public Status next() throws IOException {
        if (!started) {
            started = true;
            skipByteOrderMark();
        }
        while (true) {
            fieldCount = 0;
            recordLength = 0;
            recordQuoted = false;
            recordTooLarge = false;
            if (!skipEmptyLines()) {
                return Status.END_OF_INPUT;
            }
            recordLine = nextLine;
            final Status status = readRecord();
            if (status != Status.RECORD || !isBlankLine()) {
                return status;
            }
        }
    }

    /** The bytes of the current record's fields; valid until the next call of {@link #next()}. */
    public byte[] buffer() {
        return record;
    }

    public int fieldCount() {
        return fieldCount;
    }

    /** Offset in {@link #buffer()} of the field's first byte, quotes removed and doubled quotes undone. */
    public int fieldStart(final int field) {
        return fieldStarts[field];
    }

    public int fieldEnd(final int field) {
        return fieldEnds[field];
    }

    public int fieldLength(final int field) {
        return fieldEnds[field] - fieldStarts[field];
    }

    /** The 1-based line of the input on which the current record starts. */
    public long recordLine() {
        return recordLine;
    }

    private Status readRecord() throws IOException {
        boolean quoted = false;
        boolean atFieldStart = true;
        int fieldStart = 0;
        byte previousQuotedByte = 0;
        while (true) {
            if (inputPosition == inputLimit && !fill()) {
                if (quoted) {
                    return recordTooLarge ? Status.RECORD_TOO_LARGE : Status.UNTERMINATED_QUOTE;
                }
                endField(fieldStart);
                return recordStatus();
            }
            final byte[] in = input;
            final int limit = inputLimit;
            int position = inputPosition;
            if (!quoted) {
                if (atFieldStart && in[position] == QUOTE) {
                    quoted = true;
                    recordQuoted = true;
                    atFieldStart = false;
                    inputPosition = position + 1;
                    continue;
                }
                atFieldStart = false;
                final int runStart = position;
                while (position < limit) {
                    final byte b = in[position];
                    // delimiter, CR and LF all sort at or below ',': one comparison settles letters and digits
                    if (b <= DELIMITER && (b == DELIMITER || b == LF || b == CR)) {
                        break;
                    }
                    position++;
                }
                append(in, runStart, position - runStart);
                if (position == limit) {
                    inputPosition = position;
                    continue;
                }
                final byte terminator = in[position];
                inputPosition = position + 1;
                endField(fieldStart);
                if (terminator == DELIMITER) {
                    // delimiters count towards the limit too, so a line of nothing but commas stays bounded
                    recordTooLarge |= recordLength + fieldCount > maxRecordBytes;
                    fieldStart = recordLength;
                    atFieldStart = true;
                    continue;
                }
                nextLine++;
                afterCarriageReturn = terminator == CR;
                return recordStatus();
            }
            final int runStart = position;
            while (position < limit) {
                final byte b = in[position];
                if (b == QUOTE) {
                    break;
                }
                if (b == CR || (b == LF && previousQuotedByte != CR)) {
                    nextLine++;
                }
                previousQuotedByte = b;
                position++;
            }
            append(in, runStart, position - runStart);
            inputPosition = position;
            if (position == limit) {
                continue;
            }
            // a quote inside a quoted field: doubled means a literal quote, single closes the quoted section
            inputPosition = position + 1;
            previousQuotedByte = QUOTE;
            if (inputPosition == inputLimit && !fill()) {
                quoted = false;
                continue;
            }
            if (input[inputPosition] == QUOTE) {
                inputPosition++;
                append(input, inputPosition - 1, 1);
            } else {
                quoted = false;
            }
        }
    }

    /** A record of one unquoted field of nothing but spaces and tabs: a blank line. */
    private boolean isBlankLine() {
        if (fieldCount != 1 || recordQuoted) {
            return false;
        }
        for (int i = 0; i < recordLength; i++) {
            if (record[i] != ' ' && record[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    /** Skips line ends that hold nothing; false when the input ends first. */
    private boolean skipEmptyLines() throws IOException {
        while (true) {
            if (inputPosition == inputLimit && !fill()) {
                return false;
            }
            final byte b = input[inputPosition];
            if (b == LF) {
                inputPosition++;
                if (!afterCarriageReturn) {
                    nextLine++;
                }
                afterCarriageReturn = false;
            } else if (b == CR) {
                inputPosition++;
                nextLine++;
                afterCarriageReturn = true;
            } else {
                afterCarriageReturn = false;
                return true;
            }
        }
    }

    private void skipByteOrderMark() throws IOException {
        while (inputLimit < 3 && !exhausted) {
            final int read = source.read(input, inputLimit, input.length - inputLimit);
            if (read < 0) {
                exhausted = true;
            } else {
                inputLimit += read;
            }
        }
        if (inputLimit >= 3 && input[0] == (byte) 0xEF && input[1] == (byte) 0xBB && input[2] == (byte) 0xBF) {
            inputPosition = 3;
        }
    }

    /** Refills the read buffer once it is consumed; false at the end of the input. */
    private boolean fill() throws IOException {
        while (!exhausted) {
            final int read = source.read(input, 0, input.length);
            if (read < 0) {
                exhausted = true;
            } else if (read > 0) {
                inputPosition = 0;
                inputLimit = read;
                return true;
            }
        }
        return false;
    }

    private Status recordStatus() {
        return recordTooLarge ? Status.RECORD_TOO_LARGE : Status.RECORD;
    }

    /** Keeps bytes of the current record, unless it has grown past the limit (then nothing more is kept). */
    private void append(final byte[] bytes, final int offset, final int length) {
        final int required = recordLength + length;
        if (recordTooLarge || required > maxRecordBytes) {
            recordTooLarge = true;
            return;
        }
        if (required > record.length) {
            record = Arrays.copyOf(record, (int) Math.min(maxRecordBytes, Math.max(required, 2L * record.length)));
        }
        System.arraycopy(bytes, offset, record, recordLength, length);
        recordLength = required;
    }

    private void endField(final int fieldStart) {
        if (recordTooLarge) {
            // the fields of a record past the limit are never read: a line of a million commas must not grow these
            return;
        }
        if (fieldCount == fieldStarts.length) {
            fieldStarts = Arrays.copyOf(fieldStarts, fieldCount * 2);
            fieldEnds = Arrays.copyOf(fieldEnds, fieldCount * 2);
        }
        fieldStarts[fieldCount] = fieldStart;
        fieldEnds[fieldCount] = recordLength;
        fieldCount++;
    }
}
