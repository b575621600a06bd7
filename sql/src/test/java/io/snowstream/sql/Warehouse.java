package io.snowstream.sql;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * What the scenarios need from a warehouse holding the tables of 04_tables.sql and running
 * apply_customer_changes(): the embedded {@link DuckDbWarehouse}, or {@link SnowflakeWarehouse} on a real account.
 */
interface Warehouse extends AutoCloseable {

    /** The rows each step of the last {@link #apply()} affected, by step name, and the events it consumed. */
    record ApplyCounts(Map<String, Long> stepCounts, long events) {
        long of(final String step) {
            final Long count = stepCounts.get(step);
            if (count == null) {
                throw new IllegalArgumentException("no step " + step + " in " + stepCounts.keySet());
            }
            return count;
        }
    }

    record CustomerRow(long customerId, List<String> attributes, String updatedAt, String sourceFile, long sourceRow) {
        String describe() {
            return customerId + " " + attributes.get(0) + " " + attributes.get(2) + " @" + updatedAt;
        }
    }

    record HistoryRow(
            long customerId,
            List<String> attributes,
            String validFrom,
            String validTo,
            boolean current,
            boolean deleted,
            String sourceFile,
            long sourceRow) {
        String describe() {
            return customerId + " " + (deleted ? "deleted" : attributes.get(0) + " " + attributes.get(2)) + " ["
                    + validFrom + ", " + (validTo == null ? "" : validTo) + ")" + (current ? " current" : "");
        }
    }

    /** A row of customer_event_quarantine. */
    record QuarantinedEvent(
            String sourceFile, long sourceRow, long customerId, String op, String updatedAt, String reason) {
        String describe() {
            return sourceFile + ":" + sourceRow + " " + customerId + " " + op + " @" + updatedAt + " " + reason;
        }
    }

    /** What the pipe does with one file: appends its rows to customer_raw with their lineage (rows from 1). */
    void load(String sourceFile, List<CustomerEvent> events) throws SQLException;

    /** What the task does: one run of apply_customer_changes(). */
    ApplyCounts apply() throws SQLException;

    /**
     * Moves the load time of a file's raw rows back beyond raw_retention_days, as if the retention had passed since:
     * the next {@link #apply()} purges them after applying its batch.
     */
    void ageBeyondRetention(String sourceFile) throws SQLException;

    List<CustomerRow> customers() throws SQLException;

    List<HistoryRow> history() throws SQLException;

    /** customer_event_quarantine, ordered by file and row. */
    List<QuarantinedEvent> quarantined() throws SQLException;

    long rawRowCount() throws SQLException;

    long streamRowCount() throws SQLException;

    @Override
    void close() throws SQLException;
}
