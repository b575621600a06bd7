package io.snowstream.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.nifi.customer.csv.EventTime;
import io.snowstream.sql.Warehouse.ApplyCounts;
import io.snowstream.sql.Warehouse.CustomerRow;
import io.snowstream.sql.Warehouse.HistoryRow;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Random change events, in random batches and files, with late events, re-sends, ties on event time, NULLs and
 * empty strings, deletes and returns, unknown ops and rows with an eleventh field, raw rows aging past the retention
 * and being purged, and (on DuckDB) batches the stream delivers twice, applied by the SQL and by
 * {@link CustomerModel}: both must agree after every batch on the counts and, at checkpoints, on every row.
 */
final class RandomizedRun {

    private static final long DAY_START = EventTime.parseCanonical("2026-11-23T00:00:00.000Z");
    private static final List<String> FIRST_NAMES = Arrays.asList("Ada", "Grace", "Linus");
    private static final List<String> EMAILS = Arrays.asList("a@example.com", "g@example.com", null, "");
    private static final List<String> CITIES = Arrays.asList("London", "Paris, France", "Quote \"Town\"", null);
    /** Full-table comparisons every this many batches (and at the end); counts are compared after every batch. */
    private static final int CHECKPOINT_INTERVAL = 10;

    private final int eventCount;
    private final int customerCount;
    private final int maxBatch;

    private final CustomerModel model = new CustomerModel();
    private final Map<Long, List<CustomerEvent>> sentByCustomer = new HashMap<>();
    private final Map<Long, Long> latestMinuteByCustomer = new HashMap<>();
    private final List<String> files = new ArrayList<>();
    private final List<String> filesInRetention = new ArrayList<>();
    private long rawRowsPurged;

    /** At least {@code eventCount} events over {@code customerCount} keys, in batches of up to {@code maxBatch}. */
    RandomizedRun(final int eventCount, final int customerCount, final int maxBatch) {
        this.eventCount = eventCount;
        this.customerCount = customerCount;
        this.maxBatch = maxBatch;
    }

    /** What a run went through, so that a test can check that it exercised what it claims to. */
    record Coverage(long rawRowsPurged, Map<String, Long> quarantinedByReason) {}

    /** Runs with the seed of {@code -Dsnowstream.sql.seed}, or the given one; the seed is in any failure's message. */
    Coverage run(final Warehouse warehouse, final long defaultSeed) throws SQLException {
        final long seed = Long.getLong("snowstream.sql.seed", defaultSeed);
        try {
            run(warehouse, new Random(seed));
            return new Coverage(
                    rawRowsPurged,
                    model.quarantined().stream()
                            .collect(Collectors.groupingBy(
                                    Warehouse.QuarantinedEvent::reason, TreeMap::new, Collectors.counting())));
        } catch (final AssertionError | RuntimeException | SQLException e) {
            throw new AssertionError(
                    "randomized run failed with seed " + seed + " (re-run with -Dsnowstream.sql.seed=" + seed + "): "
                            + e.getMessage(),
                    e);
        }
    }

    private void run(final Warehouse warehouse, final Random random) throws SQLException {
        long loadedEvents = 0;
        long consumedEvents = 0;
        for (int batch = 1; loadedEvents < eventCount; batch++) {
            final List<CustomerRow> customersBefore = model.customers();
            final List<HistoryRow> historyBefore = model.history();
            loadedEvents += loadBatch(warehouse, random, batch);
            if (warehouse instanceof DuckDbWarehouse duckDb && random.nextInt(20) == 0) {
                // a batch the stream delivers a second time: must change nothing more
                final String file = files.get(random.nextInt(files.size()));
                assertThat(duckDb.replayIntoStream(file))
                        .as("rows of %s still in raw", file)
                        .isEqualTo(model.redeliver(file));
            }

            final ApplyCounts counts = warehouse.apply();
            final CustomerModel.RunCounts expected = model.apply();
            consumedEvents += counts.events() + counts.of("quarantine_events");
            rawRowsPurged += counts.of("purge_raw");

            final List<HistoryRow> historyAfter = model.history();
            assertThat(counts.events()).as("events applied by batch %d", batch).isEqualTo(expected.events());
            assertThat(counts.of("quarantine_events"))
                    .as("events quarantined by batch %d", batch)
                    .isEqualTo(expected.quarantined());
            assertThat(counts.of("remove_replaced_customers"))
                    .as("SCD1 rows removed or replaced by batch %d", batch)
                    .isEqualTo(onlyIn(customersBefore, model.customers()));
            assertThat(counts.of("write_customer"))
                    .as("SCD1 rows written by batch %d", batch)
                    .isEqualTo(onlyIn(model.customers(), customersBefore));
            assertThat(counts.of("remove_superseded_versions"))
                    .as("ended versions removed by batch %d", batch)
                    .isEqualTo(onlyIn(ended(historyBefore), ended(historyAfter)));
            assertThat(counts.of("write_history"))
                    .as("ended versions written by batch %d", batch)
                    .isEqualTo(onlyIn(ended(historyAfter), ended(historyBefore)));
            assertThat(counts.of("remove_replaced_current_versions"))
                    .as("current versions replaced by batch %d", batch)
                    .isEqualTo(onlyIn(current(historyBefore), current(historyAfter)));
            assertThat(counts.of("write_current_version"))
                    .as("current versions written by batch %d", batch)
                    .isEqualTo(onlyIn(current(historyAfter), current(historyBefore)));
            if (batch % CHECKPOINT_INTERVAL == 0) {
                assertSameTables(warehouse, batch);
            }
            ageSomeFiles(warehouse, random);
        }
        assertSameTables(warehouse, -1);
        assertChainInvariants(warehouse.history(), warehouse.customers());
        assertThat(consumedEvents).isGreaterThanOrEqualTo(loadedEvents);
        assertThat(warehouse.rawRowCount()).as("raw rows not purged").isEqualTo(model.rawRowCount());
        assertThat(warehouse.quarantined()).as("quarantined events").containsExactlyElementsOf(model.quarantined());
        assertThat(warehouse.streamRowCount()).as("stream consumed").isZero();
    }

    /** One to three files of random events; returns the number of events loaded. */
    private long loadBatch(final Warehouse warehouse, final Random random, final int batch) throws SQLException {
        final int fileCount = 1 + random.nextInt(3);
        final int eventsPerFile = 1 + random.nextInt(maxBatch) / fileCount;
        for (int file = 0; file < fileCount; file++) {
            // names sort in the order they are written, as PutS3Batch's do, except for the odd backfill file whose
            // name sorts before all others: its events win every tie, although they arrive later
            final String name = random.nextInt(15) == 0
                    ? "customers/0-backfill-%05d-%d.csv.gz".formatted(batch, file)
                    : "customers/%05d-%d.csv.gz".formatted(batch, file);
            final List<CustomerEvent> events = new ArrayList<>();
            for (int i = 0; i < eventsPerFile; i++) {
                events.add(nextEvent(random));
            }
            warehouse.load(name, events);
            model.receive(name, events);
            files.add(name);
            filesInRetention.add(name);
        }
        return (long) fileCount * eventsPerFile;
    }

    /** Time passes: about one file in six still in raw gets older than the retention, and the next run purges it. */
    private void ageSomeFiles(final Warehouse warehouse, final Random random) throws SQLException {
        for (final var file = filesInRetention.iterator(); file.hasNext(); ) {
            final String name = file.next();
            if (random.nextInt(6) == 0) {
                warehouse.ageBeyondRetention(name);
                model.ageBeyondRetention(name);
                file.remove();
            }
        }
    }

    /**
     * Mostly in-order updates a few minutes apart (sometimes the same minute: a tie), some late events, some exact
     * re-sends of an earlier event, about one delete in eight, and the odd row the change processing must set aside
     * (an unknown op, an eleventh field).
     */
    private CustomerEvent nextEvent(final Random random) {
        final long customerId = random.nextInt(customerCount);
        final List<CustomerEvent> sent = sentByCustomer.computeIfAbsent(customerId, id -> new ArrayList<>());
        if (!sent.isEmpty() && random.nextInt(20) == 0) {
            return sent.get(random.nextInt(sent.size()));
        }
        final long latest = latestMinuteByCustomer.getOrDefault(customerId, 0L);
        final long minute = random.nextInt(5) == 0 ? random.nextLong(latest + 1) : latest + random.nextInt(4);
        latestMinuteByCustomer.put(customerId, Math.max(latest, minute));
        final String updatedAt = EventTime.format(DAY_START + minute * 60_000L + random.nextInt(2) * 7L);
        final CustomerEvent event = random.nextInt(8) == 0
                ? CustomerEvent.delete(customerId, updatedAt)
                : CustomerEvent.upsert(
                        customerId,
                        updatedAt,
                        pick(random, FIRST_NAMES),
                        "Hopper",
                        pick(random, EMAILS),
                        "1 Main St",
                        pick(random, CITIES),
                        null,
                        "GB");
        sent.add(event);
        return switch (random.nextInt(100)) {
            case 0 -> event.withOp(random.nextBoolean() ? "u" : "X");
            case 1 -> event.withExtraField("surplus");
            default -> event;
        };
    }

    private static String pick(final Random random, final List<String> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static List<HistoryRow> ended(final List<HistoryRow> history) {
        return history.stream().filter(version -> !version.current()).toList();
    }

    private static List<HistoryRow> current(final List<HistoryRow> history) {
        return history.stream().filter(HistoryRow::current).toList();
    }

    /** How many of these rows, exactly as they are, the others do not have. */
    private static <R> long onlyIn(final List<R> these, final List<R> others) {
        final Set<R> only = new HashSet<>(these);
        others.forEach(only::remove);
        return only.size();
    }

    /** Every row of both tables equal to the model's; {@code batch} -1 is the end of the run. */
    private void assertSameTables(final Warehouse warehouse, final int batch) throws SQLException {
        assertThat(warehouse.customers()).as("SCD1 after batch %d", batch).containsExactlyElementsOf(model.customers());
        assertThat(warehouse.history()).as("SCD2 after batch %d", batch).containsExactlyElementsOf(model.history());
    }

    /** Checked on the SQL's own output, independently of the model. */
    private static void assertChainInvariants(final List<HistoryRow> history, final List<CustomerRow> customers) {
        final Map<Long, List<HistoryRow>> chains = history.stream()
                .collect(Collectors.groupingBy(HistoryRow::customerId, TreeMap::new, Collectors.toList()));
        final List<CustomerRow> liveCurrentVersions = new ArrayList<>();
        chains.forEach((customerId, chain) -> {
            assertThat(chain.stream().filter(HistoryRow::current))
                    .as("current versions of %d", customerId)
                    .hasSize(1);
            for (int i = 0; i < chain.size() - 1; i++) {
                final HistoryRow version = chain.get(i);
                final HistoryRow next = chain.get(i + 1);
                assertThat(version.validTo())
                        .as("no gap or overlap in %d", customerId)
                        .isEqualTo(next.validFrom());
                assertThat(version.validFrom()).isLessThan(version.validTo());
                assertThat(version.deleted() == next.deleted()
                                && version.attributes().equals(next.attributes()))
                        .as("consecutive versions of %d differ", customerId)
                        .isFalse();
            }
            final HistoryRow last = chain.getLast();
            assertThat(last.current()).isTrue();
            assertThat(last.validTo()).isNull();
            if (!last.deleted()) {
                liveCurrentVersions.add(new CustomerRow(
                        customerId, last.attributes(), last.validFrom(), last.sourceFile(), last.sourceRow()));
            }
        });
        assertThat(customers)
                .as("SCD1 is the live current version of every chain")
                .containsExactlyElementsOf(liveCurrentVersions);
    }
}
