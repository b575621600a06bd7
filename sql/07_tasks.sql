-- The tasks. Run as SNOWSTREAM_TRANSFORMER (EXECUTE TASK granted in 02_accountadmin.sql).
-- A task must be suspended to be altered: each definition is bracketed by SUSPEND and RESUME, so re-running the
-- script converges on the definition below without losing state.

USE ROLE SNOWSTREAM_TRANSFORMER;

ALTER TASK IF EXISTS &{database}.&{schema}.apply_customer_changes_task SUSPEND;

-- WHEN SYSTEM$STREAM_HAS_DATA is evaluated without a warehouse: an idle pipeline costs nothing.
-- task_compute is a warehouse clause, or USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE for serverless compute.
-- Runs never overlap (OVERLAP_POLICY = NO_OVERLAP; it replaces the deprecated ALLOW_OVERLAPPING_EXECUTION); a
-- failed run rolls back (offset included) and is retried by the next schedule; after five failures in a row the task
-- suspends itself, and customer_pipeline_health shows it (08_monitoring.sql) long before the stream could go stale
-- (MAX_DATA_EXTENSION_TIME_IN_DAYS = 14 on customer_raw).
CREATE OR ALTER TASK &{database}.&{schema}.apply_customer_changes_task
    &{task_compute}
    SCHEDULE = '&{task_schedule}'
    OVERLAP_POLICY = NO_OVERLAP
    SUSPEND_TASK_AFTER_NUM_FAILURES = 5
    USER_TASK_TIMEOUT_MS = 900000
    COMMENT = 'nifi-snowstream: applies new raw events to customer and customer_history'
WHEN SYSTEM$STREAM_HAS_DATA('&{database}.&{schema}.customer_raw_stream')
AS
    CALL &{database}.&{schema}.apply_customer_changes();

ALTER TASK &{database}.&{schema}.apply_customer_changes_task RESUME;

-- Earlier versions had capture_rejected_rows_task copy rejected rows from VALIDATE_PIPE_LOAD, which Snowflake does
-- not support for a pipe whose COPY transforms data (ours does): it failed every run. What a load refuses is counted
-- per file with its first error in COPY_HISTORY (the view customer_pipe_loads); what loads but must not be applied is
-- kept in customer_event_quarantine. Dropped so that a re-run converges.
DROP TASK IF EXISTS &{database}.&{schema}.capture_rejected_rows_task;
