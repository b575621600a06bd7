package io.snowstream.nifi.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.nifi.customer.csv.EventTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The accounting of one phase of a system test, from outside NiFi: every record the generator issued in the phase
 * ends in exactly one place, in an S3 object Snowpipe loaded or in the quarantine; the objects are what the flow
 * says it stored; and, when NiFi ran without a crash, its counters add up to the same figures.
 *
 * <p>The generator runs with a Seed and an Event Time Step of 1 ms, so a record's updated_at is the simulated start
 * plus its sequence number: the loaded records' event times name exactly which records arrived.
 */
final class Delivery {

    static final String BUCKET = "snowstream";
    static final String STAGE_PREFIX = "customers/";
    static final String QUARANTINE_PREFIX = "quarantine/";
    static final String SIMULATED_START = "2026-01-01T00:00:00.000Z";
    private static final long START_MILLIS = EventTime.parseCanonical(SIMULATED_START);

    /** The counters the accounting reads: processor name, counter name. */
    private static final List<String[]> COUNTERS = List.of(
            new String[] {DeployedFlow.VALIDATE, "Records valid"},
            new String[] {DeployedFlow.VALIDATE, "Records invalid"},
            new String[] {DeployedFlow.PUT_BATCHES, "Objects stored"},
            new String[] {DeployedFlow.PUT_BATCHES, "Records stored"},
            new String[] {DeployedFlow.PUT_QUARANTINE, "Objects stored"},
            new String[] {DeployedFlow.PUT_QUARANTINE, "Records stored"},
            new String[] {DeployedFlow.TRIGGER, "Files queued"},
            new String[] {DeployedFlow.TRIGGER, "Files loaded"},
            new String[] {DeployedFlow.TRIGGER, "Files failed"});

    /** What happened to NiFi during the phase. */
    enum Run {
        /** NiFi ran throughout: its counters must add up too. */
        UNINTERRUPTED,
        /** NiFi was stopped with bin/nifi.sh stop and started again: counters start from zero, nothing is left behind. */
        RESTARTED,
        /**
         * NiFi was killed: counters start from zero; an object stored and not committed may remain, never announced,
         * its records loaded from another object; a file may be announced twice and is loaded once.
         */
        CRASHED,
        /**
         * The node running the generator was killed (a cluster's primary node): as {@link #CRASHED}, and the events the
         * generator had reserved and not yet emitted are skipped by design, so the records generated and not loaded
         * must be one contiguous range of sequence numbers.
         */
        GENERATOR_CRASHED
    }

    /** What the phase started from. */
    record Start(long generated, Set<String> objects, Set<String> quarantined, Map<String, Long> counters) {}

    /** What the phase delivered, for the test's report. */
    record Report(
            long generated,
            long loadedRecords,
            long quarantinedRecords,
            int objects,
            int quarantineObjects,
            List<String> orphans,
            long skipped) {
        @Override
        public String toString() {
            return generated + " records generated: " + loadedRecords + " loaded from " + objects + " objects, "
                    + quarantinedRecords + " quarantined in " + quarantineObjects + " objects"
                    + (skipped == 0 ? "" : "; " + skipped + " reserved by the killed generator and skipped")
                    + (orphans.isEmpty() ? "" : "; left behind: " + orphans.size() + " unannounced objects " + orphans);
        }
    }

    private final DeployedFlow flow;
    private final Supplier<S3Client> s3;
    private final SnowpipePlayer snowpipe;

    Delivery(final DeployedFlow flow, final Supplier<S3Client> s3, final SnowpipePlayer snowpipe) {
        this.flow = flow;
        this.s3 = s3;
        this.snowpipe = snowpipe;
    }

    Start start() {
        return new Start(
                flow.generatedRecords(),
                Set.copyOf(StoredObjects.keys(s3.get(), BUCKET, STAGE_PREFIX)),
                Set.copyOf(StoredObjects.keys(s3.get(), BUCKET, QUARANTINE_PREFIX)),
                counters());
    }

    private Map<String, Long> counters() {
        final Map<String, Long> values = new LinkedHashMap<>();
        for (final String[] counter : COUNTERS) {
            values.put(counter[0] + ": " + counter[1], flow.counter(counter[0], counter[1]));
        }
        return values;
    }

    /**
     * Checks the phase after the flow drained. Objects left behind by a crash (docs/reliability.md) are returned in
     * the report.
     *
     * @param notification INSERT_FILES or REFRESH: how each object must have been announced
     */
    Report verify(final Start start, final String notification, final Run run) {
        final boolean crashed = run == Run.CRASHED || run == Run.GENERATOR_CRASHED;
        final long generated = flow.generatedRecords() - start.generated();
        assertThat(generated).as("records generated in the phase").isPositive();

        final Map<String, Long> loadedRows = snowpipe.loadedRows();
        final Map<String, Integer> insertFiles = snowpipe.insertFilesAnnouncements();
        final Map<String, Integer> refreshes = snowpipe.refreshAnnouncements();

        final Set<Long> loadedSequences = new HashSet<>();
        final List<Long> duplicates = new ArrayList<>();
        final List<StoredObjects.Content> orphans = new ArrayList<>();
        long loadedRecords = 0;
        int objects = 0;
        for (final String key : StoredObjects.keys(s3.get(), BUCKET, STAGE_PREFIX)) {
            if (start.objects().contains(key)) {
                continue;
            }
            final StoredObjects.Content content = StoredObjects.read(s3.get(), BUCKET, key);
            final String path = key.substring(STAGE_PREFIX.length());
            if (!loadedRows.containsKey(path)) {
                orphans.add(content);
                continue;
            }
            objects++;
            assertThat(loadedRows.get(path))
                    .as("rows Snowpipe loaded from " + key)
                    .isEqualTo(content.recordCount());
            if (notification.equals("INSERT_FILES") && !crashed) {
                assertThat(insertFiles.get(path))
                        .as("insertFiles announcements of " + path)
                        .isEqualTo(1);
            } else if (notification.equals("INSERT_FILES")) {
                // announced again when NiFi died after insertFiles and before the trigger committed: loaded once
                assertThat(insertFiles.get(path))
                        .as("insertFiles announcements of " + path)
                        .isPositive();
            } else {
                assertThat(refreshes.get(path))
                        .as("REFRESH statements covering " + path)
                        .isPositive();
            }
            for (final long eventTime : content.eventTimes()) {
                final long sequence = eventTime - START_MILLIS;
                assertThat(sequence)
                        .as("sequence of a record in " + key)
                        .isBetween(start.generated(), start.generated() + generated - 1);
                if (!loadedSequences.add(sequence)) {
                    duplicates.add(sequence);
                }
                loadedRecords++;
            }
        }
        assertThat(duplicates).as("records loaded twice (by sequence number)").isEmpty();

        long quarantinedRecords = 0;
        int quarantineObjects = 0;
        for (final String key : StoredObjects.keys(s3.get(), BUCKET, QUARANTINE_PREFIX)) {
            if (start.quarantined().contains(key)) {
                continue;
            }
            quarantineObjects++;
            quarantinedRecords += StoredObjects.read(s3.get(), BUCKET, key).recordCount();
        }
        if (crashed) {
            // a quarantine object stored twice around a crash cannot be told from a real one: the crash phases run
            // without invalid records
            assertThat(quarantinedRecords)
                    .as("quarantined records in a phase without invalid records")
                    .isZero();
        }
        long skipped = 0;
        if (run == Run.GENERATOR_CRASHED) {
            final List<Long> missing = new ArrayList<>();
            for (long sequence = start.generated(); sequence < start.generated() + generated; sequence++) {
                if (!loadedSequences.contains(sequence)) {
                    missing.add(sequence);
                }
            }
            skipped = missing.size();
            assertThat(missing.isEmpty() || missing.getLast() - missing.getFirst() == missing.size() - 1)
                    .as(
                            "records generated and not loaded (%d, from %s to %s) form the one range the killed generator"
                                    + " reserved",
                            missing.size(),
                            missing.isEmpty() ? "-" : missing.getFirst(),
                            missing.isEmpty() ? "-" : missing.getLast())
                    .isTrue();
        }
        assertThat(loadedRecords + quarantinedRecords + skipped)
                .as(
                        "records loaded (%d) plus records quarantined (%d) plus skipped by design (%d) against records"
                                + " generated (%d)",
                        loadedRecords, quarantinedRecords, skipped, generated)
                .isEqualTo(generated);

        final List<String> left = new ArrayList<>();
        for (final StoredObjects.Content orphan : orphans) {
            assertThat(crashed)
                    .as("an object Snowpipe never loaded, without a crash: " + orphan.key())
                    .isTrue();
            final String path = orphan.key().substring(STAGE_PREFIX.length());
            assertThat(insertFiles.getOrDefault(path, 0))
                    .as("announcements of the unannounced object " + path)
                    .isZero();
            final List<Long> notLoaded = new ArrayList<>();
            for (final long eventTime : orphan.eventTimes()) {
                if (!loadedSequences.contains(eventTime - START_MILLIS)) {
                    notLoaded.add(eventTime - START_MILLIS);
                }
            }
            assertThat(notLoaded)
                    .as("records of the unannounced object " + orphan.key() + " that no loaded object holds")
                    .isEmpty();
            left.add(orphan.key());
        }

        if (run == Run.UNINTERRUPTED) {
            final Map<String, Long> now = counters();
            final Map<String, Long> delta = new HashMap<>();
            now.forEach(
                    (name, value) -> delta.put(name, value - start.counters().getOrDefault(name, 0L)));
            assertThat(delta)
                    .as("NiFi's counters over the phase")
                    .containsAllEntriesOf(Map.of(
                            DeployedFlow.VALIDATE + ": Records valid",
                            loadedRecords,
                            DeployedFlow.VALIDATE + ": Records invalid",
                            quarantinedRecords,
                            DeployedFlow.PUT_BATCHES + ": Records stored",
                            loadedRecords,
                            DeployedFlow.PUT_BATCHES + ": Objects stored",
                            (long) objects,
                            DeployedFlow.PUT_QUARANTINE + ": Records stored",
                            quarantinedRecords,
                            DeployedFlow.PUT_QUARANTINE + ": Objects stored",
                            (long) quarantineObjects,
                            DeployedFlow.TRIGGER + ": Files queued",
                            (long) objects,
                            DeployedFlow.TRIGGER + ": Files loaded",
                            (long) objects,
                            DeployedFlow.TRIGGER + ": Files failed",
                            0L));
        }
        return new Report(generated, loadedRecords, quarantinedRecords, objects, quarantineObjects, left, skipped);
    }
}
