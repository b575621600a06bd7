package io.snowstream.nifi.snowflake.pipe;

import java.util.Locale;

/**
 * A file's state in a pipe's load history. COPY_HISTORY writes {@code Loaded}, {@code Load failed} ...; the REST
 * API writes {@code LOADED}, {@code LOAD_FAILED} ...: both read to the same value.
 */
public enum LoadStatus {
    LOADED,
    LOAD_FAILED,
    PARTIALLY_LOADED,
    /** Seen by Snowpipe, not finished yet (or a status this version does not know). */
    LOAD_IN_PROGRESS;

    public static LoadStatus parse(final String text) {
        final String normalized =
                text == null ? "" : text.trim().toUpperCase(Locale.ROOT).replace(' ', '_');
        for (final LoadStatus status : values()) {
            if (status.name().equals(normalized)) {
                return status;
            }
        }
        return LOAD_IN_PROGRESS;
    }

    /** Whether Snowpipe is done with the file, whatever the outcome. */
    public boolean isFinal() {
        return this != LOAD_IN_PROGRESS;
    }
}
