-- Removes everything the other scripts created, data included. Never run by run.sh unless named:
--   sql/run.sh snow 99_teardown.sql
-- Order: stop what writes (tasks, pipe) before dropping what it writes to.

USE ROLE SNOWSTREAM_ADMIN;

ALTER TASK IF EXISTS &{database}.&{schema}.apply_customer_changes_task SUSPEND;
ALTER TASK IF EXISTS &{database}.&{schema}.capture_rejected_rows_task SUSPEND;
DROP TASK IF EXISTS &{database}.&{schema}.apply_customer_changes_task;
DROP TASK IF EXISTS &{database}.&{schema}.capture_rejected_rows_task;
DROP PIPE IF EXISTS &{database}.&{schema}.customer_pipe;
DROP PROCEDURE IF EXISTS &{database}.&{schema}.apply_customer_changes();
DROP SCHEMA IF EXISTS &{database}.&{schema};

USE ROLE SYSADMIN;

DROP DATABASE IF EXISTS &{database};
DROP WAREHOUSE IF EXISTS &{warehouse};

USE ROLE ACCOUNTADMIN;

DROP STORAGE INTEGRATION IF EXISTS &{storage_integration};

USE ROLE USERADMIN;

DROP ROLE IF EXISTS SNOWSTREAM_LOADER;
DROP ROLE IF EXISTS SNOWSTREAM_TRANSFORMER;
DROP ROLE IF EXISTS SNOWSTREAM_ADMIN;
