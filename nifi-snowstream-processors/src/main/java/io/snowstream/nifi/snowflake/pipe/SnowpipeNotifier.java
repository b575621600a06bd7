package io.snowstream.nifi.snowflake.pipe;

import java.util.List;

/** Tells a pipe about new files in its stage: one implementation per Snowflake mechanism. */
public interface SnowpipeNotifier {

    /**
     * Asks Snowpipe to load the given files, in as many calls as the mechanism needs.
     *
     * @param relativePaths paths relative to the stage location, any number
     * @return the number of calls made to Snowflake
     */
    int requestLoad(List<String> relativePaths) throws SnowpipeException;
}
