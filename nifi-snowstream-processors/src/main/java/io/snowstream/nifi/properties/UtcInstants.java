package io.snowstream.nifi.properties;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import org.apache.nifi.components.Validator;

/**
 * The one date format of the bundle's date properties (Simulated Start Time, Oldest Event Time): an ISO-8601 instant
 * in UTC, with or without milliseconds, such as {@code 2026-01-01T00:00:00Z} or {@code 2026-01-01T00:00:00.000Z}.
 * One format for all of them, so that a value copied from one property, from a record's updated_at or from
 * {@code date -u +%FT%TZ} is accepted by every other.
 */
public final class UtcInstants {

    /** The form the validator's explanation shows. */
    public static final String EXAMPLE = "2026-01-01T00:00:00Z";

    private static final Pattern LAYOUT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z");
    /** Years 0000-9999: what the records' four-digit updated_at can express. */
    private static final long MAX_EPOCH_MILLIS =
            Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    private static final long MIN_EPOCH_MILLIS =
            Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();

    /** Validates the value a property's Expression Language evaluates to as a UTC instant in the one format. */
    public static final Validator VALIDATOR = ExpressionLanguageValidators.evaluatedValue(value -> parse(value) == null
            ? "must be an ISO-8601 UTC instant, with or without milliseconds, such as " + EXAMPLE
                    + " or 2026-01-01T00:00:00.000Z"
            : null);

    private UtcInstants() {}

    /** The epoch milliseconds of a value in the one format (surrounding spaces ignored). */
    public static long toEpochMillis(final String value) {
        final Instant instant = parse(value);
        if (instant == null) {
            throw new IllegalArgumentException("Not an ISO-8601 UTC instant such as " + EXAMPLE + ": " + value);
        }
        return instant.toEpochMilli();
    }

    private static Instant parse(final String value) {
        final String text = value.strip();
        if (!LAYOUT.matcher(text).matches()) {
            return null;
        }
        try {
            final Instant instant = Instant.parse(text);
            final long millis = instant.toEpochMilli();
            return millis >= MIN_EPOCH_MILLIS && millis <= MAX_EPOCH_MILLIS ? instant : null;
        } catch (final DateTimeParseException e) {
            return null;
        }
    }
}
