package io.snowstream.nifi.snowflake;

/** Snowflake single-quoted string literals, for the few statements (DDL such as ALTER PIPE) that take no binds. */
public final class SqlLiteral {

    private SqlLiteral() {}

    /**
     * Quotes a value so that Snowflake reads back exactly that value: backslash is an escape character inside
     * Snowflake string literals, so it is doubled along with the single quote.
     */
    public static String quote(final String value) {
        final StringBuilder literal = new StringBuilder(value.length() + 8).append('\'');
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            switch (c) {
                case '\'' -> literal.append("''");
                case '\\' -> literal.append("\\\\");
                case '\0' -> throw new IllegalArgumentException("a string literal may not contain NUL");
                default -> literal.append(c);
            }
        }
        return literal.append('\'').toString();
    }
}
