package io.snowstream.nifi.snowflake.pipe;

import java.util.List;

/** Tells a pipe about new files in its stage: one implementation per Snowflake mechanism. */
public interface SnowpipeNotifier {

    /**
     * Asks Snowpipe to load the given files.
     *
     * @param relativePaths paths relative to the stage location, at most {@link #maxFilesPerCall()} entries
     * @return the number of calls made to Snowflake
     */
    int notify(List<String> relativePaths) throws SnowpipeException;

    int maxFilesPerCall();
}
