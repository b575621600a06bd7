package io.snowstream.nifi.s3;

import java.nio.charset.StandardCharsets;

/**
 * Turns the evaluated key template into a safe S3 object key, or refuses it. Keys that S3 would accept but that
 * break tools downstream (path traversal segments, control characters, an empty segment from a missing attribute)
 * are refused rather than silently rewritten, because a rewritten key is one nobody asked for.
 */
public final class ObjectKeys {

    /** S3's own limit on the UTF-8 length of a key. */
    public static final int MAX_KEY_BYTES = 1024;

    private ObjectKeys() {}

    /**
     * Returns the key with leading slashes removed; throws {@link InvalidObjectKeyException} when it is empty,
     * too long, ends with a slash, contains a control character, an empty segment, or a {@code .} or {@code ..}
     * segment.
     */
    public static String sanitize(final String candidate) {
        if (candidate == null) {
            throw new InvalidObjectKeyException("Object key is missing");
        }
        int start = 0;
        while (start < candidate.length() && candidate.charAt(start) == '/') {
            start++;
        }
        return requireSafe(candidate.substring(start));
    }

    /**
     * Returns the key unchanged when it is one this bundle would write; throws {@link InvalidObjectKeyException}
     * naming the problem otherwise (a leading slash included). For keys that arrive from elsewhere, where nothing may
     * be rewritten.
     */
    public static String requireSafe(final String key) {
        if (key == null) {
            throw new InvalidObjectKeyException("Object key is missing");
        }
        if (key.startsWith("/")) {
            throw new InvalidObjectKeyException("Object key starts with '/'");
        }
        if (key.isEmpty()) {
            throw new InvalidObjectKeyException("Object key is empty");
        }
        for (int i = 0; i < key.length(); i++) {
            final char c = key.charAt(i);
            if (Character.isISOControl(c)) {
                throw new InvalidObjectKeyException(
                        "Object key contains control character U+%04X at index %d".formatted((int) c, i));
            }
        }
        if (key.endsWith("/")) {
            throw new InvalidObjectKeyException("Object key ends with '/': " + key);
        }
        for (final String segment : key.split("/", -1)) {
            if (segment.isEmpty()) {
                throw new InvalidObjectKeyException("Object key has an empty path segment: " + key);
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new InvalidObjectKeyException("Object key has a '" + segment + "' segment: " + key);
            }
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new InvalidObjectKeyException("Object key is longer than " + MAX_KEY_BYTES + " bytes");
        }
        return key;
    }

    /** Thrown for a key template that evaluated to a key this processor will not write. */
    public static final class InvalidObjectKeyException extends IllegalArgumentException {
        public InvalidObjectKeyException(final String message) {
            super(message);
        }
    }
}
