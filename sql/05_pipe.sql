-- The pipe: COPY INTO customer_raw with the lineage Snowflake knows about each row.
-- One definition for both trigger styles, chosen by the variable auto_ingest:
--   TRUE   S3 event notifications: point the bucket's notifications at the pipe's notification_channel
--          (SHOW PIPES) for the prefix.
--   FALSE  TriggerSnowpipeRefresh calls the Snowpipe REST endpoint insertFiles with the objects it wrote, or runs
--          ALTER PIPE ... REFRESH (a repair tool: only files of the last 7 days, never one already loaded).
-- CREATE PIPE IF NOT EXISTS: replacing a pipe throws away its 14-day load history, after which a REFRESH would
-- load the same files twice. To change the COPY, pause the pipe, create a new one, and read the README first.

USE ROLE SNOWSTREAM_ADMIN;

-- ON_ERROR = CONTINUE: a bad row is skipped and reported (COPY_HISTORY, VALIDATE_PIPE_LOAD, the quarantine table)
-- instead of Snowpipe's default SKIP_FILE, which silently drops every good row of the file with it.
-- The first ten columns are the canonical header, in order; the timestamp format is the one EventTime writes.
CREATE PIPE IF NOT EXISTS &{database}.&{schema}.customer_pipe
    AUTO_INGEST = &{auto_ingest}
    COMMENT = 'nifi-snowstream: loads customer event files from customer_stage into customer_raw'
AS
COPY INTO &{database}.&{schema}.customer_raw (
    customer_id, first_name, last_name, email, street, city, state, country, updated_at, op,
    source_file, source_row, loaded_at
)
FROM (
    SELECT $1, $2, $3, $4, $5, $6, $7, $8,
           TO_TIMESTAMP_NTZ($9, 'YYYY-MM-DD"T"HH24:MI:SS.FF3"Z"'),
           $10,
           METADATA$FILENAME, METADATA$FILE_ROW_NUMBER, METADATA$START_SCAN_TIME
    FROM @&{database}.&{schema}.customer_stage
)
FILE_FORMAT = (FORMAT_NAME = '&{database}.&{schema}.customer_csv')
PATTERN = '.*[.]csv[.]gz'
ON_ERROR = CONTINUE;

GRANT OPERATE, MONITOR ON PIPE &{database}.&{schema}.customer_pipe TO ROLE SNOWSTREAM_LOADER;
-- capture_rejected_rows_task reads the pipe's load errors
GRANT MONITOR ON PIPE &{database}.&{schema}.customer_pipe TO ROLE SNOWSTREAM_TRANSFORMER;
