-- Monitoring views. Run as SNOWSTREAM_ADMIN. CREATE OR ALTER VIEW: views hold no data, grants survive.

USE ROLE SNOWSTREAM_ADMIN;

-- Files loaded in the last 24 hours: rows loaded and rejected, first error, and the lag from the pipe receiving
-- the file to its rows being committed
CREATE OR ALTER VIEW &{database}.&{schema}.customer_pipe_loads
    COMMENT = 'nifi-snowstream: per-file load results and lag of customer_pipe, last 24 hours'
AS
SELECT file_name,
       status,
       row_parsed,
       row_count AS rows_loaded,
       error_count AS rows_rejected,
       first_error_message,
       first_error_line_number,
       pipe_received_time,
       last_load_time,
       DATEDIFF(SECOND, pipe_received_time, last_load_time) AS load_lag_seconds
FROM TABLE(&{database}.INFORMATION_SCHEMA.COPY_HISTORY(
         TABLE_NAME => '&{database}.&{schema}.customer_raw',
         START_TIME => DATEADD(HOUR, -24, CURRENT_TIMESTAMP())));

-- Task runs of the last 7 days that failed, with their error
CREATE OR ALTER VIEW &{database}.&{schema}.customer_task_failures
    COMMENT = 'nifi-snowstream: failed runs of the change-processing tasks, last 7 days'
AS
SELECT name, scheduled_time, completed_time, state, error_code, error_message
FROM TABLE(&{database}.INFORMATION_SCHEMA.TASK_HISTORY(
         SCHEDULED_TIME_RANGE_START => DATEADD(DAY, -7, CURRENT_TIMESTAMP()),
         ERROR_ONLY => TRUE))
WHERE database_name = '&{database}' AND schema_name = '&{schema}';

-- One row: is the pipe running, how much is waiting, how old is the oldest event the task has not applied yet.
-- A growing oldest_unapplied_load means the task is suspended or failing: the stream goes stale after 14 days.
CREATE OR ALTER VIEW &{database}.&{schema}.customer_pipeline_health
    COMMENT = 'nifi-snowstream: pipe state, pending files, unapplied events and their age'
AS
SELECT pipe.status:executionState::VARCHAR AS pipe_state,
       pipe.status:pendingFileCount::NUMBER AS pipe_pending_files,
       pipe.status:lastIngestedTimestamp::TIMESTAMP_LTZ AS pipe_last_ingested,
       pipe.status:error::VARCHAR AS pipe_error,
       backlog.unapplied_events,
       backlog.oldest_unapplied_load,
       DATEDIFF(MINUTE, backlog.oldest_unapplied_load, CURRENT_TIMESTAMP()) AS unapplied_minutes
FROM (SELECT PARSE_JSON(SYSTEM$PIPE_STATUS('&{database}.&{schema}.customer_pipe')) AS status) pipe
CROSS JOIN (SELECT COUNT(*) AS unapplied_events, MIN(loaded_at) AS oldest_unapplied_load
            FROM &{database}.&{schema}.customer_raw_stream) backlog;

GRANT SELECT ON VIEW &{database}.&{schema}.customer_pipe_loads TO ROLE SNOWSTREAM_LOADER;
GRANT SELECT ON VIEW &{database}.&{schema}.customer_pipeline_health TO ROLE SNOWSTREAM_TRANSFORMER;
GRANT SELECT ON VIEW &{database}.&{schema}.customer_task_failures TO ROLE SNOWSTREAM_TRANSFORMER;
