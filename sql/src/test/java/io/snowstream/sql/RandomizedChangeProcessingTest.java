package io.snowstream.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.snowstream.nifi.customer.csv.EventTime;
import io.snowstream.sql.DuckDbWarehouse.ApplyCounts;
import io.snowstream.sql.DuckDbWarehouse.CustomerRow;
import io.snowstream.sql.DuckDbWarehouse.HistoryRow;

/**
 * Thousands of random change events, in random batches and files, with late events, re-sends, ties on event time,
 * NULLs, deletes and returns, and replayed batches, applied by the SQL and by {@link CustomerModel}; both must
 * agree after every batch on the counts and, at checkpoints, on every row. The seed is printed on failure; re-run
 * one with {@code -Dsnowstream.sql.seed=<seed>}.
 */
class RandomizedChangeProcessingTest {

    private static final int EVENTS = 12_000;
    private static final int CUSTOMERS = 300;
    private static final int MAX_BATCH = 400;
    private static final long DAY_START = EventTime.parseCanonical("2026-11-23T00:00:00.000Z");
    private static final List<String> FIRST_NAMES = Arrays.asList("Ada", "Grace", "Linus");
    private static final List<String> EMAILS = Arrays.asList("a@example.com", "g@example.com", null, "");
    private static final List<String> CITIES = Arrays.asList("London", "Paris, France", "Quote \"Town\"", null);

    @Test
    void sqlAgreesWithTheModel() throws SQLException {
        final long seed = Long.getLong("snowstream.sql.seed", 20261123L);
        try {
            run(seed);
        } catch (final AssertionError | RuntimeException | SQLException e) {
            throw new AssertionError("randomized run failed with seed " + seed
                    + " (re-run with -Dsnowstream.sql.seed=" + seed + "): " + e.getMessage(), e);
        }
    }

    private void run(final long seed) throws SQLException {
        final Random random = new Random(seed);
        final CustomerModel model = new CustomerModel();
        final Map<Long, List<CustomerEvent>> sentByCustomer = new HashMap<>();
        final Map<Long, Long> latestMinute = new HashMap<>();
        final List<String> files = new ArrayList<>();
        long loadedEvents = 0;
        long consumedEvents = 0;
        int batch = 0;

        try (DuckDbWarehouse warehouse = new DuckDbWarehouse()) {
            while (loadedEvents < EVENTS) {
                batch++;
                final int batchSize = 1 + random.nextInt(MAX_BATCH);
                final int fileCount = 1 + random.nextInt(3);
                long eventsInStream = 0;
                for (int file = 0; file < fileCount; file++) {
                    final String name = "customers/%05d-%d.csv.gz".formatted(batch, file);
                    final List<CustomerEvent> events = new ArrayList<>();
                    for (int i = 0; i < batchSize / fileCount + 1; i++) {
                        events.add(nextEvent(random, sentByCustomer, latestMinute));
                    }
                    warehouse.load(name, events);
                    model.receive(name, events);
                    files.add(name);
                    loadedEvents += events.size();
                    eventsInStream += events.size();
                }
                if (random.nextInt(20) == 0) {
                    // a batch the stream delivers a second time: must change nothing more
                    final String replayed = files.get(random.nextInt(files.size()));
                    warehouse.replayIntoStream(replayed);
                    eventsInStream += warehouse.replayIntoStream(replayed);
                }

                final List<CustomerRow> customersBefore = batch % 25 == 0 ? null : warehouse.customers();
                final ApplyCounts counts = warehouse.apply();
                consumedEvents += counts.events();

                assertThat(counts.events()).as("events consumed in batch %d", batch).isEqualTo(eventsInStream);
                if (customersBefore != null) {
                    assertThat(counts.of("write_customer")).as("SCD1 rows inserted, updated or deleted in batch %d", batch)
                            .isEqualTo(changedRows(customersBefore, model.customers()));
                }
                if (batch % 10 == 0) {
                    assertSameTables(warehouse, model, batch);
                }
            }
            assertSameTables(warehouse, model, batch);
            assertChainInvariants(warehouse.history(), warehouse.customers());
            assertThat(consumedEvents).isGreaterThanOrEqualTo(EVENTS);
            assertThat(warehouse.rawRowCount()).as("every loaded event kept in raw").isEqualTo(loadedEvents);
            assertThat(warehouse.streamRowCount()).isZero();
        }
    }

    /**
     * Mostly in-order updates a few minutes apart (sometimes the same minute: a tie), some late events, some exact
     * re-sends of an earlier event, and about one delete in eight.
     */
    private static CustomerEvent nextEvent(final Random random, final Map<Long, List<CustomerEvent>> sentByCustomer,
                                           final Map<Long, Long> latestMinute) {
        final long customerId = random.nextInt(CUSTOMERS);
        final List<CustomerEvent> sent = sentByCustomer.computeIfAbsent(customerId, id -> new ArrayList<>());
        if (!sent.isEmpty() && random.nextInt(20) == 0) {
            return sent.get(random.nextInt(sent.size()));
        }
        final long latest = latestMinute.getOrDefault(customerId, 0L);
        final long minute = random.nextInt(5) == 0 ? random.nextLong(latest + 1) : latest + random.nextInt(4);
        latestMinute.put(customerId, Math.max(latest, minute));
        final String updatedAt = EventTime.format(DAY_START + minute * 60_000L + random.nextInt(2) * 7L);
        final CustomerEvent event = random.nextInt(8) == 0
                ? CustomerEvent.delete(customerId, updatedAt)
                : CustomerEvent.upsert(customerId, updatedAt, pick(random, FIRST_NAMES), "Hopper", pick(random, EMAILS),
                        "1 Main St", pick(random, CITIES), null, "GB");
        sent.add(event);
        return event;
    }

    private static String pick(final Random random, final List<String> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static long changedRows(final List<CustomerRow> before, final List<CustomerRow> after) {
        final Map<Long, CustomerRow> beforeById = before.stream().collect(Collectors.toMap(CustomerRow::customerId, Function.identity()));
        final Map<Long, CustomerRow> afterById = after.stream().collect(Collectors.toMap(CustomerRow::customerId, Function.identity()));
        final long insertedOrUpdated = afterById.values().stream().filter(row -> !row.equals(beforeById.get(row.customerId()))).count();
        final long deleted = beforeById.keySet().stream().filter(id -> !afterById.containsKey(id)).count();
        return insertedOrUpdated + deleted;
    }

    private static void assertSameTables(final DuckDbWarehouse warehouse, final CustomerModel model, final int batch) throws SQLException {
        assertThat(warehouse.customers()).as("SCD1 after batch %d", batch).containsExactlyElementsOf(model.customers());
        assertThat(warehouse.history()).as("SCD2 after batch %d", batch).containsExactlyElementsOf(model.history());
    }

    /** Checked on the SQL's own output, independently of the model. */
    private static void assertChainInvariants(final List<HistoryRow> history, final List<CustomerRow> customers) {
        final Map<Long, List<HistoryRow>> chains = history.stream()
                .collect(Collectors.groupingBy(HistoryRow::customerId, java.util.TreeMap::new, Collectors.toList()));
        final List<CustomerRow> liveCurrentVersions = new ArrayList<>();
        chains.forEach((customerId, chain) -> {
            assertThat(chain.stream().filter(HistoryRow::current)).as("current versions of %d", customerId).hasSize(1);
            for (int i = 0; i < chain.size() - 1; i++) {
                final HistoryRow version = chain.get(i);
                final HistoryRow next = chain.get(i + 1);
                assertThat(version.validTo()).as("no gap or overlap in %d", customerId).isEqualTo(next.validFrom());
                assertThat(version.validFrom()).isLessThan(version.validTo());
                assertThat(version.deleted() == next.deleted() && version.attributes().equals(next.attributes()))
                        .as("consecutive versions of %d differ", customerId).isFalse();
            }
            final HistoryRow last = chain.getLast();
            assertThat(last.current()).isTrue();
            assertThat(last.validTo()).isNull();
            if (!last.deleted()) {
                liveCurrentVersions.add(new CustomerRow(customerId, last.attributes(), last.validFrom(), last.sourceFile(), last.sourceRow()));
            }
        });
        assertThat(customers).as("SCD1 is the live current version of every chain").containsExactlyElementsOf(liveCurrentVersions);
    }
}
