-- Change processing: applies the raw events delivered by customer_raw_stream to customer (SCD1) and
-- customer_history (SCD2) in ONE transaction, together with the stream offset. Run as SNOWSTREAM_TRANSFORMER.
--
-- Semantics (README.md has the table):
--   * A key's versions are its events ordered by updated_at (event time, never load time). Several events of one key
--     with the same updated_at: the first by (source_file, source_row) wins, in a batch and across batches alike.
--     PutS3Batch's object names sort in the order they were written, so a re-sent file never displaces the
--     original, and exact duplicates collapse.
--   * An event whose state (op plus every attribute, NULL-safe through row_hash) equals the version in force at its
--     time starts no version: an identical re-send changes nothing.
--   * op = D ends the version in force and starts a tombstone version (is_deleted, NULL attributes); the customer
--     leaves the SCD1 table. A later upsert starts a new version: the customer comes back.
--   * A late event takes its place in the chain by event time and splits the version it falls into; SCD1 always
--     shows the state of the latest event time, so a late event never overwrites a newer state there.
--   * Every chain touched by a batch is rebuilt from its events (customer_raw, within raw_retention_days) and its
--     existing versions (older than that): the result does not depend on how events were split into batches or
--     in which order they arrived. An event not after the newest purged event of its key (customer_purge_horizon)
--     could not be placed exactly any more: it is quarantined instead, as are unknown ops and rows with an
--     eleventh field (customer_event_quarantine, with the reason).
--
-- Statements marked "-- @step <name>" are executed by the scenario tests in this order, inside one transaction
-- (see README.md for the mechanical substitutions they apply); the procedure around them is Snowflake-only.
-- CREATE OR REPLACE is right for the procedure: it holds no data, and only its owner's task calls it (no grant to lose).

USE ROLE SNOWSTREAM_TRANSFORMER;
USE WAREHOUSE &{warehouse};

CREATE OR REPLACE PROCEDURE &{database}.&{schema}.apply_customer_changes()
    RETURNS VARIANT
    LANGUAGE SQL
    EXECUTE AS OWNER
    COMMENT = 'nifi-snowstream: applies customer_raw_stream to customer (SCD1) and customer_history (SCD2) atomically'
AS
$$
DECLARE
    quarantined_events INTEGER DEFAULT 0;
    changed_keys INTEGER DEFAULT 0;
    events INTEGER DEFAULT 0;
    history_rows_removed INTEGER DEFAULT 0;
    history_rows_written INTEGER DEFAULT 0;
    current_versions_removed INTEGER DEFAULT 0;
    current_versions_written INTEGER DEFAULT 0;
    customer_rows_removed INTEGER DEFAULT 0;
    customer_rows_written INTEGER DEFAULT 0;
    raw_rows_purged INTEGER DEFAULT 0;
BEGIN
    -- The stream offset advances with this transaction's COMMIT and with nothing else: rows that Snowpipe commits
    -- meanwhile stay in the stream for the next run, and a failure rolls back everything, offset included.
    BEGIN TRANSACTION;

    -- @step clear_batch
    DELETE FROM &{database}.&{schema}.customer_change_batch;

    -- The events to apply, per key: known ops, ten fields, and later than the newest purged event of their key
    -- @step read_stream
    INSERT INTO &{database}.&{schema}.customer_change_batch (customer_id, first_event_at, event_count)
    SELECT s.customer_id, MIN(s.updated_at), COUNT(*)
    FROM &{database}.&{schema}.customer_raw_stream s
    LEFT JOIN &{database}.&{schema}.customer_purge_horizon p ON p.customer_id = s.customer_id
    WHERE s.METADATA$ACTION = 'INSERT'
      AND s.op IN ('U', 'D')
      AND s.extra_field IS NULL
      AND (p.purged_through IS NULL OR s.updated_at > p.purged_through)
    GROUP BY s.customer_id;
    changed_keys := SQLROWCOUNT;

    -- The complement, set aside with its reason, once each (README.md, "Quarantine"). A known event not applied is
    -- one before its key's earliest applied event, or of a key without one: exactly those at or before the purge
    -- horizon, found through the batch's few keys instead of the horizon's one row per customer. A later run's
    -- earliest event of a key is always after the key's horizon, so the rebuild never reads a quarantined event.
    -- @step quarantine_events
    INSERT INTO &{database}.&{schema}.customer_event_quarantine (
        customer_id, first_name, last_name, email, street, city, state, country, updated_at, op, extra_field,
        source_file, source_row, loaded_at, reason, quarantined_at
    )
    SELECT DISTINCT s.customer_id, s.first_name, s.last_name, s.email, s.street, s.city, s.state, s.country,
           s.updated_at, s.op, s.extra_field, s.source_file, s.source_row, s.loaded_at,
           CASE WHEN s.op NOT IN ('U', 'D') THEN 'UNKNOWN_OP'
                WHEN s.extra_field IS NOT NULL THEN 'EXTRA_FIELD'
                ELSE 'OLDER_THAN_PURGED_EVENTS'
           END,
           CURRENT_TIMESTAMP
    FROM &{database}.&{schema}.customer_raw_stream s
    LEFT JOIN &{database}.&{schema}.customer_change_batch b ON b.customer_id = s.customer_id
    WHERE s.METADATA$ACTION = 'INSERT'
      AND (s.op NOT IN ('U', 'D')
           OR s.extra_field IS NOT NULL
           OR b.customer_id IS NULL
           OR s.updated_at < b.first_event_at)
      AND NOT EXISTS (SELECT 1 FROM &{database}.&{schema}.customer_event_quarantine q
                      WHERE q.source_file = s.source_file AND q.source_row = s.source_row);
    quarantined_events := SQLROWCOUNT;

    SELECT COALESCE(SUM(event_count), 0) INTO :events FROM &{database}.&{schema}.customer_change_batch;

    -- @step clear_rebuild
    DELETE FROM &{database}.&{schema}.customer_history_rebuild;

    -- The new tail of every touched chain, from the version in force at the batch's earliest event onwards:
    -- candidates are the existing versions and the raw events of that period; one winner per (key, event time),
    -- the stored version in force before an equal raw copy of its event; runs of equal states collapse into their
    -- first event; each version lasts until the next one starts. A version in force that stays exactly as stored
    -- is left out: the rebuild's current versions are those to write, so the steps below find the rows they replace
    -- by key alone. A raw row of a touched key that Snowpipe commits during this transaction may be applied now
    -- although the stream delivers it next time: applying it again then changes nothing.
    -- @step rebuild_chains
    INSERT INTO &{database}.&{schema}.customer_history_rebuild (
        customer_id, first_name, last_name, email, street, city, state, country,
        valid_from, valid_to, is_current, is_deleted, row_hash, source_file, source_row
    )
    SELECT customer_id, first_name, last_name, email, street, city, state, country,
           valid_from, valid_to, is_current, is_deleted, row_hash, source_file, source_row
    FROM (
        SELECT chained.*,
               LEAD(valid_from) OVER (PARTITION BY customer_id ORDER BY valid_from) AS valid_to,
               LEAD(valid_from) OVER (PARTITION BY customer_id ORDER BY valid_from) IS NULL AS is_current
        FROM (
            SELECT winner.*,
                   LAG(row_hash) OVER (PARTITION BY customer_id ORDER BY valid_from) AS previous_hash
            FROM (
                SELECT *
                FROM (
                    SELECT h.customer_id, h.first_name, h.last_name, h.email, h.street, h.city, h.state,
                           h.country, h.valid_from, h.is_deleted, h.row_hash, h.source_file, h.source_row,
                           TRUE AS is_stored_current
                    FROM &{database}.&{schema}.customer_version_current h
                    JOIN &{database}.&{schema}.customer_change_batch b ON b.customer_id = h.customer_id
                    UNION ALL
                    -- ended versions only from the key's earliest new event on: the join's bound on valid_to lets
                    -- the engine skip the older part of the table, which lies in valid_to order
                    SELECT h.customer_id, h.first_name, h.last_name, h.email, h.street, h.city, h.state,
                           h.country, h.valid_from, h.is_deleted, h.row_hash, h.source_file, h.source_row,
                           FALSE
                    FROM &{database}.&{schema}.customer_version_closed h
                    JOIN &{database}.&{schema}.customer_change_batch b
                        ON b.customer_id = h.customer_id AND h.valid_to >= b.first_event_at
                    UNION ALL
                    SELECT r.customer_id,
                           CASE WHEN r.op = 'U' THEN r.first_name END,
                           CASE WHEN r.op = 'U' THEN r.last_name END,
                           CASE WHEN r.op = 'U' THEN r.email END,
                           CASE WHEN r.op = 'U' THEN r.street END,
                           CASE WHEN r.op = 'U' THEN r.city END,
                           CASE WHEN r.op = 'U' THEN r.state END,
                           CASE WHEN r.op = 'U' THEN r.country END,
                           r.updated_at,
                           r.op = 'D',
                           CASE WHEN r.op = 'D' THEN MD5('D')
                                ELSE MD5('U'
                               || COALESCE('v' || CAST(LENGTH(r.first_name) AS VARCHAR) || ':' || r.first_name, 'n')
                               || COALESCE('v' || CAST(LENGTH(r.last_name) AS VARCHAR) || ':' || r.last_name, 'n')
                               || COALESCE('v' || CAST(LENGTH(r.email) AS VARCHAR) || ':' || r.email, 'n')
                               || COALESCE('v' || CAST(LENGTH(r.street) AS VARCHAR) || ':' || r.street, 'n')
                               || COALESCE('v' || CAST(LENGTH(r.city) AS VARCHAR) || ':' || r.city, 'n')
                               || COALESCE('v' || CAST(LENGTH(r.state) AS VARCHAR) || ':' || r.state, 'n')
                               || COALESCE('v' || CAST(LENGTH(r.country) AS VARCHAR) || ':' || r.country, 'n'))
                           END,
                           r.source_file, r.source_row,
                           FALSE
                    FROM &{database}.&{schema}.customer_raw r
                    JOIN &{database}.&{schema}.customer_change_batch b ON b.customer_id = r.customer_id
                    WHERE r.updated_at >= b.first_event_at
                      AND r.op IN ('U', 'D')
                      AND r.extra_field IS NULL
                ) candidate
                QUALIFY ROW_NUMBER() OVER (PARTITION BY customer_id, valid_from
                                           ORDER BY source_file, source_row, is_stored_current DESC) = 1
            ) winner
        ) chained
        WHERE previous_hash IS DISTINCT FROM row_hash
    ) rebuilt
    WHERE NOT (is_current AND is_stored_current);

    -- Ended versions of the rebuilt period that the new chain does not have as they are: absorbed by an equal
    -- earlier state, displaced at the same event time by an event that wins the tie, or ending at another time now
    -- (a version that ends differently is removed and written again: the table only gets rows appended or removed)
    -- @step remove_superseded_versions
    DELETE FROM &{database}.&{schema}.customer_version_closed h
    USING (
        SELECT old.customer_id, old.valid_from, old.valid_to
        FROM &{database}.&{schema}.customer_version_closed old
        JOIN &{database}.&{schema}.customer_change_batch b
            ON b.customer_id = old.customer_id AND old.valid_to >= b.first_event_at
        LEFT JOIN &{database}.&{schema}.customer_history_rebuild n
            ON n.customer_id = old.customer_id
           AND n.valid_from = old.valid_from
           AND n.valid_to = old.valid_to
           AND n.row_hash = old.row_hash
           AND n.source_file = old.source_file
           AND n.source_row = old.source_row
        WHERE n.customer_id IS NULL
    ) superseded
    WHERE h.customer_id = superseded.customer_id
      AND h.valid_from = superseded.valid_from
      AND h.valid_to = superseded.valid_to;
    history_rows_removed := SQLROWCOUNT;

    -- The rebuilt ended versions not stored yet, appended; every rebuilt version ends at or after the key's
    -- earliest new event, so only that recent part of the table is looked at
    -- @step write_history
    INSERT INTO &{database}.&{schema}.customer_version_closed (
        customer_id, first_name, last_name, email, street, city, state, country,
        valid_from, valid_to, is_deleted, row_hash, source_file, source_row, changed_at
    )
    SELECT n.customer_id, n.first_name, n.last_name, n.email, n.street, n.city, n.state, n.country,
           n.valid_from, n.valid_to, n.is_deleted, n.row_hash, n.source_file, n.source_row, CURRENT_TIMESTAMP
    FROM &{database}.&{schema}.customer_history_rebuild n
    LEFT JOIN (
        SELECT h.customer_id, h.valid_from, h.valid_to
        FROM &{database}.&{schema}.customer_version_closed h
        JOIN &{database}.&{schema}.customer_change_batch b
            ON b.customer_id = h.customer_id AND h.valid_to >= b.first_event_at
    ) stored
        ON stored.customer_id = n.customer_id AND stored.valid_from = n.valid_from AND stored.valid_to = n.valid_to
    WHERE NOT n.is_current
      AND stored.customer_id IS NULL;
    history_rows_written := SQLROWCOUNT;

    -- The version in force of every key whose rebuilt one is new: the stored one goes, the rebuilt one is appended.
    -- Deleting and appending instead of updating in place: a run's keys are spread over the whole table, and an
    -- UPDATE rewrites every column of each row it touches where the DELETE only marks the row (DuckDB: a MERGE
    -- updating 10,000 keys spread over 2,000,000 costs several times the DELETE and INSERT; Snowflake rewrites the
    -- touched micro-partitions either way). Found by key alone, the rows to delete cost a read of one column.
    -- @step remove_replaced_current_versions
    DELETE FROM &{database}.&{schema}.customer_version_current c
    USING &{database}.&{schema}.customer_history_rebuild n
    WHERE n.is_current
      AND c.customer_id = n.customer_id;
    current_versions_removed := SQLROWCOUNT;

    -- @step write_current_version
    INSERT INTO &{database}.&{schema}.customer_version_current (
        customer_id, first_name, last_name, email, street, city, state, country,
        valid_from, is_deleted, row_hash, source_file, source_row, changed_at
    )
    SELECT n.customer_id, n.first_name, n.last_name, n.email, n.street, n.city, n.state, n.country,
           n.valid_from, n.is_deleted, n.row_hash, n.source_file, n.source_row, CURRENT_TIMESTAMP
    FROM &{database}.&{schema}.customer_history_rebuild n
    WHERE n.is_current;
    current_versions_written := SQLROWCOUNT;

    -- SCD1 is the version in force of every live customer, so it changes exactly where that version does: the
    -- stored row goes (a deleted customer leaves), the new state is appended, as above
    -- @step remove_replaced_customers
    DELETE FROM &{database}.&{schema}.customer c
    USING &{database}.&{schema}.customer_history_rebuild n
    WHERE n.is_current
      AND c.customer_id = n.customer_id;
    customer_rows_removed := SQLROWCOUNT;

    -- @step write_customer
    INSERT INTO &{database}.&{schema}.customer (
        customer_id, first_name, last_name, email, street, city, state, country,
        updated_at, row_hash, source_file, source_row, changed_at
    )
    SELECT n.customer_id, n.first_name, n.last_name, n.email, n.street, n.city, n.state, n.country,
           n.valid_from, n.row_hash, n.source_file, n.source_row, CURRENT_TIMESTAMP
    FROM &{database}.&{schema}.customer_history_rebuild n
    WHERE n.is_current
      AND NOT n.is_deleted;
    customer_rows_written := SQLROWCOUNT;

    -- Purge by age, in the same transaction that consumed the stream: a row older than the retention has been
    -- applied (now at the latest), and rows Snowpipe is committing meanwhile are young. Never TRUNCATE.
    -- First the purge horizon of every key losing raw rows moves up to the newest event time it loses ...
    -- @step advance_purge_horizon
    MERGE INTO &{database}.&{schema}.customer_purge_horizon p
    USING (
        SELECT customer_id, MAX(updated_at) AS purged_through
        FROM &{database}.&{schema}.customer_raw
        WHERE loaded_at < CURRENT_TIMESTAMP - INTERVAL '&{raw_retention_days} DAYS'
          AND op IN ('U', 'D')
          AND extra_field IS NULL
        GROUP BY customer_id
    ) purged
        ON p.customer_id = purged.customer_id
    WHEN MATCHED AND purged.purged_through > p.purged_through THEN UPDATE SET purged_through = purged.purged_through
    WHEN NOT MATCHED THEN INSERT (customer_id, purged_through) VALUES (purged.customer_id, purged.purged_through);

    -- ... then only rows the horizon covers go: a row that ages past the retention between the two statements
    -- (CURRENT_TIMESTAMP moves) stays until the next run instead of leaving the horizon behind
    -- @step purge_raw
    DELETE FROM &{database}.&{schema}.customer_raw r
    WHERE r.loaded_at < CURRENT_TIMESTAMP - INTERVAL '&{raw_retention_days} DAYS'
      AND (r.op NOT IN ('U', 'D')
           OR r.extra_field IS NOT NULL
           OR EXISTS (SELECT 1 FROM &{database}.&{schema}.customer_purge_horizon p
                      WHERE p.customer_id = r.customer_id AND p.purged_through >= r.updated_at));
    raw_rows_purged := SQLROWCOUNT;

    COMMIT;

    -- Rows affected by each step, under the step's name, and the number of events applied
    RETURN OBJECT_CONSTRUCT(
        'events', events,
        'quarantine_events', quarantined_events,
        'read_stream', changed_keys,
        'remove_superseded_versions', history_rows_removed,
        'write_history', history_rows_written,
        'remove_replaced_current_versions', current_versions_removed,
        'write_current_version', current_versions_written,
        'remove_replaced_customers', customer_rows_removed,
        'write_customer', customer_rows_written,
        'purge_raw', raw_rows_purged);
EXCEPTION
    -- Undo everything, stream offset included, and fail the call so that the task run is recorded as failed
    WHEN OTHER THEN
        ROLLBACK;
        RAISE;
END;
$$;
