package io.snowstream.nifi.customer.generate;

import io.snowstream.nifi.customer.csv.CustomerColumn;
import io.snowstream.nifi.customer.csv.EventTime;
import io.snowstream.nifi.customer.validate.ViolationCode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Breaks a valid upsert so that it violates exactly one validator rule, one mutation per {@link ViolationCode}.
 * Each mutation imitates a mistake real producers make (a Latin-1 name, a local time without zone, a stray BEL
 * character, an address pasted twice) and keeps every other field valid, so a validator reports that one code.
 */
final class InvalidRecords {

    /** The validator's default field length limit, in characters. */
    static final int DEFAULT_FIELD_LIMIT = 256;
    /** Far enough ahead to exceed any sensible clock skew allowance, whatever the simulated start time. */
    private static final long FUTURE_OFFSET_MILLIS = 100L * 365 * 86_400_000L;

    private static final long MAX_EVENT_TIME = EventTime.parseCanonical("9999-12-31T23:59:59.999Z");
    private static final byte[] LONG_MAX_PLUS_ONE = ascii("9223372036854775808");
    private static final byte[][] UNKNOWN_OPS = {ascii("I"), ascii("X"), ascii("UPDATE")};
    private static final byte[] MINUS_ONE_DIGIT = ascii("1");
    private static final byte[] EXTRA_FIELD = ascii("extra");
    private static final byte BELL = 0x07;
    private static final byte LATIN1_E_ACUTE = (byte) 0xE9;
    private static final int[] REQUIRED_UPSERT_COLUMNS = {
        CustomerColumn.FIRST_NAME.ordinal(), CustomerColumn.LAST_NAME.ordinal(), CustomerColumn.STREET.ordinal(),
        CustomerColumn.CITY.ordinal(), CustomerColumn.STATE.ordinal(), CustomerColumn.COUNTRY.ordinal()
    };

    @FunctionalInterface
    private interface Mutation {
        void apply(RecordFields record, EventRandom random, long eventTime);
    }

    private static final ViolationCode[] CODES = ViolationCode.values();

    private final Map<ViolationCode, Mutation> mutations = new EnumMap<>(ViolationCode.class);
    private final byte[] scratch = new byte[4 * DEFAULT_FIELD_LIMIT];

    InvalidRecords() {
        mutations.put(ViolationCode.WRONG_FIELD_COUNT, this::wrongFieldCount);
        mutations.put(
                ViolationCode.MISSING_ID,
                (record, random, eventTime) -> record.clear(CustomerColumn.CUSTOMER_ID.ordinal()));
        mutations.put(ViolationCode.NON_INTEGER_ID, this::nonIntegerId);
        mutations.put(ViolationCode.ID_OUT_OF_RANGE, this::idOutOfRange);
        mutations.put(
                ViolationCode.REQUIRED_FIELD_EMPTY,
                (record, random, eventTime) ->
                        record.clear(REQUIRED_UPSERT_COLUMNS[random.nextInt(REQUIRED_UPSERT_COLUMNS.length)]));
        mutations.put(ViolationCode.MALFORMED_EMAIL, this::malformedEmail);
        mutations.put(ViolationCode.FIELD_TOO_LONG, this::fieldTooLong);
        mutations.put(ViolationCode.CONTROL_CHARACTER, this::controlCharacter);
        mutations.put(ViolationCode.BAD_EVENT_TIME, this::badEventTime);
        mutations.put(ViolationCode.FUTURE_EVENT_TIME, this::futureEventTime);
        mutations.put(
                ViolationCode.UNKNOWN_OP,
                (record, random, eventTime) ->
                        record.set(CustomerColumn.OP.ordinal(), UNKNOWN_OPS[random.nextInt(UNKNOWN_OPS.length)]));
        mutations.put(ViolationCode.INVALID_UTF8, this::invalidUtf8);
        mutations.put(ViolationCode.NON_CANONICAL_ID, this::nonCanonicalId);
        if (mutations.size() != CODES.length) {
            throw new IllegalStateException("Every violation code needs a mutation");
        }
    }

    /** Picks a violation with the event's random draws and applies it to a filled upsert. */
    void breakRecord(final RecordFields record, final EventRandom random, final long eventTime) {
        mutations.get(CODES[random.nextInt(CODES.length)]).apply(record, random, eventTime);
    }

    private void wrongFieldCount(final RecordFields record, final EventRandom random, final long eventTime) {
        if (random.nextInt(2) == 0) {
            record.set(record.count++, EXTRA_FIELD);
        } else {
            // a producer still writing the layout without op: nine fields under a ten-column header
            record.count--;
        }
    }

    private void nonIntegerId(final RecordFields record, final EventRandom random, final long eventTime) {
        final int column = CustomerColumn.CUSTOMER_ID.ordinal();
        final int length = record.length[column];
        System.arraycopy(record.data[column], record.offset[column], scratch, 1, length);
        if (random.nextInt(2) == 0) {
            scratch[0] = 'C';
            record.set(column, scratch, 0, length + 1);
        } else {
            scratch[length + 1] = '.';
            scratch[length + 2] = '5';
            record.set(column, scratch, 1, length + 2);
        }
    }

    /** An id padded to a fixed width, as a spreadsheet or a COBOL export writes it: "0042" or "00042". */
    private void nonCanonicalId(final RecordFields record, final EventRandom random, final long eventTime) {
        final int column = CustomerColumn.CUSTOMER_ID.ordinal();
        final int length = record.length[column];
        final int zeros = 1 + random.nextInt(2);
        Arrays.fill(scratch, 0, zeros, (byte) '0');
        System.arraycopy(record.data[column], record.offset[column], scratch, zeros, length);
        record.set(column, scratch, 0, zeros + length);
    }

    private void idOutOfRange(final RecordFields record, final EventRandom random, final long eventTime) {
        final int column = CustomerColumn.CUSTOMER_ID.ordinal();
        if (random.nextInt(2) == 0) {
            record.set(column, LONG_MAX_PLUS_ONE);
            return;
        }
        // a sign on the id; "-0" would still be zero, so customer 0 becomes -1
        final int length = record.length[column];
        final boolean zero = length == 1 && record.data[column][record.offset[column]] == '0';
        scratch[0] = '-';
        System.arraycopy(
                zero ? MINUS_ONE_DIGIT : record.data[column], zero ? 0 : record.offset[column], scratch, 1, length);
        record.set(column, scratch, 0, length + 1);
    }

    private void malformedEmail(final RecordFields record, final EventRandom random, final long eventTime) {
        final int column = CustomerColumn.EMAIL.ordinal();
        final int length = record.length[column];
        System.arraycopy(record.data[column], record.offset[column], scratch, 0, length);
        final int at = indexOf(scratch, length, (byte) '@');
        if (random.nextInt(2) == 0) {
            // the at sign lost on the way: "ada.lovelace.example.com"
            scratch[at] = '.';
            record.set(column, scratch, 0, length);
        } else {
            // only the local part: "ada.lovelace@"
            record.set(column, scratch, 0, at + 1);
        }
    }

    private void fieldTooLong(final RecordFields record, final EventRandom random, final long eventTime) {
        final int column = CustomerColumn.STREET.ordinal();
        final String street =
                new String(record.data[column], record.offset[column], record.length[column], StandardCharsets.UTF_8);
        // an address pasted over and over into one field, up to well past the limit
        final int wanted = DEFAULT_FIELD_LIMIT + 1 + random.nextInt(DEFAULT_FIELD_LIMIT);
        final StringBuilder pasted = new StringBuilder(street);
        while (pasted.codePointCount(0, pasted.length()) < wanted) {
            pasted.append(' ').append(street);
        }
        record.set(column, pasted.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void controlCharacter(final RecordFields record, final EventRandom random, final long eventTime) {
        final int column = CustomerColumn.LAST_NAME.ordinal();
        final int length = record.length[column];
        System.arraycopy(record.data[column], record.offset[column], scratch, 0, length);
        scratch[length] = random.nextInt(2) == 0 ? BELL : 0;
        record.set(column, scratch, 0, length + 1);
    }

    private void badEventTime(final RecordFields record, final EventRandom random, final long eventTime) {
        final byte[] text = new byte[EventTime.LENGTH];
        EventTime.format(eventTime, text, 0);
        if (random.nextInt(2) == 0) {
            // local time without a zone: "2026-11-23 10:15:30"
            text[10] = ' ';
            record.set(CustomerColumn.UPDATED_AT.ordinal(), text, 0, 19);
        } else {
            // a thirteenth month: "2026-13-23T10:15:30.123Z"
            text[5] = '1';
            text[6] = '3';
            record.set(CustomerColumn.UPDATED_AT.ordinal(), text);
        }
    }

    private void futureEventTime(final RecordFields record, final EventRandom random, final long eventTime) {
        final byte[] text = new byte[EventTime.LENGTH];
        EventTime.format(
                Math.min(MAX_EVENT_TIME, eventTime + FUTURE_OFFSET_MILLIS + random.nextInt(86_400_000)), text, 0);
        record.set(CustomerColumn.UPDATED_AT.ordinal(), text);
    }

    private void invalidUtf8(final RecordFields record, final EventRandom random, final long eventTime) {
        final int column = CustomerColumn.FIRST_NAME.ordinal();
        final String name =
                new String(record.data[column], record.offset[column], record.length[column], StandardCharsets.UTF_8);
        // the name as a Latin-1 system would send it; a plain ASCII name gets a Latin-1 accent
        final byte[] latin1 = StandardCharsets.ISO_8859_1.newEncoder().canEncode(name)
                ? name.getBytes(StandardCharsets.ISO_8859_1)
                : new byte[0];
        final byte[] invalid = isValidUtf8(latin1) ? appended(record, column) : latin1;
        record.set(column, invalid);
    }

    private static byte[] appended(final RecordFields record, final int column) {
        final byte[] value = Arrays.copyOfRange(
                record.data[column], record.offset[column], record.offset[column] + record.length[column] + 1);
        value[value.length - 1] = LATIN1_E_ACUTE;
        return value;
    }

    private static boolean isValidUtf8(final byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (final CharacterCodingException e) {
            return false;
        }
    }

    private static int indexOf(final byte[] bytes, final int length, final byte wanted) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        throw new IllegalStateException("A generated email without @");
    }

    private static byte[] ascii(final String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
