-- The tasks. Run as SNOWSTREAM_TRANSFORMER (EXECUTE TASK granted in 02_accountadmin.sql).
-- A task must be suspended to be altered: each definition is bracketed by SUSPEND and RESUME, so re-running the
-- script converges on the definition below without losing state.

USE ROLE SNOWSTREAM_TRANSFORMER;

ALTER TASK IF EXISTS &{database}.&{schema}.apply_customer_changes_task SUSPEND;

-- WHEN SYSTEM$STREAM_HAS_DATA is evaluated without a warehouse: an idle pipeline costs nothing.
-- task_compute is a warehouse clause, or USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE for serverless compute.
-- Runs never overlap; a failed run rolls back (offset included) and is retried by the next schedule; after five
-- failures in a row the task suspends itself, and customer_pipeline_health shows it (08_monitoring.sql) long before
-- the stream could go stale (MAX_DATA_EXTENSION_TIME_IN_DAYS = 14 on customer_raw).
CREATE OR ALTER TASK &{database}.&{schema}.apply_customer_changes_task
    &{task_compute}
    SCHEDULE = '&{task_schedule}'
    ALLOW_OVERLAPPING_EXECUTION = FALSE
    SUSPEND_TASK_AFTER_NUM_FAILURES = 5
    USER_TASK_TIMEOUT_MS = 900000
    COMMENT = 'nifi-snowstream: applies new raw events to customer and customer_history'
WHEN SYSTEM$STREAM_HAS_DATA('&{database}.&{schema}.customer_raw_stream')
AS
    CALL &{database}.&{schema}.apply_customer_changes();

ALTER TASK &{database}.&{schema}.apply_customer_changes_task RESUME;

ALTER TASK IF EXISTS &{database}.&{schema}.capture_rejected_rows_task SUSPEND;

-- Copies the rows Snowpipe rejected in the last two hours into customer_raw_rejected, once each
CREATE OR ALTER TASK &{database}.&{schema}.capture_rejected_rows_task
    &{task_compute}
    SCHEDULE = '60 MINUTE'
    ALLOW_OVERLAPPING_EXECUTION = FALSE
    SUSPEND_TASK_AFTER_NUM_FAILURES = 5
    COMMENT = 'nifi-snowstream: keeps the rows Snowpipe rejected, with their error'
AS
    MERGE INTO &{database}.&{schema}.customer_raw_rejected q
    USING (
        SELECT file AS source_file, row_start_line, code AS error_code,
               ANY_VALUE(error) AS error_message, ANY_VALUE(column_name) AS column_name,
               ANY_VALUE(rejected_record) AS rejected_record
        FROM TABLE(&{database}.INFORMATION_SCHEMA.VALIDATE_PIPE_LOAD(
                 PIPE_NAME => '&{database}.&{schema}.customer_pipe',
                 START_TIME => DATEADD(HOUR, -2, CURRENT_TIMESTAMP())))
        GROUP BY file, row_start_line, code
    ) e
        ON q.source_file = e.source_file AND q.row_start_line = e.row_start_line AND q.error_code = e.error_code
    WHEN NOT MATCHED THEN INSERT (
        source_file, row_start_line, error_code, error_message, column_name, rejected_record, captured_at
    ) VALUES (
        e.source_file, e.row_start_line, e.error_code, e.error_message, e.column_name, e.rejected_record,
        CURRENT_TIMESTAMP()
    );

ALTER TASK &{database}.&{schema}.capture_rejected_rows_task RESUME;
