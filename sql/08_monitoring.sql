-- Monitoring views. Run as SNOWSTREAM_ADMIN. CREATE OR ALTER VIEW: views hold no data, grants survive.
-- Readable by SNOWSTREAM_ADMIN (and SYSADMIN above it) and the transformer; NiFi's role gets nothing here.

USE ROLE SNOWSTREAM_ADMIN;

-- Files loaded in the last 24 hours: rows loaded and rejected, first error (with its line), and the lag from the
-- pipe receiving the file to its rows being committed. The rows a load refuses are not kept anywhere else: they
-- stay in their file in S3, which this view names (VALIDATE_PIPE_LOAD cannot return them for a transforming COPY).
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

-- Task runs of the last 7 days that failed, with their error. TASK_HISTORY returns the newest 100 rows unless
-- RESULT_LIMIT says otherwise (10,000 at most).
CREATE OR ALTER VIEW &{database}.&{schema}.customer_task_failures
    COMMENT = 'nifi-snowstream: failed runs of the change-processing tasks, last 7 days'
AS
SELECT name, scheduled_time, completed_time, state, error_code, error_message
FROM TABLE(&{database}.INFORMATION_SCHEMA.TASK_HISTORY(
         SCHEDULED_TIME_RANGE_START => DATEADD(DAY, -7, CURRENT_TIMESTAMP()),
         RESULT_LIMIT => 10000,
         ERROR_ONLY => TRUE))
WHERE database_name = '&{database}' AND schema_name = '&{schema}';

-- One row: is the pipe running and how much is waiting; are there events the task has not applied, and how long
-- ago did it last succeed. Unapplied events with an old last success mean the task is suspended or failing: the
-- stream goes stale when that lasts longer than MAX_DATA_EXTENSION_TIME_IN_DAYS (SHOW STREAMS shows stale_after).
-- The task's newest 10,000 runs (skipped ones included: almost 7 days at a 1-minute schedule) are searched for the
-- last success; none among them leaves last_successful_apply NULL, which means "not for days".
CREATE OR ALTER VIEW &{database}.&{schema}.customer_pipeline_health
    COMMENT = 'nifi-snowstream: pipe state and backlog, unapplied events, last successful change processing'
AS
SELECT pipe.status:executionState::VARCHAR AS pipe_state,
       pipe.status:pendingFileCount::NUMBER AS pipe_pending_files,
       pipe.status:lastIngestedTimestamp::TIMESTAMP_LTZ AS pipe_last_ingested,
       pipe.status:error::VARCHAR AS pipe_error,
       SYSTEM$STREAM_HAS_DATA('&{database}.&{schema}.customer_raw_stream') AS has_unapplied_events,
       task.last_success AS last_successful_apply,
       DATEDIFF(MINUTE, task.last_success, CURRENT_TIMESTAMP()) AS minutes_since_successful_apply
FROM (SELECT PARSE_JSON(SYSTEM$PIPE_STATUS('&{database}.&{schema}.customer_pipe')) AS status) pipe
CROSS JOIN (SELECT MAX(completed_time) AS last_success
            FROM TABLE(&{database}.INFORMATION_SCHEMA.TASK_HISTORY(
                     SCHEDULED_TIME_RANGE_START => DATEADD(DAY, -7, CURRENT_TIMESTAMP()),
                     RESULT_LIMIT => 10000,
                     TASK_NAME => 'APPLY_CUSTOMER_CHANGES_TASK'))
            WHERE state = 'SUCCEEDED' AND database_name = '&{database}' AND schema_name = '&{schema}') task;

GRANT SELECT ON VIEW &{database}.&{schema}.customer_pipe_loads TO ROLE SNOWSTREAM_TRANSFORMER;
GRANT SELECT ON VIEW &{database}.&{schema}.customer_pipeline_health TO ROLE SNOWSTREAM_TRANSFORMER;
GRANT SELECT ON VIEW &{database}.&{schema}.customer_task_failures TO ROLE SNOWSTREAM_TRANSFORMER;
