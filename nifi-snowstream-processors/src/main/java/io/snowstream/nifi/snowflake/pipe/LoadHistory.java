package io.snowstream.nifi.snowflake.pipe;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/** Reads a pipe's load history for given files: one implementation per Snowflake mechanism. */
public interface LoadHistory {

    /**
     * Looks the files up.
     *
     * @param relativePaths paths relative to the stage location
     * @param since         the earliest load time of interest
     * @return the entries found, keyed by relative path; files Snowpipe has not reported are absent
     */
    Map<String, FileLoad> lookUp(Collection<String> relativePaths, Instant since) throws SnowpipeException;
}
