package io.snowstream.nifi.customer.validate;

import io.snowstream.nifi.customer.csv.CustomerColumn;
import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.customer.csv.CustomerCsvReader;
import io.snowstream.nifi.customer.csv.CustomerCsvWriter;
import io.snowstream.nifi.customer.csv.EventTime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Validates one customer CSV input in a single streaming pass: valid records go, normalized and in the canonical
 * layout, to one output; rejected records go to the other with {@code error_code}, {@code error_detail} and
 * {@code source_line} in front of their original field values, byte for byte (a record with the wrong number of
 * fields keeps all of its fields, so that row is longer or shorter than the header). Each output receives its
 * header with its first record, so an output without records stays empty. Input order is kept.
 *
 * <p>The whole input is rejected (a {@link ValidationOutcome#failed failure}, with whatever was written to the
 * outputs to be discarded by the caller) when it is not customer CSV at all: empty, not text, UTF-16, a header that
 * is neither the canonical nor the legacy one, a quote left open at the end (its extent, and so the record count,
 * is unknowable), or a record larger than the record size limit.
 *
 * <p>Legacy input (the original project's eight columns) is upgraded: op U, and as updated_at the time the
 * caller passes in, which for the processor is when the data entered NiFi; all its records share it, and the
 * output keeps their order, so ties are broken by file and row.
 */
public final class CustomerFileValidator {

    /** The columns written as they are, between customer_id and updated_at. */
    private static final CustomerColumn[] TEXT_COLUMNS = CustomerColumn.LEGACY_COLUMNS
            .subList(1, CustomerColumn.LEGACY_COLUMNS.size())
            .toArray(new CustomerColumn[0]);

    private static final byte[] UPSERT = {'U'};
    private static final byte[] DELETE = {'D'};
    private static final int HEADER_PREVIEW_CHARACTERS = 120;

    private final ValidationSettings settings;

    public CustomerFileValidator(final ValidationSettings settings) {
        this.settings = settings;
    }

    /**
     * Reads {@code input} to its end (or to the first fault that fails it) and writes the two outputs; never closes
     * any of the streams. {@code legacyEventTime} is the event time given to legacy records, {@code now} the
     * processing time, both epoch milliseconds.
     */
    public ValidationOutcome validate(
            final InputStream input,
            final OutputStream validOutput,
            final OutputStream invalidOutput,
            final long legacyEventTime,
            final long now)
            throws IOException {
        try {
            return run(input, validOutput, invalidOutput, legacyEventTime, now);
        } catch (final UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private ValidationOutcome run(
            final InputStream input,
            final OutputStream validOutput,
            final OutputStream invalidOutput,
            final long legacyEventTime,
            final long now)
            throws IOException {
        final CustomerCsvReader reader = new CustomerCsvReader(input, settings.maxRecordBytes());
        final CustomerCsvReader.Status headerStatus = reader.next();
        if (headerStatus != CustomerCsvReader.Status.RECORD) {
            return ValidationOutcome.failed(readFailure(headerStatus, reader, true));
        }
        final InputLayout layout = InputLayout.ofHeader(reader);
        if (layout == null) {
            return ValidationOutcome.failed(describeWrongHeader(reader));
        }

        final RecordRules rules = new RecordRules(settings);
        final long[] violations = new long[ViolationCode.values().length];
        final CustomerCsvWriter valid = new CustomerCsvWriter(validOutput);
        final CustomerCsvWriter invalid = new CustomerCsvWriter(invalidOutput);
        long validCount = 0;
        long invalidCount = 0;
        long minEventTime = Long.MAX_VALUE;
        long maxEventTime = Long.MIN_VALUE;
        while (true) {
            final CustomerCsvReader.Status status = reader.next();
            if (status == CustomerCsvReader.Status.END_OF_INPUT) {
                break;
            }
            if (status != CustomerCsvReader.Status.RECORD) {
                return ValidationOutcome.failed(readFailure(status, reader, false));
            }
            if (rules.check(reader, layout, legacyEventTime, now)) {
                if (validCount++ == 0) {
                    valid.writeHeader();
                }
                writeValid(valid, reader, rules);
                minEventTime = Math.min(minEventTime, rules.eventTime());
                maxEventTime = Math.max(maxEventTime, rules.eventTime());
            } else {
                if (invalidCount++ == 0) {
                    writeInvalidHeader(invalid, layout);
                }
                writeInvalid(invalid, reader, rules);
                violations[rules.violation().ordinal()]++;
            }
        }
        valid.flush();
        invalid.flush();
        return new ValidationOutcome(
                null, layout, validCount, invalidCount, countsByCode(violations), minEventTime, maxEventTime);
    }

    private static void writeValid(
            final CustomerCsvWriter writer, final CustomerCsvReader reader, final RecordRules rules) {
        final byte[] bytes = reader.buffer();
        final String rewrittenEmail = rules.normalizeEmail(bytes);
        writer.field(rules.customerId());
        for (final CustomerColumn column : TEXT_COLUMNS) {
            final int start = rules.valueStart(column);
            final int length = rules.valueEnd(column) - start;
            if (column == CustomerColumn.EMAIL && rewrittenEmail != null) {
                writer.field(rewrittenEmail);
            } else if (rules.needsQuoting(column)) {
                writer.field(bytes, start, length);
            } else {
                writer.plainField(bytes, start, length);
            }
        }
        if (rules.eventTimeCanonical()) {
            writer.plainField(bytes, rules.valueStart(CustomerColumn.UPDATED_AT), EventTime.LENGTH);
        } else {
            writer.eventTimeField(rules.eventTime());
        }
        final byte[] op = rules.isDelete() ? DELETE : UPSERT;
        writer.plainField(op, 0, op.length);
        writer.endRecord();
    }

    private static void writeInvalidHeader(final CustomerCsvWriter writer, final InputLayout layout) {
        for (final String column : CustomerCsvFormat.REJECTION_COLUMNS) {
            writer.field(column);
        }
        for (final CustomerColumn column : layout.columns()) {
            writer.field(column.headerName());
        }
        writer.endRecord();
    }

    private static void writeInvalid(
            final CustomerCsvWriter writer, final CustomerCsvReader reader, final RecordRules rules) {
        writer.field(rules.violation().name());
        writer.field(rules.detail());
        writer.field(reader.recordLine());
        final byte[] bytes = reader.buffer();
        for (int field = 0; field < reader.fieldCount(); field++) {
            writer.field(bytes, reader.fieldStart(field), reader.fieldLength(field));
        }
        writer.endRecord();
    }

    private String readFailure(
            final CustomerCsvReader.Status status, final CustomerCsvReader reader, final boolean header) {
        return switch (status) {
            case END_OF_INPUT -> "The input is empty: expected the header line " + CustomerCsvFormat.HEADER;
            case UNTERMINATED_QUOTE ->
                "A quoted field opened in the " + (header ? "header" : "record") + " starting on line "
                        + reader.recordLine()
                        + " is never closed: the input is truncated or its quoting is broken, so its records cannot be told apart";
            case RECORD_TOO_LARGE ->
                "The " + (header ? "first line" : "record") + " starting on line " + reader.recordLine()
                        + " is larger than the Maximum Record Size of " + settings.maxRecordBytes() + " bytes"
                        + (header ? ": the input is probably not CSV text" : "");
            case RECORD -> throw new IllegalStateException("not a failure: " + status);
        };
    }

    private static String describeWrongHeader(final CustomerCsvReader header) {
        final byte[] bytes = header.buffer();
        final int start = header.fieldStart(0);
        final int length = header.fieldEnd(header.fieldCount() - 1) - start;
        if (length >= 2
                && (bytes[start] == (byte) 0xFF && bytes[start + 1] == (byte) 0xFE
                        || bytes[start] == (byte) 0xFE && bytes[start + 1] == (byte) 0xFF)) {
            return "The input is UTF-16 text (it starts with a UTF-16 byte order mark): customer CSV must be UTF-8";
        }
        for (int i = start; i < start + length; i++) {
            final byte b = bytes[i];
            if (b >= 0 && b < 0x20 && b != '\t') {
                return String.format(
                        Locale.ROOT,
                        "The input is not CSV text: its first line holds the control byte 0x%02X "
                                + "(binary content, or UTF-16 without a byte order mark)",
                        b);
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, start, length));
        } catch (final CharacterCodingException e) {
            return "The input is not CSV text: its first line is not valid UTF-8 (binary content, or another encoding)";
        }
        final StringBuilder found = new StringBuilder();
        for (int field = 0; field < header.fieldCount(); field++) {
            if (field > 0) {
                found.append(',');
            }
            found.append(
                    new String(bytes, header.fieldStart(field), header.fieldLength(field), StandardCharsets.UTF_8));
        }
        final String shown = found.length() > HEADER_PREVIEW_CHARACTERS
                ? found.substring(0, HEADER_PREVIEW_CHARACTERS) + "..."
                : found.toString();
        return "The first line is not a customer CSV header: expected '" + CustomerCsvFormat.HEADER
                + "' or the legacy '" + CustomerCsvFormat.LEGACY_HEADER + "', found '" + shown + "'";
    }

    private static Map<ViolationCode, Long> countsByCode(final long[] violations) {
        final Map<ViolationCode, Long> counts = new EnumMap<>(ViolationCode.class);
        for (final ViolationCode code : ViolationCode.values()) {
            if (violations[code.ordinal()] > 0) {
                counts.put(code, violations[code.ordinal()]);
            }
        }
        return Collections.unmodifiableMap(counts);
    }
}
