package io.snowstream.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One script of the sql/ folder, read the way Snowflake CLI and SnowSQL read it: {@code &{name}} variables are
 * replaced by their values, statements end with a line ending in {@code ;} outside {@code $$} blocks.
 * Statements the tests execute are marked by a comment line {@code -- @ddl <name>} or {@code -- @step <name>}.
 */
final class SqlScript {

    private static final Pattern VARIABLE = Pattern.compile("&\\{(\\w+)}");

    private final String name;
    private final String text;

    private SqlScript(final String name, final String text) {
        this.name = name;
        this.text = text;
    }

    /** The folder holding the scripts: Maven sets it; a run from the module directory falls back to it. */
    static Path directory() {
        return Path.of(System.getProperty("snowstream.sql.dir", "."));
    }

    static SqlScript read(final String fileName) {
        try {
            return new SqlScript(fileName, Files.readString(directory().resolve(fileName), StandardCharsets.UTF_8));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every numbered script of the folder, in run order. */
    static List<SqlScript> all() {
        try (var files = Files.list(directory())) {
            return files.map(path -> path.getFileName().toString())
                    .filter(fileName -> fileName.matches("\\d\\d_.*\\.sql"))
                    .sorted()
                    .map(SqlScript::read)
                    .toList();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The variables of snowstream.env, the one place the scripts' variables are defined. */
    static Map<String, String> variables() {
        try {
            final Map<String, String> variables = new LinkedHashMap<>();
            for (final String line :
                    Files.readAllLines(directory().resolve("snowstream.env"), StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                final int equals = line.indexOf('=');
                variables.put(line.substring(0, equals), line.substring(equals + 1));
            }
            return variables;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return name;
    }

    String text() {
        return text;
    }

    /** The names of the variables the script uses. */
    List<String> variableNames() {
        final List<String> names = new ArrayList<>();
        final Matcher matcher = VARIABLE.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /** The script with every variable replaced, as the client sends it. */
    SqlScript templated(final Map<String, String> values) {
        final Matcher matcher = VARIABLE.matcher(text);
        final StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            final String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException(name + " uses undefined variable " + matcher.group(1));
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(result);
        return new SqlScript(name, result.toString());
    }

    /** The top-level statements, comment lines dropped, without their final semicolon. */
    List<String> statements() {
        final List<String> statements = new ArrayList<>();
        final StringBuilder current = new StringBuilder();
        boolean inDollarBlock = false;
        for (final String line : text.split("\n")) {
            final String trimmed = line.strip();
            if (!inDollarBlock && (trimmed.isEmpty() || trimmed.startsWith("--"))) {
                continue;
            }
            current.append(line).append('\n');
            if (countOccurrences(line, "$$") % 2 == 1) {
                inDollarBlock = !inDollarBlock;
            }
            if (!inDollarBlock && trimmed.endsWith(";")) {
                statements.add(withoutFinalSemicolon(current.toString()));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException(name + " ends with an unterminated statement: " + current);
        }
        return statements;
    }

    /** The statements marked {@code -- @<kind> <name>}, by name in script order. */
    Map<String, String> marked(final String kind) {
        final Map<String, String> statements = new LinkedHashMap<>();
        final String marker = "-- @" + kind + " ";
        String markedName = null;
        final StringBuilder current = new StringBuilder();
        for (final String line : text.split("\n")) {
            final String trimmed = line.strip();
            if (markedName == null) {
                if (trimmed.startsWith(marker)) {
                    markedName = trimmed.substring(marker.length()).strip();
                }
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                if (statements.put(markedName, withoutFinalSemicolon(current.toString())) != null) {
                    throw new IllegalStateException(name + " marks two statements " + markedName);
                }
                markedName = null;
                current.setLength(0);
            }
        }
        return statements;
    }

    private static String withoutFinalSemicolon(final String statement) {
        final String stripped = statement.strip();
        return stripped.substring(0, stripped.length() - 1);
    }

    private static int countOccurrences(final String line, final String token) {
        int count = 0;
        for (int index = line.indexOf(token); index >= 0; index = line.indexOf(token, index + token.length())) {
            count++;
        }
        return count;
    }

    @Override
    public String toString() {
        return name;
    }
}
