package io.snowstream.sql;

import io.snowstream.nifi.customer.csv.EventTime;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A large history made in place on DuckDB, as if {@code customers x versions} upserts had been applied and all but
 * the newest {@code rawRows} of them purged: event n (n = version * customers + customer) happens a minute after
 * event n - 1, files hold {@code rowsPerFile} consecutive events. The version tables, customer, customer_raw and
 * customer_purge_horizon are filled with what apply_customer_changes() would have left; the row hash is the
 * expression of 06_change_processing.sql itself. Then {@link #nextBatch} makes batches of new events: mostly newer
 * than everything, some late (inside the raw window).
 */
final class SyntheticHistory {

    private static final long START = EventTime.parseCanonical("2026-01-01T00:00:00.000Z");
    private static final long STEP_MILLIS = 60_000;
    private static final Pattern ROW_HASH =
            Pattern.compile("CASE WHEN r\\.op = 'D' THEN MD5\\('D'\\).*?\\bEND\\b", Pattern.DOTALL);

    final long customers;
    final int versions;
    final long rowsPerFile;
    final long rawRows;
    private int batches;
    private long latestMillis;

    SyntheticHistory(final long customers, final int versions, final long rowsPerFile, final long rawRows) {
        if (rawRows % rowsPerFile != 0 || rawRows > customers * versions) {
            throw new IllegalArgumentException("the raw window must be whole files of the history");
        }
        this.customers = customers;
        this.versions = versions;
        this.rowsPerFile = rowsPerFile;
        this.rawRows = rawRows;
        this.latestMillis = START + (customers * versions - 1) * STEP_MILLIS;
    }

    long historyRows() {
        return customers * versions;
    }

    /** The first event still in customer_raw. */
    long firstRawEvent() {
        return historyRows() - rawRows;
    }

    /** Fills the warehouse's tables; the stream stays empty. */
    void seed(final DuckDbWarehouse warehouse) throws SQLException {
        final Matcher rowHash = ROW_HASH.matcher(
                SqlScript.read("06_change_processing.sql").marked("step").get("rebuild_chains"));
        if (!rowHash.find()) {
            throw new IllegalStateException("no row hash expression in rebuild_chains");
        }
        warehouse.executeUpdate(
                "CREATE TEMP TABLE synthetic_events AS SELECT n, customer_id, version, " + eventColumns()
                        + " FROM (SELECT v.version * " + customers + " + c.customer_id AS n, c.customer_id, v.version"
                        + " FROM range(" + customers + ") c(customer_id), range(" + versions + ") v(version))");
        final String version = "customer_id, " + JdbcWarehouse.ATTRIBUTES + ", updated_at";
        final String rest =
                "FALSE, " + rowHash.group() + ", source_file, source_row, CURRENT_TIMESTAMP FROM synthetic_events r";
        warehouse.executeUpdate(
                "INSERT INTO {schema}.customer_version_closed SELECT " + version + ", updated_at + INTERVAL '"
                        + customers + " MINUTES', " + rest + " WHERE version < " + (versions - 1) + " ORDER BY n");
        warehouse.executeUpdate("INSERT INTO {schema}.customer_version_current SELECT " + version + ", " + rest
                + " WHERE version = " + (versions - 1) + " ORDER BY n");
        warehouse.executeUpdate("INSERT INTO {schema}.customer SELECT customer_id, " + JdbcWarehouse.ATTRIBUTES
                + ", valid_from, row_hash, source_file, source_row, changed_at FROM {schema}.customer_version_current");
        warehouse.executeUpdate("INSERT INTO {schema}.customer_raw SELECT customer_id, " + JdbcWarehouse.ATTRIBUTES
                + ", updated_at, op, NULL, source_file, source_row, CURRENT_TIMESTAMP - INTERVAL '1 DAY' FROM synthetic_events "
                + "WHERE n >= " + firstRawEvent() + " ORDER BY n");
        warehouse.executeUpdate(
                "INSERT INTO {schema}.customer_purge_horizon SELECT customer_id, MAX(updated_at) FROM synthetic_events "
                        + "WHERE n < " + firstRawEvent() + " GROUP BY customer_id");
        warehouse.executeUpdate("DROP TABLE synthetic_events");
    }

    /** The events {@link #seed} stands for, by file name, in time order: what a model must receive. */
    Map<String, List<CustomerEvent>> files() {
        final Map<String, List<CustomerEvent>> files = new LinkedHashMap<>();
        for (long n = 0; n < historyRows(); n++) {
            files.computeIfAbsent("history/%010d.csv.gz".formatted(n / rowsPerFile), name -> new ArrayList<>())
                    .add(event(n % customers, n / customers, n));
        }
        return files;
    }

    /** Whether the file's rows were purged from customer_raw, as {@link #seed} leaves it. */
    boolean isPurged(final String fileName) {
        return Long.parseLong(fileName.substring("history/".length(), fileName.indexOf('.'))) * rowsPerFile
                < firstRawEvent();
    }

    /**
     * {@code size} new events, a tenth of them late: at a random time inside the raw window, so that the chain from
     * there is rebuilt; the others a minute apart after every event so far. Random keys, new emails.
     */
    List<CustomerEvent> nextBatch(final Random random, final int size) {
        batches++;
        final List<CustomerEvent> events = new ArrayList<>(size);
        final long rawWindowStart = START + firstRawEvent() * STEP_MILLIS;
        for (int i = 0; i < size; i++) {
            final long customerId = random.nextLong(customers);
            final long millis;
            if (i % 10 == 0) {
                millis = rawWindowStart + random.nextLong(latestMillis - rawWindowStart) + 1;
            } else {
                latestMillis += STEP_MILLIS;
                millis = latestMillis;
            }
            events.add(CustomerEvent.upsert(
                    customerId,
                    EventTime.format(millis),
                    "F" + customerId % 1000,
                    "L" + customerId % 97,
                    "b" + batches + "." + i + "@example.com",
                    customerId % 50 + " Main St",
                    "City" + customerId % 300,
                    null,
                    "GB"));
        }
        return events;
    }

    private CustomerEvent event(final long customerId, final long version, final long n) {
        return CustomerEvent.upsert(
                customerId,
                EventTime.format(START + n * STEP_MILLIS),
                "F" + customerId % 1000,
                "L" + customerId % 97,
                "e" + version + "." + customerId + "@example.com",
                customerId % 50 + " Main St",
                "City" + customerId % 300,
                null,
                "GB");
    }

    /** The same values as {@link #event}, in SQL over n, customer_id and version. */
    private String eventColumns() {
        return "'F' || (customer_id % 1000) AS first_name, 'L' || (customer_id % 97) AS last_name, "
                + "'e' || version || '.' || customer_id || '@example.com' AS email, (customer_id % 50) || ' Main St' AS street, "
                + "'City' || (customer_id % 300) AS city, CAST(NULL AS VARCHAR) AS state, 'GB' AS country, "
                + "CAST(TIMESTAMP '2026-01-01 00:00:00' + n * INTERVAL '1 MINUTE' AS TIMESTAMP_MS) AS updated_at, 'U' AS op, "
                + "'history/' || lpad(CAST(n // " + rowsPerFile + " AS VARCHAR), 10, '0') || '.csv.gz' AS source_file, "
                + "n % " + rowsPerFile + " + 1 AS source_row";
    }
}
