package io.snowstream.nifi.customer.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.snowstream.nifi.customer.csv.EventTime;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class CheckpointedStreamTest {

    private static final long START = EventTime.parseCanonical("2026-01-01T00:00:00.000Z");
    private static final long SEED = 20261123;
    private static final GeneratorSettings SETTINGS = settings(60, 30, 10, 2, 1_000);
    private static final LongSupplier NO_CLOCK = () -> {
        throw new AssertionError("A seeded stream must not read the clock");
    };
    private static final LongSupplier NO_RANDOM_SEED = () -> {
        throw new AssertionError("A seeded stream needs no random seed");
    };
    private static final Map<Long, ValuePools> POOLS = new HashMap<>();
    private static final int BATCH = 100;

    @Test
    void aClockThatStandsStillStillGetsFewWrites() {
        final SimulatedClock clock = new SimulatedClock();
        final CheckpointedStream stream = resume(Map.of(), SETTINGS, clock);

        final List<Map<String, String>> writes = new ArrayList<>();
        for (int batch = 0; batch < 5_000; batch++) {
            stream.reserve(BATCH).ifPresent(writes::add);
            stream.writeBatch(OutputStream.nullOutputStream(), BATCH);
        }

        assertThat(writes).as("500,000 events in no time").hasSize(3);
        assertThat(Long.parseLong(writes.getLast().get(CheckpointedStream.RESERVED_SEQUENCE))
                        - Long.parseLong(writes.getLast().get(GeneratorState.SEQUENCE)))
                .as("the largest reservation")
                .isEqualTo(CheckpointedStream.MAX_RESERVATION);
    }

    @Test
    void atAFastPaceWritesComeAboutOneIntervalApart() {
        final SimulatedClock clock = new SimulatedClock();
        final CheckpointedStream stream = resume(Map.of(), SETTINGS, clock);

        final List<Long> writeTimes = new ArrayList<>();
        // 100,000 events per second, as a processor scheduled at 0 sec might run
        for (int batch = 0; batch < 5_000; batch++) {
            if (stream.reserve(BATCH).isPresent()) {
                writeTimes.add(clock.millis());
            }
            stream.writeBatch(OutputStream.nullOutputStream(), BATCH);
            clock.advance(1);
        }

        // the first reservation is one batch, as no rate is known yet; from the second on they last an interval
        assertThat(writeTimes).hasSizeBetween(5, 7);
        for (int i = 2; i < writeTimes.size(); i++) {
            assertThat(writeTimes.get(i) - writeTimes.get(i - 1))
                    .isGreaterThanOrEqualTo(CheckpointedStream.WRITE_INTERVAL.toMillis());
        }
    }

    @Test
    void atASlowPaceEachReservationIsOneBatch() {
        final SimulatedClock clock = new SimulatedClock();
        final CheckpointedStream stream = resume(Map.of(), SETTINGS, clock);

        for (int batch = 0; batch < 5; batch++) {
            final Map<String, String> written = stream.reserve(BATCH).orElseThrow();
            assertThat(written.get(CheckpointedStream.RESERVED_SEQUENCE))
                    .isEqualTo(Long.toString((batch + 1L) * BATCH));
            stream.writeBatch(OutputStream.nullOutputStream(), BATCH);
            clock.advance(10_000);
        }
    }

    @Test
    void aResumeAfterACrashSkipsTheReservedEventsAndContinuesTheUninterruptedStream() {
        final CheckpointedStream crashed = resume(Map.of(), SETTINGS, new SimulatedClock());
        final List<GeneratedCsv.Row> emitted = new ArrayList<>();
        Map<String, String> stored = Map.of();
        for (int batch = 0; batch < 5; batch++) {
            stored = crashed.reserve(BATCH).orElse(stored);
            emitted.addAll(write(crashed, BATCH));
        }
        final long reserved = Long.parseLong(stored.get(CheckpointedStream.RESERVED_SEQUENCE));
        assertThat(reserved).as("a reservation beyond what was emitted").isGreaterThan(5L * BATCH);

        final CheckpointedStream resumed = resume(stored, SETTINGS, new SimulatedClock());
        assertThat(resumed.nextSequence()).isEqualTo(reserved);
        resumed.reserve(BATCH).orElseThrow();
        final List<GeneratedCsv.Row> afterCrash = write(resumed, BATCH);

        final List<GeneratedCsv.Row> uninterrupted = uninterrupted(SETTINGS, reserved + BATCH);
        assertThat(raw(emitted)).isEqualTo(raw(uninterrupted.subList(0, 5 * BATCH)));
        assertThat(raw(afterCrash)).isEqualTo(raw(uninterrupted.subList((int) reserved, (int) reserved + BATCH)));
        final List<Long> emittedIds = validIds(emitted);
        final long highestEmittedId =
                emittedIds.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(validIds(afterCrash))
                .filteredOn(id -> !emittedIds.contains(id))
                .as("customers first seen after the crash")
                .isNotEmpty()
                .allSatisfy(id -> assertThat(id).isGreaterThan(highestEmittedId));
    }

    @Test
    void aCleanStopSkipsNothing() {
        final CheckpointedStream stopped = resume(Map.of(), SETTINGS, new SimulatedClock());
        for (int batch = 0; batch < 3; batch++) {
            stopped.reserve(BATCH);
            stopped.writeBatch(OutputStream.nullOutputStream(), BATCH);
        }

        final CheckpointedStream restarted = resume(stopped.release(), SETTINGS, new SimulatedClock());
        restarted.reserve(BATCH).orElseThrow();

        assertThat(raw(write(restarted, BATCH)))
                .isEqualTo(raw(uninterrupted(SETTINGS, 4L * BATCH).subList(3 * BATCH, 4 * BATCH)));
    }

    @Test
    void newSharesAfterACrashReplayTheReservedEventsWithTheSharesTheyWereDrawnWith() {
        final CheckpointedStream crashed = resume(Map.of(), SETTINGS, new SimulatedClock());
        Map<String, String> stored = Map.of();
        for (int batch = 0; batch < 2; batch++) {
            stored = crashed.reserve(BATCH).orElse(stored);
            crashed.writeBatch(OutputStream.nullOutputStream(), BATCH);
        }
        final long reserved = Long.parseLong(stored.get(CheckpointedStream.RESERVED_SEQUENCE));
        final ChangeStreamGenerator asDrawn =
                new ChangeStreamGenerator(SETTINGS, pools(SEED), GeneratorState.initial(SEED, Locale.US), NO_CLOCK);
        asDrawn.skip(reserved);

        final GeneratorSettings mostlyInserts = settings(90, 5, 5, 0, 200);
        final CheckpointedStream resumed = resume(stored, mostlyInserts, new SimulatedClock());

        assertThat(resumed.nextSequence()).isEqualTo(reserved);
        assertThat(resumed.nextCustomerId())
                .as("exactly the ids the reserved events issued are used up")
                .isEqualTo(asDrawn.nextCustomerId());
        resumed.reserve(1_000).orElseThrow();
        assertThat(validIds(write(resumed, 1_000)).stream()
                        .filter(id -> id >= asDrawn.nextCustomerId())
                        .distinct()
                        .count())
                .as("new customers: 90 % of what follows, where 60 % would have been drawn before")
                .isGreaterThan(800);
    }

    @Test
    void aNewSeedAfterACrashIssuesIdsAboveAnyTheReservationMayHaveIssued() {
        final CheckpointedStream crashed = resume(Map.of(), SETTINGS, new SimulatedClock());
        Map<String, String> stored = Map.of();
        for (int batch = 0; batch < 2; batch++) {
            stored = crashed.reserve(BATCH).orElse(stored);
            crashed.writeBatch(OutputStream.nullOutputStream(), BATCH);
        }
        final long checkpointSequence = Long.parseLong(stored.get(GeneratorState.SEQUENCE));
        final long checkpointId = Long.parseLong(stored.get(GeneratorState.NEXT_CUSTOMER_ID));
        final long reserved = Long.parseLong(stored.get(CheckpointedStream.RESERVED_SEQUENCE));

        final CheckpointedStream reseeded = CheckpointedStream.resume(
                stored,
                SETTINGS,
                Optional.of(SEED + 1),
                NO_RANDOM_SEED,
                CheckpointedStreamTest::pools,
                new SimulatedClock());

        assertThat(reseeded.startsNewPopulation()).isTrue();
        assertThat(reseeded.seed()).isEqualTo(SEED + 1);
        assertThat(reseeded.nextSequence()).isEqualTo(reserved);
        assertThat(reseeded.nextCustomerId()).isEqualTo(checkpointId + (reserved - checkpointSequence));
    }

    @Test
    void stateWrittenBeforeReservationsResumesAtItsCheckpoint() {
        final ChangeStreamGenerator before =
                new ChangeStreamGenerator(SETTINGS, pools(SEED), GeneratorState.initial(SEED, Locale.US), NO_CLOCK);
        before.writeBatch(OutputStream.nullOutputStream(), BATCH);

        final CheckpointedStream resumed = resume(before.state().toMap(), SETTINGS, new SimulatedClock());
        resumed.reserve(BATCH).orElseThrow();

        assertThat(raw(write(resumed, BATCH)))
                .isEqualTo(raw(uninterrupted(SETTINGS, 2L * BATCH).subList(BATCH, 2 * BATCH)));
    }

    @Test
    void eventsOutsideTheReservationAreNeverWritten() {
        final CheckpointedStream stream = resume(Map.of(), SETTINGS, new SimulatedClock());
        stream.reserve(BATCH).orElseThrow();

        assertThatThrownBy(() -> stream.writeBatch(OutputStream.nullOutputStream(), BATCH + 1))
                .isInstanceOf(IllegalStateException.class);
        stream.writeBatch(OutputStream.nullOutputStream(), BATCH);
        stream.release();
        assertThatThrownBy(() -> stream.writeBatch(OutputStream.nullOutputStream(), 1))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesReservationsItCouldNotHaveWritten() {
        final Map<String, String> valid =
                resume(Map.of(), SETTINGS, new SimulatedClock()).reserve(BATCH).orElseThrow();

        for (final Map.Entry<String, String> malformed : List.of(
                Map.entry(CheckpointedStream.RESERVED_SEQUENCE, "-1"),
                Map.entry(CheckpointedStream.RESERVED_SEQUENCE, "lots"),
                Map.entry(CheckpointedStream.RESERVED_SEQUENCE, Long.toString(Long.MAX_VALUE)),
                Map.entry(CheckpointedStream.RESERVED_DRAWS, "60,30,10,2"),
                Map.entry(CheckpointedStream.RESERVED_DRAWS, "60,30,10,NaN,1000"),
                Map.entry(CheckpointedStream.RESERVED_DRAWS, "60,30,10,2,many"))) {
            final Map<String, String> stored = new HashMap<>(valid);
            stored.put(malformed.getKey(), malformed.getValue());
            assertThatThrownBy(() -> resume(stored, SETTINGS, new SimulatedClock()))
                    .as("%s", malformed)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static CheckpointedStream resume(
            final Map<String, String> stored, final GeneratorSettings settings, final InstantSource clock) {
        return CheckpointedStream.resume(
                stored, settings, Optional.of(SEED), NO_RANDOM_SEED, CheckpointedStreamTest::pools, clock);
    }

    private static List<GeneratedCsv.Row> write(final CheckpointedStream stream, final int records) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        stream.writeBatch(out, records);
        return GeneratedCsv.rows(out.toByteArray());
    }

    private static List<GeneratedCsv.Row> uninterrupted(final GeneratorSettings settings, final long events) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ChangeStreamGenerator(settings, pools(SEED), GeneratorState.initial(SEED, Locale.US), NO_CLOCK)
                .writeBatch(out, Math.toIntExact(events));
        return GeneratedCsv.rows(out.toByteArray());
    }

    private static List<Long> validIds(final List<GeneratedCsv.Row> rows) {
        return rows.stream()
                .filter(row -> RuleOracle.violations(row).isEmpty())
                .map(row -> Long.parseLong(row.id()))
                .toList();
    }

    private static List<String> raw(final List<GeneratedCsv.Row> rows) {
        return rows.stream()
                .map(row -> new String(row.raw(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .toList();
    }

    private static GeneratorSettings settings(
            final double insert, final double update, final double delete, final double invalid, final int tracked) {
        return new GeneratorSettings(Locale.US, true, insert, update, delete, invalid, tracked, START, 1_000);
    }

    private static ValuePools pools(final long seed) {
        return POOLS.computeIfAbsent(seed, key -> ValuePools.build(Locale.US, key));
    }

    /** A wall clock the test moves by hand; it stands still unless advanced. */
    private static final class SimulatedClock implements InstantSource {

        private long millis = START;

        void advance(final long byMillis) {
            millis += byMillis;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }
}
