package io.snowstream.nifi.snowflake;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One part of a Snowflake object name (database, schema, pipe, table), validated once and rendered the way
 * Snowflake resolves it. An unquoted identifier ({@code my_pipe}) resolves upper-cased; a quoted one
 * ({@code "My Pipe"}) is taken as written. Anything else is rejected, so a name can never end a statement early.
 */
public final class SnowflakeIdentifier {

    private static final Pattern UNQUOTED = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,254}");
    private static final int MAX_LENGTH = 255;

    private final String resolvedName;

    private SnowflakeIdentifier(final String resolvedName) {
        this.resolvedName = resolvedName;
    }

    /**
     * Parses an identifier as a user writes it in Snowflake SQL: unquoted, or enclosed in double quotes with
     * embedded double quotes doubled.
     *
     * @throws IllegalArgumentException with a message naming the problem
     */
    public static SnowflakeIdentifier parse(final String text) {
        Objects.requireNonNull(text, "identifier");
        if (UNQUOTED.matcher(text).matches()) {
            return new SnowflakeIdentifier(text.toUpperCase(Locale.ROOT));
        }
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            final String inner = text.substring(1, text.length() - 1);
            if (inner.isEmpty() || inner.length() > MAX_LENGTH) {
                throw new IllegalArgumentException("a quoted identifier must hold 1 to 255 characters");
            }
            if (inner.replace("\"\"", "").contains("\"")) {
                throw new IllegalArgumentException("a double quote inside a quoted identifier must be doubled");
            }
            if (inner.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("an identifier may not contain control characters");
            }
            return new SnowflakeIdentifier(inner.replace("\"\"", "\""));
        }
        throw new IllegalArgumentException("'" + text + "' is not a Snowflake identifier: use letters, digits, _ and $"
                + " (not starting with a digit), or enclose the name in double quotes");
    }

    /** The name as Snowflake stores it (upper-cased when it was written unquoted). */
    public String resolvedName() {
        return resolvedName;
    }

    /** Always-quoted SQL form: safe whatever the name holds, and resolves to exactly {@link #resolvedName()}. */
    public String toSql() {
        return '"' + resolvedName.replace("\"", "\"\"") + '"';
    }

    /**
     * The form Snowflake's REST API and its metadata views use: the resolved name, quoted only when it would not
     * resolve to itself unquoted.
     */
    public String toCanonical() {
        final boolean plain =
                UNQUOTED.matcher(resolvedName).matches() && resolvedName.equals(resolvedName.toUpperCase(Locale.ROOT));
        return plain ? resolvedName : toSql();
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof SnowflakeIdentifier that && resolvedName.equals(that.resolvedName);
    }

    @Override
    public int hashCode() {
        return resolvedName.hashCode();
    }

    @Override
    public String toString() {
        return toCanonical();
    }
}
