package io.snowstream.nifi.customer.generate;

import java.io.OutputStream;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * The change stream with few state writes, however often it is asked for a batch. What it stores is a checkpoint
 * (the exact {@link GeneratorState} at some event) plus a reservation: the sequence number below which events may
 * have been emitted since the checkpoint. Between two writes the stream runs from memory inside its reservation. It
 * asks for a write only when the next batch would cross the reservation, and sizes each new reservation to last
 * about {@link #WRITE_INTERVAL} at the rate seen since its previous write, so the state is written about once per
 * interval at most.
 *
 * <p>Resuming from stored state alone (after a crash, or on another node) replays the reserved events from the
 * checkpoint and discards them, so the stream continues at the reservation: no event and no customer id that may
 * have been emitted is emitted again, at the price of skipping those reserved but never emitted. A stream stopped
 * cleanly stores {@link #release()} and skips nothing. Either way the events that follow are exactly those an
 * uninterrupted stream has at the same sequence numbers.</p>
 */
public final class CheckpointedStream {

    /** How long a reservation should last at the observed rate, hence about the shortest time between two writes. */
    public static final Duration WRITE_INTERVAL = Duration.ofSeconds(1);
    /** Most events reserved beyond one batch: what a resume may have to replay, about a second of generating. */
    public static final long MAX_RESERVATION = 4_000_000;
    /** Most records one batch may hold. */
    public static final int MAX_BATCH = 10_000_000;

    static final String RESERVED_SEQUENCE = "reserved.sequence";
    static final String RESERVED_DRAWS = "reserved.draws";

    private final GeneratorSettings settings;
    private final ChangeStreamGenerator generator;
    private final InstantSource clock;
    private final boolean newPopulation;
    private long reservedSequence;
    /** When and at which sequence number this stream last reserved; no rate is known before its first reservation. */
    private boolean reservedBefore;

    private long lastReservationMillis;
    private long lastReservationSequence;

    private CheckpointedStream(
            final GeneratorSettings settings,
            final ChangeStreamGenerator generator,
            final InstantSource clock,
            final boolean newPopulation) {
        this.settings = settings;
        this.generator = generator;
        this.clock = clock;
        this.newPopulation = newPopulation;
        this.reservedSequence = generator.nextSequence();
    }

    /**
     * The stream as NiFi state holds it (empty: a new stream), positioned after every event it may have emitted.
     * The seed is the configured one, else the stored one, else one drawn from {@code randomSeed}; a seed or locale
     * other than the stored ones starts a new population (see {@link GeneratorState#resume}) above every id the
     * reservation may have issued.
     *
     * @param pools the pools for a seed and the settings' locale
     * @param clock the wall clock: event times of an unseeded stream, and the pace of reservations
     * @throws IllegalArgumentException when the stored state is malformed
     */
    public static CheckpointedStream resume(
            final Map<String, String> stored,
            final GeneratorSettings settings,
            final Optional<Long> configuredSeed,
            final LongSupplier randomSeed,
            final LongFunction<ValuePools> pools,
            final InstantSource clock) {
        final GeneratorState resumed = GeneratorState.resume(stored, configuredSeed, settings.locale(), randomSeed);
        if (!stored.containsKey(GeneratorState.SEQUENCE)) {
            return new CheckpointedStream(settings, generator(settings, pools, resumed, clock), clock, false);
        }
        final GeneratorState checkpoint = GeneratorState.fromMap(stored);
        final long reserved = reservedSequence(stored, checkpoint);
        if (!resumed.continuesPopulationOf(checkpoint)) {
            // each reserved event issues at most one id; the new population needs none of them replayed
            final GeneratorState fresh = GeneratorState.newPopulation(
                    resumed.seed(),
                    resumed.localeTag(),
                    reserved,
                    Math.addExact(checkpoint.nextCustomerId(), reserved - checkpoint.sequence()),
                    checkpoint.lastEventTime());
            return new CheckpointedStream(settings, generator(settings, pools, fresh, clock), clock, true);
        }
        // replayed with the shares they were drawn with, the reserved events issue exactly the ids they issued before
        final GeneratorSettings reservedSettings =
                settings.withDraws(stored.getOrDefault(RESERVED_DRAWS, settings.draws()));
        final ChangeStreamGenerator replay = generator(reservedSettings, pools, checkpoint, clock);
        replay.skip(reserved - checkpoint.sequence());
        final ChangeStreamGenerator continued =
                reservedSettings.equals(settings) ? replay : generator(settings, pools, replay.state(), clock);
        return new CheckpointedStream(settings, continued, clock, false);
    }

    /**
     * How many of the next {@code records} events are due now. A seeded stream stamps event n with its simulated time
     * (start + n x step) and never writes an event whose time the wall clock has not reached yet: a validator would
     * reject it as lying in the future. It waits for the clock instead, which leaves the events themselves, and so
     * the determinism of a seeded stream, unchanged. An unseeded stream stamps the wall clock: all are due.
     */
    public int recordsDue(final int records) {
        if (!settings.seeded()) {
            return records;
        }
        final long elapsedMillis = clock.millis() - settings.simulatedStartMillis();
        if (elapsedMillis < 0) {
            return 0;
        }
        if (settings.eventTimeStepMillis() == 0) {
            return records;
        }
        final long lastDueSequence = elapsedMillis / settings.eventTimeStepMillis();
        return (int) Math.max(0, Math.min(records, lastDueSequence - generator.nextSequence() + 1));
    }

    /**
     * The state to store before the next {@code records} events are written, or empty when they lie inside the
     * reservation. From the moment this returns, the events are counted as reserved: when the state cannot be
     * stored, drop this stream and resume from what is stored.
     */
    public Optional<Map<String, String>> reserve(final int records) {
        if (records < 1 || records > MAX_BATCH) {
            throw new IllegalArgumentException("A batch holds 1 to " + MAX_BATCH + " records, not " + records);
        }
        final long sequence = generator.nextSequence();
        if (Math.addExact(sequence, records) <= reservedSequence) {
            return Optional.empty();
        }
        final long now = clock.millis();
        reservedSequence = Math.addExact(sequence, headroom(records, sequence, now));
        reservedBefore = true;
        lastReservationMillis = now;
        lastReservationSequence = sequence;
        return Optional.of(stateReservingUpTo(reservedSequence));
    }

    /** Writes the header and {@code records} events, which {@link #reserve} must have covered. */
    public BatchSummary writeBatch(final OutputStream target, final int records) {
        if (generator.nextSequence() + records > reservedSequence) {
            throw new IllegalStateException(
                    "Events " + generator.nextSequence() + " to " + (generator.nextSequence() + records - 1)
                            + " are not reserved: store the state reserve() returns first");
        }
        return generator.writeBatch(target, records);
    }

    /**
     * The exact position, reserving nothing ahead, for a clean stop: a stream resumed from it skips nothing. Further
     * batches of this stream need a new reservation.
     */
    public Map<String, String> release() {
        reservedSequence = generator.nextSequence();
        return stateReservingUpTo(reservedSequence);
    }

    /** True when the stored population was left for a new seed or locale. */
    public boolean startsNewPopulation() {
        return newPopulation;
    }

    public long seed() {
        return generator.seed();
    }

    public long nextSequence() {
        return generator.nextSequence();
    }

    public long nextCustomerId() {
        return generator.nextCustomerId();
    }

    /**
     * The batch, or more when batches come fast: enough to last {@link #WRITE_INTERVAL} at the rate since the last
     * reservation (a clock that stood still counts as 1 ms), at most {@link #MAX_RESERVATION}.
     */
    private long headroom(final int records, final long sequence, final long now) {
        if (!reservedBefore) {
            return records;
        }
        final long elapsedMillis = Math.max(1, now - lastReservationMillis);
        final long atObservedRate = (sequence - lastReservationSequence) * WRITE_INTERVAL.toMillis() / elapsedMillis;
        return Math.max(records, Math.min(MAX_RESERVATION, atObservedRate));
    }

    private Map<String, String> stateReservingUpTo(final long sequence) {
        final Map<String, String> state = generator.state().toMap();
        state.put(RESERVED_SEQUENCE, Long.toString(sequence));
        state.put(RESERVED_DRAWS, settings.draws());
        return state;
    }

    private static long reservedSequence(final Map<String, String> stored, final GeneratorState checkpoint) {
        final String value = stored.get(RESERVED_SEQUENCE);
        if (value == null) {
            return checkpoint.sequence();
        }
        final long reserved;
        try {
            reserved = Long.parseLong(value);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Generator state holds a malformed " + RESERVED_SEQUENCE + ": " + value, e);
        }
        if (reserved < checkpoint.sequence()
                || reserved - checkpoint.sequence() > Math.max(MAX_BATCH, MAX_RESERVATION)) {
            throw new IllegalArgumentException("Generator state reserves up to event " + reserved
                    + ", which no reservation from event " + checkpoint.sequence() + " reaches");
        }
        return reserved;
    }

    private static ChangeStreamGenerator generator(
            final GeneratorSettings settings,
            final LongFunction<ValuePools> pools,
            final GeneratorState state,
            final InstantSource clock) {
        return new ChangeStreamGenerator(settings, pools.apply(state.seed()), state, clock::millis);
    }
}
