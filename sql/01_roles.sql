-- Roles, warehouse, database and schema. Run as a user holding USERADMIN and SYSADMIN.
--
-- SNOWSTREAM_ADMIN        owns every object of the project (tables, stage, pipe, stream); granted to SYSADMIN.
-- SNOWSTREAM_LOADER       NiFi's role: USAGE on warehouse, database and schema; OPERATE and MONITOR on the pipe
--                         (granted in 05_pipe.sql); nothing else. It can trigger and watch loads, never read or
--                         change a table.
-- SNOWSTREAM_TRANSFORMER  owns the change-processing procedure and tasks: reads raw events, writes customer and
--                         customer_history. EXECUTE TASK is an account privilege: see 02_accountadmin.sql.

USE ROLE USERADMIN;

CREATE ROLE IF NOT EXISTS SNOWSTREAM_ADMIN
    COMMENT = 'nifi-snowstream: owns the database objects of the customer pipeline';
CREATE ROLE IF NOT EXISTS SNOWSTREAM_LOADER
    COMMENT = 'nifi-snowstream: NiFi triggers and monitors the pipe (OPERATE, MONITOR); no table access';
CREATE ROLE IF NOT EXISTS SNOWSTREAM_TRANSFORMER
    COMMENT = 'nifi-snowstream: runs the change-processing task (SCD1 and SCD2)';

-- The usual hierarchy: custom roles roll up to SYSADMIN, so administrators keep control of what they own
GRANT ROLE SNOWSTREAM_LOADER TO ROLE SNOWSTREAM_ADMIN;
GRANT ROLE SNOWSTREAM_TRANSFORMER TO ROLE SNOWSTREAM_ADMIN;
GRANT ROLE SNOWSTREAM_ADMIN TO ROLE SYSADMIN;

USE ROLE SYSADMIN;

-- Auto-suspends after a minute: the task only wakes it when the stream has data
CREATE WAREHOUSE IF NOT EXISTS &{warehouse}
    WAREHOUSE_SIZE = XSMALL
    AUTO_SUSPEND = 60
    AUTO_RESUME = TRUE
    INITIALLY_SUSPENDED = TRUE
    COMMENT = 'nifi-snowstream: change processing and monitoring queries';

CREATE DATABASE IF NOT EXISTS &{database}
    COMMENT = 'nifi-snowstream: customer change events loaded by Snowpipe';

GRANT USAGE ON WAREHOUSE &{warehouse} TO ROLE SNOWSTREAM_LOADER;
GRANT USAGE ON WAREHOUSE &{warehouse} TO ROLE SNOWSTREAM_TRANSFORMER;
GRANT USAGE ON DATABASE &{database} TO ROLE SNOWSTREAM_LOADER;
GRANT USAGE ON DATABASE &{database} TO ROLE SNOWSTREAM_TRANSFORMER;
GRANT USAGE, CREATE SCHEMA ON DATABASE &{database} TO ROLE SNOWSTREAM_ADMIN;

-- Created by SNOWSTREAM_ADMIN so that it owns the schema and everything in it
USE ROLE SNOWSTREAM_ADMIN;

CREATE SCHEMA IF NOT EXISTS &{database}.&{schema}
    WITH MANAGED ACCESS
    COMMENT = 'nifi-snowstream: raw events, SCD1 and SCD2 tables, pipe, stream, tasks';

GRANT USAGE ON SCHEMA &{database}.&{schema} TO ROLE SNOWSTREAM_LOADER;
GRANT USAGE, CREATE PROCEDURE, CREATE TASK ON SCHEMA &{database}.&{schema} TO ROLE SNOWSTREAM_TRANSFORMER;
