package io.snowstream.nifi.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Edits a {@code key=value} file such as {@code nifi.properties} or {@code bootstrap.conf} as an operator would: a
 * key's line is replaced where it stands, comments and order are kept, a key not yet present is appended.
 */
public final class PropertiesFile {

    private final Path file;
    private final List<String> lines;

    private PropertiesFile(final Path file, final List<String> lines) {
        this.file = file;
        this.lines = new ArrayList<>(lines);
    }

    public static PropertiesFile read(final Path file) {
        try {
            return new PropertiesFile(file, Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value of an uncommented {@code key=value} line, trimmed; empty when the key is absent. */
    public Optional<String> get(final String key) {
        for (final String line : lines) {
            if (keyOf(line).filter(key::equals).isPresent()) {
                return Optional.of(line.substring(line.indexOf('=') + 1).trim());
            }
        }
        return Optional.empty();
    }

    /** Sets each key to its value (an empty value blanks the property). */
    public PropertiesFile set(final Map<String, String> values) {
        final Map<String, String> pending = new LinkedHashMap<>(values);
        for (int i = 0; i < lines.size(); i++) {
            final Optional<String> key = keyOf(lines.get(i));
            if (key.isPresent() && pending.containsKey(key.get())) {
                lines.set(i, key.get() + '=' + pending.remove(key.get()));
            }
        }
        pending.forEach((key, value) -> lines.add(key + '=' + value));
        return this;
    }

    public PropertiesFile set(final String key, final String value) {
        return set(Map.of(key, value));
    }

    public void write() {
        try {
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> keyOf(final String line) {
        final String trimmed = line.strip();
        final int equals = trimmed.indexOf('=');
        if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!") || equals <= 0) {
            return Optional.empty();
        }
        return Optional.of(trimmed.substring(0, equals).strip());
    }
}
