-- The pipe: COPY INTO customer_raw with the lineage Snowflake knows about each row.
-- One definition for both trigger styles, chosen by the variable auto_ingest:
--   TRUE   S3 event notifications: point the bucket's notifications at the pipe's notification_channel
--          (SHOW PIPES) for the prefix.
--   FALSE  TriggerSnowpipeRefresh calls the Snowpipe REST endpoint insertFiles with the objects it wrote, or runs
--          ALTER PIPE ... REFRESH (a repair tool: only files of the last 7 days, never one already loaded).
-- CREATE PIPE IF NOT EXISTS: replacing a pipe throws away its 14-day load history, after which a REFRESH would
-- load the same files twice. To change the COPY, pause the pipe, create a new one, and read the README first.

USE ROLE SNOWSTREAM_ADMIN;

-- ON_ERROR = CONTINUE: a bad row is skipped and reported (COPY_HISTORY, the view customer_pipe_loads) instead of
-- Snowpipe's default SKIP_FILE, which silently drops every good row of the file with it. Skipped: a row without
-- key, event time or op (too few fields leave $10 NULL, and the columns are NOT NULL), a key that is no integer, a
-- time not in the canonical format, an op longer than one character.
-- The first ten fields are the canonical header, in order; the timestamp format is the one EventTime writes.
-- A COPY with a transformation ignores the file format's ERROR_ON_COLUMN_COUNT_MISMATCH, so a row with more fields
-- would load with the extras silently dropped: $11 is loaded into extra_field instead, and a row holding one is
-- quarantined by apply_customer_changes() with the reason EXTRA_FIELD, as is a row whose op is not U or D.
-- @copy customer_pipe
CREATE PIPE IF NOT EXISTS &{database}.&{schema}.customer_pipe
    AUTO_INGEST = &{auto_ingest}
    COMMENT = 'nifi-snowstream: loads customer event files from customer_stage into customer_raw'
AS
COPY INTO &{database}.&{schema}.customer_raw (
    customer_id, first_name, last_name, email, street, city, state, country, updated_at, op, extra_field,
    source_file, source_row, loaded_at
)
FROM (
    SELECT $1, $2, $3, $4, $5, $6, $7, $8,
           TO_TIMESTAMP_NTZ($9, 'YYYY-MM-DD"T"HH24:MI:SS.FF3"Z"'),
           $10,
           $11,
           METADATA$FILENAME, METADATA$FILE_ROW_NUMBER, METADATA$START_SCAN_TIME
    FROM @&{database}.&{schema}.customer_stage
)
FILE_FORMAT = (FORMAT_NAME = '&{database}.&{schema}.customer_csv')
PATTERN = '.*[.]csv[.]gz'
ON_ERROR = CONTINUE;

-- NiFi's role, per TriggerSnowpipeRefresh setting: OPERATE for ALTER PIPE ... REFRESH and REST insertFiles; MONITOR
-- for the REST load history (loadHistoryScan). Load Confirmation = COPY_HISTORY also needs a warehouse (USAGE,
-- 01_roles.sql) and, as Snowflake documents for Snowpipe loads, USAGE on database and schema and "any privilege" on
-- the target table: REFERENCES, the one that reads no data (table structure only).
GRANT OPERATE, MONITOR ON PIPE &{database}.&{schema}.customer_pipe TO ROLE SNOWSTREAM_LOADER;
GRANT REFERENCES ON TABLE &{database}.&{schema}.customer_raw TO ROLE SNOWSTREAM_LOADER;
-- The transformer reads the pipe's state through customer_pipeline_health (08_monitoring.sql)
GRANT MONITOR ON PIPE &{database}.&{schema}.customer_pipe TO ROLE SNOWSTREAM_TRANSFORMER;
