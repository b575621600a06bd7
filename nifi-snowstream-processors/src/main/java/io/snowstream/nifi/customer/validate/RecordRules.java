package io.snowstream.nifi.customer.validate;

import io.snowstream.nifi.customer.csv.CustomerColumn;
import io.snowstream.nifi.customer.csv.CustomerCsvReader;
import io.snowstream.nifi.customer.csv.EventTime;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.util.Arrays;
import java.util.Locale;

/**
 * The per-record rules. {@link #check} applies them in a fixed order and stops at the first violation: field
 * count; then each field in column order for invalid UTF-8, control characters and length; then customer_id, op,
 * the fields the op requires, updated_at and email. A record that passes exposes its normalized values.
 *
 * <p>The checks read the reader's bytes in place: for ASCII data no String is made; Strings are built only to
 * describe a violation and to parse event times that are not already canonical.
 *
 * <p>Normalization (when enabled): ASCII spaces and tabs around every value are trimmed, op is upper-cased, the
 * whole email is lower-cased (Locale.ROOT, non-ASCII letters included), and updated_at may be any date-time that
 * names its offset, in the ISO-8601 shape or the one Snowflake and SQL exports write: {@code T} or a space between
 * date and time, optional seconds and fraction, then {@code Z}, {@code +HH:MM}, {@code +HHMM} or {@code +HH},
 * optionally after a space, or {@code " UTC"} (so {@code 2024-10-07 09:30:06.729 Z},
 * {@code 2024-10-07 09:30:06.729 +0000} and {@code 2024-10-07 09:30:06.729000 UTC} are read). It is re-written in
 * the canonical UTC layout, fraction digits beyond milliseconds truncated. A date-time without an offset is
 * ambiguous and rejected. Without normalization values must already be canonical.
 */
public final class RecordRules {

    private static final int ID = CustomerColumn.CUSTOMER_ID.ordinal();
    private static final int EMAIL = CustomerColumn.EMAIL.ordinal();
    private static final int UPDATED_AT = CustomerColumn.UPDATED_AT.ordinal();
    private static final int OP = CustomerColumn.OP.ordinal();
    private static final int PREVIEW_CHARACTERS = 60;
    private static final int MAX_EMAIL_BYTES = 254;
    private static final String UTC_SUFFIX = " UTC";
    /** Characters of {@code yyyy-MM-dd}. */
    private static final int DATE_LENGTH = 10;
    /**
     * A date-time with its offset: ISO-8601's local date-time (seconds and fraction optional), then optionally a
     * space, then the offset as {@code Z}, {@code +HH:MM}, {@code +HHMM} or {@code +HH} (the last two are what
     * Snowflake's default TIMESTAMP_TZ output and many exports write). Strict calendar: no 30 February.
     */
    private static final DateTimeFormatter LENIENT_EVENT_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart()
            .appendLiteral(' ')
            .optionalEnd()
            .appendPattern("[XXX][XX][X]")
            .toFormatter(Locale.ROOT)
            .withChronology(IsoChronology.INSTANCE)
            .withResolverStyle(ResolverStyle.STRICT);

    /** ASCII bytes a plausible address never holds outside quotes: controls, space and the RFC 5322 specials. */
    private static final boolean[] NOT_IN_EMAIL = new boolean[128];

    static {
        for (int b = 0; b <= ' '; b++) {
            NOT_IN_EMAIL[b] = true;
        }
        for (final char special : "\",()<>[]\\;:".toCharArray()) {
            NOT_IN_EMAIL[special] = true;
        }
        NOT_IN_EMAIL[0x7F] = true;
    }

    private final ValidationSettings settings;
    private final int[] starts = new int[CustomerColumn.CANONICAL_COLUMNS.size()];
    private final int[] ends = new int[CustomerColumn.CANONICAL_COLUMNS.size()];

    /** Bit i set: the value of column i holds a delimiter, quote, CR or LF and must be quoted when written. */
    private int fieldsNeedingQuotes;

    private long customerId;
    private long eventTime;
    private boolean eventTimeCanonical;
    private boolean delete;
    private ViolationCode violation;
    private String detail;

    public RecordRules(final ValidationSettings settings) {
        this.settings = settings;
    }

    /**
     * Checks the reader's current record laid out as {@code layout}. A legacy record takes {@code legacyEventTime}
     * as its event time and U as its op. {@code now} is the processing time the future skew is measured from.
     * Returns true when the record is valid; otherwise {@link #violation()} and {@link #detail()} say why.
     */
    public boolean check(
            final CustomerCsvReader record, final InputLayout layout, final long legacyEventTime, final long now) {
        violation = null;
        detail = null;
        fieldsNeedingQuotes = 0;
        final int columns = layout.columnCount();
        if (record.fieldCount() != columns) {
            return reject(
                    ViolationCode.WRONG_FIELD_COUNT, "expected " + columns + " fields, found " + record.fieldCount());
        }
        final byte[] bytes = record.buffer();
        for (int field = 0; field < columns; field++) {
            int start = record.fieldStart(field);
            int end = record.fieldEnd(field);
            if (settings.normalize()) {
                while (start < end && isBlank(bytes[start])) {
                    start++;
                }
                while (end > start && isBlank(bytes[end - 1])) {
                    end--;
                }
            }
            starts[field] = start;
            ends[field] = end;
            if (!checkContent(bytes, field, start, end)) {
                return false;
            }
        }
        return checkId(bytes)
                && checkOp(bytes, layout)
                && checkRequired(layout)
                && checkEventTime(bytes, layout, legacyEventTime, now)
                && checkEmail(bytes);
    }

    public ViolationCode violation() {
        return violation;
    }

    public String detail() {
        return detail;
    }

    /** The normalized customer_id of the last valid record. */
    public long customerId() {
        return customerId;
    }

    /** The event time of the last valid record, epoch milliseconds. */
    public long eventTime() {
        return eventTime;
    }

    /** Whether the last valid record's updated_at bytes are already canonical and can be copied as they are. */
    public boolean eventTimeCanonical() {
        return eventTimeCanonical;
    }

    public boolean isDelete() {
        return delete;
    }

    /** Offset of the normalized value of a column of the last checked record in the reader's buffer. */
    public int valueStart(final CustomerColumn column) {
        return starts[column.ordinal()];
    }

    public int valueEnd(final CustomerColumn column) {
        return ends[column.ordinal()];
    }

    /** Whether the value of a column of the last checked record must be quoted in CSV. */
    public boolean needsQuoting(final CustomerColumn column) {
        return (fieldsNeedingQuotes & (1 << column.ordinal())) != 0;
    }

    /**
     * Lower-cases the whole email of the last valid record when normalizing, with the rules of Locale.ROOT, so that
     * {@code JOSÉ.PÉREZ@EXAMPLE.ES} becomes {@code josé.pérez@example.es}, never half of it. An ASCII address, the
     * usual case, is lower-cased in place in the reader's buffer and null is returned; any other is returned
     * lower-cased as a String, because lower-casing may change its length in UTF-8.
     */
    public String normalizeEmail(final byte[] bytes) {
        if (!settings.normalize()) {
            return null;
        }
        for (int i = starts[EMAIL]; i < ends[EMAIL]; i++) {
            if (bytes[i] < 0) {
                return new String(bytes, starts[EMAIL], ends[EMAIL] - starts[EMAIL], StandardCharsets.UTF_8)
                        .toLowerCase(Locale.ROOT);
            }
        }
        for (int i = starts[EMAIL]; i < ends[EMAIL]; i++) {
            final byte b = bytes[i];
            if (b >= 'A' && b <= 'Z') {
                bytes[i] = (byte) (b + ('a' - 'A'));
            }
        }
        return null;
    }

    private boolean checkContent(final byte[] bytes, final int field, final int start, final int end) {
        boolean special = false;
        for (int i = start; i < end; i++) {
            final byte b = bytes[i];
            // bytes are signed: every non-ASCII byte is negative and takes the slow path with the controls; the
            // bytes that need quoting all sort at or below ',', so letters and digits cost two comparisons
            if (b <= ',') {
                if (b < 0x20) {
                    return checkContentSlowly(bytes, field, start, end);
                }
                special |= b == ',' || b == '"';
            } else if (b == 0x7F) {
                return checkContentSlowly(bytes, field, start, end);
            }
        }
        if (special) {
            fieldsNeedingQuotes |= 1 << field;
        }
        if (end - start > settings.maxFieldLength()) {
            return tooLong(field, end - start);
        }
        return true;
    }

    /** Decodes UTF-8 strictly (no overlongs, surrogates or values past U+10FFFF), checking controls and length. */
    private boolean checkContentSlowly(final byte[] bytes, final int field, final int start, final int end) {
        int characters = 0;
        int i = start;
        while (i < end) {
            final int lead = bytes[i] & 0xFF;
            final int codePoint;
            final int size;
            if (lead < 0x80) {
                codePoint = lead;
                size = 1;
            } else if (lead >= 0xC2 && lead <= 0xDF) {
                size = 2;
                codePoint =
                        continuation(bytes, i + 1, end, 0x80, 0xBF) ? ((lead & 0x1F) << 6) | (bytes[i + 1] & 0x3F) : -1;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                size = 3;
                final int low = lead == 0xE0 ? 0xA0 : 0x80;
                final int high = lead == 0xED ? 0x9F : 0xBF;
                codePoint = continuation(bytes, i + 1, end, low, high) && continuation(bytes, i + 2, end, 0x80, 0xBF)
                        ? ((lead & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F)
                        : -1;
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                size = 4;
                final int low = lead == 0xF0 ? 0x90 : 0x80;
                final int high = lead == 0xF4 ? 0x8F : 0xBF;
                codePoint = continuation(bytes, i + 1, end, low, high)
                                && continuation(bytes, i + 2, end, 0x80, 0xBF)
                                && continuation(bytes, i + 3, end, 0x80, 0xBF)
                        ? 0x10000
                        : -1;
            } else {
                size = 1;
                codePoint = -1;
            }
            if (codePoint < 0) {
                return reject(
                        ViolationCode.INVALID_UTF8,
                        "field " + columnName(field) + " holds bytes that are not UTF-8 at byte " + (i - start + 1)
                                + String.format(Locale.ROOT, " (0x%02X)", lead));
            }
            characters++;
            if (codePoint == ',' || codePoint == '"' || codePoint == '\n' || codePoint == '\r') {
                fieldsNeedingQuotes |= 1 << field;
            }
            if (isControl(codePoint)) {
                return reject(
                        ViolationCode.CONTROL_CHARACTER,
                        "field " + columnName(field) + " holds the control character "
                                + String.format(Locale.ROOT, "U+%04X", codePoint) + " at character " + characters);
            }
            i += size;
        }
        if (characters > settings.maxFieldLength()) {
            return tooLong(field, characters);
        }
        return true;
    }

    private boolean checkId(final byte[] bytes) {
        final int start = starts[ID];
        final int end = ends[ID];
        if (start == end) {
            return reject(ViolationCode.MISSING_ID, "customer_id is empty");
        }
        final boolean negative = bytes[start] == '-';
        final int firstDigit = negative ? start + 1 : start;
        if (firstDigit == end) {
            return reject(
                    ViolationCode.NON_INTEGER_ID, "customer_id " + preview(bytes, start, end) + " is not an integer");
        }
        long value = 0;
        boolean overflow = false;
        for (int i = firstDigit; i < end; i++) {
            final int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                return reject(
                        ViolationCode.NON_INTEGER_ID,
                        "customer_id " + preview(bytes, start, end) + " is not an integer");
            }
            if (value > (Long.MAX_VALUE - digit) / 10) {
                overflow = true;
            } else {
                value = value * 10 + digit;
            }
        }
        if (overflow) {
            return reject(
                    ViolationCode.ID_OUT_OF_RANGE,
                    "customer_id " + preview(bytes, start, end) + " does not fit a signed 64-bit integer");
        }
        if (negative && value != 0) {
            return reject(ViolationCode.ID_OUT_OF_RANGE, "customer_id " + preview(bytes, start, end) + " is negative");
        }
        // ids are numbers downstream: accepting 007 would silently make it customer 7, the same as a record with id 7
        if (negative || bytes[firstDigit] == '0' && end - firstDigit > 1) {
            return reject(
                    ViolationCode.NON_CANONICAL_ID,
                    "customer_id " + preview(bytes, start, end) + " is not written canonically"
                            + " (no sign, no leading zeros): it would be read as customer " + value + "; write it as "
                            + value
                            + " if that is meant");
        }
        customerId = value;
        return true;
    }

    private boolean checkOp(final byte[] bytes, final InputLayout layout) {
        if (layout == InputLayout.LEGACY) {
            delete = false;
            return true;
        }
        final int start = starts[OP];
        final int end = ends[OP];
        if (start == end) {
            return reject(ViolationCode.REQUIRED_FIELD_EMPTY, "required field op is empty");
        }
        final int op = end - start == 1 ? bytes[start] : 0;
        final boolean upsert = op == 'U' || settings.normalize() && op == 'u';
        delete = op == 'D' || settings.normalize() && op == 'd';
        if (!upsert && !delete) {
            return reject(ViolationCode.UNKNOWN_OP, "op " + preview(bytes, start, end) + " is neither U nor D");
        }
        return true;
    }

    /** An upsert carries the customer's full state: every field. A delete needs only customer_id and updated_at. */
    private boolean checkRequired(final InputLayout layout) {
        if (delete) {
            if (starts[UPDATED_AT] == ends[UPDATED_AT]) {
                return reject(ViolationCode.REQUIRED_FIELD_EMPTY, "required field updated_at is empty (op D)");
            }
            return true;
        }
        for (int field = 0; field < layout.columnCount(); field++) {
            if (starts[field] == ends[field]) {
                return reject(
                        ViolationCode.REQUIRED_FIELD_EMPTY, "required field " + columnName(field) + " is empty (op U)");
            }
        }
        return true;
    }

    private boolean checkEventTime(
            final byte[] bytes, final InputLayout layout, final long legacyEventTime, final long now) {
        if (layout == InputLayout.LEGACY) {
            eventTime = legacyEventTime;
            eventTimeCanonical = false;
            return true;
        }
        final int start = starts[UPDATED_AT];
        final int end = ends[UPDATED_AT];
        long parsed = EventTime.parseCanonical(bytes, start, end - start);
        eventTimeCanonical = parsed != EventTime.INVALID;
        if (!eventTimeCanonical && settings.normalize()) {
            parsed = parseLenient(bytes, start, end);
        }
        if (parsed == EventTime.INVALID) {
            return reject(
                    ViolationCode.BAD_EVENT_TIME,
                    "updated_at " + preview(bytes, start, end) + " is not "
                            + (settings.normalize()
                                    ? "an ISO-8601 date-time with an offset"
                                    : "a canonical UTC time like 2026-11-23T10:15:30.123Z"));
        }
        final long skew = settings.allowedFutureSkewMillis();
        if (parsed > now && parsed - now > skew) {
            return reject(
                    ViolationCode.FUTURE_EVENT_TIME,
                    "updated_at " + preview(bytes, start, end) + " is more than " + skew
                            + " ms after the processing time " + EventTime.format(now));
        }
        if (parsed < settings.oldestEventTimeMillis()) {
            return reject(
                    ViolationCode.BAD_EVENT_TIME,
                    "updated_at " + preview(bytes, start, end) + " is before the oldest plausible event time "
                            + EventTime.format(settings.oldestEventTimeMillis()));
        }
        eventTime = parsed;
        return true;
    }

    /**
     * A plausible address, not an RFC 5322 parser: one @, a local part without leading, trailing or doubled dots,
     * a domain with at least one inner dot and no leading or trailing dot or hyphen, no spaces or specials, at most
     * 254 bytes. An empty email is left to the required-field rule (a delete may omit it).
     */
    private boolean checkEmail(final byte[] bytes) {
        final int start = starts[EMAIL];
        final int end = ends[EMAIL];
        if (start == end) {
            return true;
        }
        if (end - start > MAX_EMAIL_BYTES) {
            return malformedEmail(bytes, start, end);
        }
        int at = -1;
        int lastDot = -2;
        boolean doubledDot = false;
        for (int i = start; i < end; i++) {
            final byte b = bytes[i];
            // letters sort above '@' and pass with two or three comparisons; of the rest only '@' and '.' matter
            // here, and non-ASCII bytes (negative) are allowed: internationalized addresses
            if (b > '@') {
                if (b >= '[' && b <= ']' || b == 0x7F) {
                    return malformedEmail(bytes, start, end);
                }
            } else if (b == '@') {
                if (at >= 0) {
                    return malformedEmail(bytes, start, end);
                }
                at = i;
            } else if (b == '.') {
                doubledDot |= lastDot == i - 1;
                lastDot = i;
            } else if (b >= 0 && NOT_IN_EMAIL[b]) {
                return malformedEmail(bytes, start, end);
            }
        }
        if (doubledDot
                || at <= start
                || at >= end - 1
                || lastDot < at
                || bytes[start] == '.'
                || bytes[at - 1] == '.'
                || bytes[at + 1] == '.'
                || bytes[at + 1] == '-'
                || bytes[end - 1] == '.'
                || bytes[end - 1] == '-') {
            return malformedEmail(bytes, start, end);
        }
        return true;
    }

    private boolean malformedEmail(final byte[] bytes, final int start, final int end) {
        return reject(
                ViolationCode.MALFORMED_EMAIL, "email " + preview(bytes, start, end) + " is not a plausible address");
    }

    private boolean tooLong(final int field, final int characters) {
        return reject(
                ViolationCode.FIELD_TOO_LONG,
                "field " + columnName(field) + " has " + characters + " characters, more than the limit of "
                        + settings.maxFieldLength());
    }

    private boolean reject(final ViolationCode code, final String message) {
        violation = code;
        detail = message;
        return false;
    }

    private static long parseLenient(final byte[] bytes, final int start, final int end) {
        for (int i = start; i < end; i++) {
            if (bytes[i] < 0) {
                return EventTime.INVALID;
            }
        }
        // a space between date and time, as SQL and Snowflake write it, is the ISO 'T'
        final byte[] text = Arrays.copyOfRange(bytes, start, end);
        if (text.length > DATE_LENGTH && text[DATE_LENGTH] == ' ') {
            text[DATE_LENGTH] = 'T';
        }
        String dateTime = new String(text, StandardCharsets.US_ASCII);
        // BigQuery and others name the zone: " UTC" is the offset Z
        if (dateTime.endsWith(UTC_SUFFIX)) {
            dateTime = dateTime.substring(0, dateTime.length() - UTC_SUFFIX.length()) + 'Z';
        }
        try {
            return OffsetDateTime.parse(dateTime, LENIENT_EVENT_TIME)
                    .toInstant()
                    .toEpochMilli();
        } catch (final DateTimeException | ArithmeticException e) {
            return EventTime.INVALID;
        }
    }

    private static boolean continuation(
            final byte[] bytes, final int index, final int end, final int low, final int high) {
        if (index >= end) {
            return false;
        }
        final int b = bytes[index] & 0xFF;
        return b >= low && b <= high;
    }

    /** C0 controls other than tab, LF and CR (which quoted fields may carry), DEL and the C1 controls. */
    private static boolean isControl(final int codePoint) {
        return codePoint < 0x20 && codePoint != '\t' && codePoint != '\n' && codePoint != '\r'
                || codePoint >= 0x7F && codePoint <= 0x9F;
    }

    private static boolean isBlank(final byte b) {
        return b == ' ' || b == '\t';
    }

    private static String columnName(final int field) {
        return CustomerColumn.CANONICAL_COLUMNS.get(field).headerName();
    }

    /** A short, printable, quoted rendering of a value for an error detail. */
    static String preview(final byte[] bytes, final int start, final int end) {
        final String text = new String(bytes, start, end - start, StandardCharsets.UTF_8);
        final StringBuilder out = new StringBuilder("'");
        text.codePoints().limit(PREVIEW_CHARACTERS).forEach(c -> {
            if (isControl(c) || c == '\n' || c == '\r' || c == '\t') {
                out.append(String.format(Locale.ROOT, "\\u%04X", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        if (text.codePointCount(0, text.length()) > PREVIEW_CHARACTERS) {
            out.append("...");
        }
        return out.append('\'').toString();
    }
}
