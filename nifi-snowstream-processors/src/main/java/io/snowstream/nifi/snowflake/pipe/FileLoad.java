package io.snowstream.nifi.snowflake.pipe;

import java.time.Instant;

/**
 * One file's entry in a pipe's load history.
 *
 * @param path         path relative to the stage location
 * @param status       the outcome
 * @param rowsLoaded   rows inserted into the table
 * @param rowsParsed   rows read from the file
 * @param loadedAt     when the load finished (null when Snowflake did not say)
 * @param firstError   first error message, null when there was none
 */
public record FileLoad(
        String path, LoadStatus status, long rowsLoaded, long rowsParsed, Instant loadedAt, String firstError) {}
