package io.snowstream.nifi.customer.csv;

/**
 * The event time of a customer record: ISO-8601 in UTC with exactly three fraction digits, as in
 * {@code 2026-11-23T10:15:30.123Z}. Formatting and parsing work on ASCII bytes without allocation, because both
 * sit on the per-record hot path of the generator and the validator.
 */
public final class EventTime {

    /** Length in bytes of every canonical event time. */
    public static final int LENGTH = 24;

    /** Returned by {@link #parseCanonical} for anything that is not a canonical event time. */
    public static final long INVALID = Long.MIN_VALUE;

    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** Years 0000-9999: the range the four-digit layout can express. */
    private static final long MIN_EPOCH_MILLIS = -62_167_219_200_000L;

    private static final long MAX_EPOCH_MILLIS = 253_402_300_799_999L;

    private EventTime() {}

    /** Writes the canonical form of the instant into {@code target} at {@code offset}; returns the new offset. */
    public static int format(final long epochMillis, final byte[] target, final int offset) {
        if (epochMillis < MIN_EPOCH_MILLIS || epochMillis > MAX_EPOCH_MILLIS) {
            throw new IllegalArgumentException("Event time outside years 0000-9999: " + epochMillis);
        }
        final long epochDay = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        final int millisOfDay = (int) Math.floorMod(epochMillis, MILLIS_PER_DAY);

        // Days to civil date, after Howard Hinnant's public-domain algorithm (eras of 400 years from 0000-03-01)
        final long shifted = epochDay + 719_468;
        final long era = Math.floorDiv(shifted, 146_097);
        final int dayOfEra = (int) (shifted - era * 146_097);
        final int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        final int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final int monthIndex = (5 * dayOfYear + 2) / 153;
        final int day = dayOfYear - (153 * monthIndex + 2) / 5 + 1;
        final int month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
        final int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));

        int position = offset;
        position = digits(year, 4, target, position);
        target[position++] = '-';
        position = digits(month, 2, target, position);
        target[position++] = '-';
        position = digits(day, 2, target, position);
        target[position++] = 'T';
        return formatTimeOfDay(millisOfDay, target, position);
    }

    /** Writes {@code HH:mm:ss.SSSZ}, the part of the layout after the date. */
    private static int formatTimeOfDay(final int millisOfDay, final byte[] target, final int offset) {
        int position = offset;
        position = digits(millisOfDay / 3_600_000, 2, target, position);
        target[position++] = ':';
        position = digits(millisOfDay / 60_000 % 60, 2, target, position);
        target[position++] = ':';
        position = digits(millisOfDay / 1000 % 60, 2, target, position);
        target[position++] = '.';
        position = digits(millisOfDay % 1000, 3, target, position);
        target[position++] = 'Z';
        return position;
    }

    /**
     * Formats a series of event times, converting the date only when the day changes: the calendar arithmetic is
     * most of the cost, and consecutive event times almost always share a day. Not thread-safe.
     */
    public static final class Formatter {
        /** Bytes of {@code yyyy-MM-ddT}. */
        private static final int DATE_LENGTH = 11;

        private final byte[] date = new byte[DATE_LENGTH];
        private long day = Long.MIN_VALUE;

        /** Same result as {@link EventTime#format(long, byte[], int)}. */
        public int format(final long epochMillis, final byte[] target, final int offset) {
            final long epochDay = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
            if (epochDay != day) {
                final int end = EventTime.format(epochMillis, target, offset);
                System.arraycopy(target, offset, date, 0, DATE_LENGTH);
                day = epochDay;
                return end;
            }
            System.arraycopy(date, 0, target, offset, DATE_LENGTH);
            return formatTimeOfDay((int) (epochMillis - epochDay * MILLIS_PER_DAY), target, offset + DATE_LENGTH);
        }
    }

    /** The canonical form of the instant as a String. */
    public static String format(final long epochMillis) {
        final byte[] text = new byte[LENGTH];
        format(epochMillis, text, 0);
        return new String(text, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Parses exactly {@code yyyy-MM-ddTHH:mm:ss.SSSZ} from {@code length} bytes at {@code offset}, checking every
     * calendar rule (month lengths, leap years). Returns epoch milliseconds, or {@link #INVALID}.
     */
    public static long parseCanonical(final byte[] source, final int offset, final int length) {
        if (length != LENGTH
                || source[offset + 4] != '-'
                || source[offset + 7] != '-'
                || source[offset + 10] != 'T'
                || source[offset + 13] != ':'
                || source[offset + 16] != ':'
                || source[offset + 19] != '.'
                || source[offset + 23] != 'Z') {
            return INVALID;
        }
        final int year = number(source, offset, 4);
        final int month = number(source, offset + 5, 2);
        final int day = number(source, offset + 8, 2);
        final int hour = number(source, offset + 11, 2);
        final int minute = number(source, offset + 14, 2);
        final int second = number(source, offset + 17, 2);
        final int millis = number(source, offset + 20, 3);
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || day > daysInMonth(year, month)
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59
                || millis < 0) {
            return INVALID;
        }
        return epochDay(year, month, day) * MILLIS_PER_DAY
                + hour * 3_600_000L
                + minute * 60_000L
                + second * 1000L
                + millis;
    }

    /** Parses a canonical event time given as a String; returns {@link #INVALID} when it is not one. */
    public static long parseCanonical(final String text) {
        final byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        return parseCanonical(bytes, 0, bytes.length);
    }

    private static long epochDay(final int year, final int month, final int day) {
        final int adjustedYear = month <= 2 ? year - 1 : year;
        final int era = Math.floorDiv(adjustedYear, 400);
        final int yearOfEra = adjustedYear - era * 400;
        final int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        final int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
    }

    private static int daysInMonth(final int year, final int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** The decimal value of {@code count} ASCII digits, or -1 when any of them is not a digit. */
    private static int number(final byte[] source, final int offset, final int count) {
        int value = 0;
        for (int i = offset; i < offset + count; i++) {
            final int digit = source[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static int digits(final int value, final int count, final byte[] target, final int offset) {
        int remaining = value;
        for (int i = offset + count - 1; i >= offset; i--) {
            target[i] = (byte) ('0' + remaining % 10);
            remaining /= 10;
        }
        return offset + count;
    }
}
