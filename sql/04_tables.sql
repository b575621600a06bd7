-- Tables and the stream. Statements marked "-- @ddl <name>" are also executed by the scenario tests
-- (src/test/java, see README.md); the others are Snowflake-only.
-- CREATE ... IF NOT EXISTS throughout: these objects hold data and stream offsets, so a re-run never replaces them.
-- Event times (updated_at, valid_from, valid_to) are UTC wall-clock values in TIMESTAMP_NTZ, exactly as written in
-- the files: no session time zone ever shifts them. Load and processing times are TIMESTAMP_LTZ instants.

USE ROLE SNOWSTREAM_ADMIN;

-- @ddl customer_raw
CREATE TABLE IF NOT EXISTS &{database}.&{schema}.customer_raw (
    customer_id BIGINT NOT NULL,
    first_name VARCHAR,
    last_name VARCHAR,
    email VARCHAR,
    street VARCHAR,
    city VARCHAR,
    state VARCHAR,
    country VARCHAR,
    updated_at TIMESTAMP_NTZ(3) NOT NULL,
    op VARCHAR(1) NOT NULL,
    extra_field VARCHAR,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL,
    loaded_at TIMESTAMP_LTZ NOT NULL
);

-- @ddl customer_raw_comment
COMMENT ON TABLE &{database}.&{schema}.customer_raw IS
    'Every change event exactly as loaded by customer_pipe, with its lineage; append-only, purged by age';

-- A stream whose consumer is suspended goes stale once the table's retention runs out: let Snowflake extend the
-- retention for the unconsumed stream up to 14 days rather than lose its offset.
ALTER TABLE &{database}.&{schema}.customer_raw SET
    DATA_RETENTION_TIME_IN_DAYS = 1
    MAX_DATA_EXTENSION_TIME_IN_DAYS = 14;

-- @ddl customer
CREATE TABLE IF NOT EXISTS &{database}.&{schema}.customer (
    customer_id BIGINT NOT NULL,
    first_name VARCHAR,
    last_name VARCHAR,
    email VARCHAR,
    street VARCHAR,
    city VARCHAR,
    state VARCHAR,
    country VARCHAR,
    updated_at TIMESTAMP_NTZ(3) NOT NULL,
    row_hash VARCHAR(32) NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL,
    changed_at TIMESTAMP_LTZ NOT NULL
);

-- @ddl customer_comment
COMMENT ON TABLE &{database}.&{schema}.customer IS
    'SCD type 1: one row per live customer, the state of its latest event (updated_at = event time of that state)';

-- SCD type 2 is stored as two tables and read through the view customer_history: one row per key for the version
-- in force (customer_version_current) and every ended version (customer_version_closed), which only ever gets rows
-- appended, or removed when a late event rewrites recent history. Versions end in event-time order, so the closed
-- table lies in the order of valid_to, and a run reading "the versions of these keys that end at or after the
-- batch's earliest event" prunes everything older (DuckDB's zone maps, Snowflake's micro-partition pruning): a
-- run's cost follows the batch and the number of keys, not the length of the history.
-- @ddl customer_version_current
CREATE TABLE IF NOT EXISTS &{database}.&{schema}.customer_version_current (
    customer_id BIGINT NOT NULL,
    first_name VARCHAR,
    last_name VARCHAR,
    email VARCHAR,
    street VARCHAR,
    city VARCHAR,
    state VARCHAR,
    country VARCHAR,
    valid_from TIMESTAMP_NTZ(3) NOT NULL,
    is_deleted BOOLEAN NOT NULL,
    row_hash VARCHAR(32) NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL,
    changed_at TIMESTAMP_LTZ NOT NULL
);

-- @ddl customer_version_closed
CREATE TABLE IF NOT EXISTS &{database}.&{schema}.customer_version_closed (
    customer_id BIGINT NOT NULL,
    first_name VARCHAR,
    last_name VARCHAR,
    email VARCHAR,
    street VARCHAR,
    city VARCHAR,
    state VARCHAR,
    country VARCHAR,
    valid_from TIMESTAMP_NTZ(3) NOT NULL,
    valid_to TIMESTAMP_NTZ(3) NOT NULL,
    is_deleted BOOLEAN NOT NULL,
    row_hash VARCHAR(32) NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL,
    changed_at TIMESTAMP_LTZ NOT NULL
);

-- @ddl customer_history
CREATE OR ALTER VIEW &{database}.&{schema}.customer_history (
    customer_id, first_name, last_name, email, street, city, state, country,
    valid_from, valid_to, is_current, is_deleted, row_hash, source_file, source_row, changed_at
)
AS
SELECT customer_id, first_name, last_name, email, street, city, state, country,
       valid_from, valid_to, FALSE, is_deleted, row_hash, source_file, source_row, changed_at
FROM &{database}.&{schema}.customer_version_closed
UNION ALL
SELECT customer_id, first_name, last_name, email, street, city, state, country,
       valid_from, CAST(NULL AS TIMESTAMP_NTZ(3)), TRUE, is_deleted, row_hash, source_file, source_row, changed_at
FROM &{database}.&{schema}.customer_version_current;

-- @ddl customer_history_comment
COMMENT ON VIEW &{database}.&{schema}.customer_history IS
    'SCD type 2: every version of every customer; [valid_from, valid_to) without gaps or overlaps, valid_to NULL on the current version; a delete is a version with is_deleted = TRUE and NULL attributes';

-- Work tables of apply_customer_changes(): rewritten inside its transaction on every run, so no fail-safe copy.
-- @ddl customer_change_batch
CREATE TRANSIENT TABLE IF NOT EXISTS &{database}.&{schema}.customer_change_batch (
    customer_id BIGINT NOT NULL,
    first_event_at TIMESTAMP_NTZ(3) NOT NULL,
    event_count BIGINT NOT NULL
);

-- @ddl customer_history_rebuild
CREATE TRANSIENT TABLE IF NOT EXISTS &{database}.&{schema}.customer_history_rebuild (
    customer_id BIGINT NOT NULL,
    first_name VARCHAR,
    last_name VARCHAR,
    email VARCHAR,
    street VARCHAR,
    city VARCHAR,
    state VARCHAR,
    country VARCHAR,
    valid_from TIMESTAMP_NTZ(3) NOT NULL,
    valid_to TIMESTAMP_NTZ(3),
    is_current BOOLEAN NOT NULL,
    is_deleted BOOLEAN NOT NULL,
    row_hash VARCHAR(32) NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL
);

-- Events that loaded but that the change processing must not apply, with the reason, never deleted:
--   UNKNOWN_OP                op is neither U nor D (the pipe loads any one-character op)
--   EXTRA_FIELD               the row had an 11th non-empty field (a COPY transformation ignores
--                             ERROR_ON_COLUMN_COUNT_MISMATCH, so the pipe reads $11 to see it)
--   OLDER_THAN_PURGED_EVENTS  its event time is not after the newest purged event of its key: the events it would
--                             have to be ordered against are gone from customer_raw (see customer_purge_horizon)
-- Rows Snowflake refuses while loading (no key, bad time, too few fields, op longer than one character) never reach
-- a table: customer_pipe_loads (08_monitoring.sql) shows per file how many, with the first error and its line.
-- @ddl customer_event_quarantine
CREATE TABLE IF NOT EXISTS &{database}.&{schema}.customer_event_quarantine (
    customer_id BIGINT NOT NULL,
    first_name VARCHAR,
    last_name VARCHAR,
    email VARCHAR,
    street VARCHAR,
    city VARCHAR,
    state VARCHAR,
    country VARCHAR,
    updated_at TIMESTAMP_NTZ(3) NOT NULL,
    op VARCHAR(1) NOT NULL,
    extra_field VARCHAR,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL,
    loaded_at TIMESTAMP_LTZ NOT NULL,
    reason VARCHAR NOT NULL,
    quarantined_at TIMESTAMP_LTZ NOT NULL
);

-- Per key, the newest event time among its purged raw rows. The chains are rebuilt from customer_raw, so an event
-- of a key at or before that time can no longer be placed exactly (a purged event that repeated the state in force
-- left no version behind): it is quarantined. One row per key that ever had a raw row purged.
-- @ddl customer_purge_horizon
CREATE TABLE IF NOT EXISTS &{database}.&{schema}.customer_purge_horizon (
    customer_id BIGINT NOT NULL,
    purged_through TIMESTAMP_NTZ(3) NOT NULL
);

-- APPEND_ONLY: it tracks inserts only, so purging old raw rows never shows up as a change, and its offset
-- advances only when a DML statement reading it commits: apply_customer_changes() reads it inside its transaction.
-- Never CREATE OR REPLACE: that would reset the offset and silently skip or replay events.
CREATE STREAM IF NOT EXISTS &{database}.&{schema}.customer_raw_stream
    ON TABLE &{database}.&{schema}.customer_raw
    APPEND_ONLY = TRUE
    COMMENT = 'nifi-snowstream: raw events not yet applied to customer and customer_history';

GRANT SELECT, DELETE ON TABLE &{database}.&{schema}.customer_raw TO ROLE SNOWSTREAM_TRANSFORMER;
GRANT SELECT ON STREAM &{database}.&{schema}.customer_raw_stream TO ROLE SNOWSTREAM_TRANSFORMER;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE &{database}.&{schema}.customer TO ROLE SNOWSTREAM_TRANSFORMER;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE &{database}.&{schema}.customer_version_current TO ROLE SNOWSTREAM_TRANSFORMER;
GRANT SELECT, INSERT, DELETE ON TABLE &{database}.&{schema}.customer_version_closed TO ROLE SNOWSTREAM_TRANSFORMER;
GRANT SELECT ON VIEW &{database}.&{schema}.customer_history TO ROLE SNOWSTREAM_TRANSFORMER;
GRANT SELECT, INSERT, DELETE ON TABLE &{database}.&{schema}.customer_change_batch TO ROLE SNOWSTREAM_TRANSFORMER;
GRANT SELECT, INSERT, DELETE ON TABLE &{database}.&{schema}.customer_history_rebuild TO ROLE SNOWSTREAM_TRANSFORMER;
GRANT SELECT, INSERT ON TABLE &{database}.&{schema}.customer_event_quarantine TO ROLE SNOWSTREAM_TRANSFORMER;
GRANT SELECT, INSERT, UPDATE ON TABLE &{database}.&{schema}.customer_purge_horizon TO ROLE SNOWSTREAM_TRANSFORMER;
