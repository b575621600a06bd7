package io.snowstream.nifi.customer.generate;

import io.snowstream.nifi.customer.csv.CustomerCsvWriter;
import java.io.OutputStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Writes a stream of customer change events: new customers, updates of customers issued earlier, deletes, and on
 * request deliberately invalid records. The output is a pure function of the settings and the {@link GeneratorState}
 * it resumes from (plus the wall clock when the stream is not seeded), so a restart that resumes from the stored
 * state writes byte for byte what an uninterrupted run would have written.
 *
 * <p>An update changes one thing about a person, coherently, and keeps the rest exactly as in their previous
 * record: a move (street, city and state together), a new email address, a marriage (new last name, and usually
 * an email to match), or a move with a new email. A deleted customer is never updated again.</p>
 */
public final class ChangeStreamGenerator {

    /** Cumulative percentages of the update kinds: move, new email, marriage, move with a new email. */
    private static final int MOVE_BELOW = 45;

    private static final int NEW_EMAIL_BELOW = 75;
    private static final int MARRIAGE_BELOW = 90;
    /** Share of marriages that also bring an email with the new name. */
    private static final int MARRIAGE_NEW_EMAIL_PERCENT = 80;

    private final GeneratorSettings settings;
    private final long seed;
    private final String localeTag;
    private final CustomerFactory customers;
    private final InvalidRecords invalidRecords = new InvalidRecords();
    private final Population population;
    private final LongSupplier wallClock;
    private final EventRandom random = new EventRandom();
    private final RecordFields record = new RecordFields();
    private final long invalidThreshold;
    private final long insertThreshold;
    private final long insertOrUpdateThreshold;
    private long sequence;
    private long lastEventTime;

    /**
     * @param pools the pools built for the state's seed and the settings' locale
     * @param wallClock the source of event times when the stream is not seeded
     */
    public ChangeStreamGenerator(
            final GeneratorSettings settings,
            final ValuePools pools,
            final GeneratorState state,
            final LongSupplier wallClock) {
        if (!state.localeTag().equals(settings.locale().toLanguageTag())
                || !pools.locale().equals(settings.locale())
                || pools.seed() != state.seed()) {
            throw new IllegalArgumentException("State (" + state.localeTag() + ", seed " + state.seed()
                    + ") and pools (" + pools.locale().toLanguageTag() + ", seed " + pools.seed()
                    + ") do not match the locale " + settings.locale().toLanguageTag());
        }
        this.settings = settings;
        this.seed = state.seed();
        this.localeTag = state.localeTag();
        this.customers = new CustomerFactory(pools, seed);
        this.population = Population.decode(
                settings.trackedCustomers(), state.nextCustomerId(), state.trackedCount(), state.trackedVersions());
        this.wallClock = wallClock;
        this.sequence = state.sequence();
        this.lastEventTime = state.lastEventTime();
        this.invalidThreshold = Share.threshold(settings.invalidPercent());
        this.insertThreshold = Share.threshold(settings.insertPercent());
        this.insertOrUpdateThreshold = settings.deletePercent() == 0
                ? Long.MAX_VALUE
                : Share.threshold(Math.min(100, settings.insertPercent() + settings.updatePercent()));
    }

    /** Builds the pools and the generator for a state, for callers that do not keep pools between batches. */
    public static ChangeStreamGenerator create(
            final GeneratorSettings settings, final GeneratorState state, final LongSupplier wallClock) {
        return new ChangeStreamGenerator(
                settings, ValuePools.build(Locale.forLanguageTag(state.localeTag()), state.seed()), state, wallClock);
    }

    /** Writes the header and {@code records} events; the target stream is flushed, not closed. */
    public BatchSummary writeBatch(final OutputStream target, final int records) {
        final long firstSequence = sequence;
        long inserts = 0;
        long updates = 0;
        long deletes = 0;
        long invalid = 0;
        try (CustomerCsvWriter writer = new CustomerCsvWriter(target)) {
            writer.writeHeader();
            for (int i = 0; i < records; i++) {
                random.reset(seed, sequence);
                final long eventTime = nextEventTime();
                sequence++;
                if (random.nextFraction() < invalidThreshold) {
                    writeInvalid(eventTime);
                    invalid++;
                } else {
                    final long draw = random.nextFraction();
                    final long customer = draw < insertThreshold ? -1 : population.pickLive(random);
                    if (customer < 0) {
                        writeInsert(eventTime);
                        inserts++;
                    } else if (draw < insertOrUpdateThreshold) {
                        writeUpdate(customer, eventTime);
                        updates++;
                    } else {
                        writeDelete(customer, eventTime);
                        deletes++;
                    }
                }
                record.writeTo(writer);
            }
        }
        return new BatchSummary(firstSequence, sequence - 1, inserts, updates, deletes, invalid);
    }

    /**
     * Moves the stream on by {@code events} exactly as writing them would, for a resume that must not emit them again.
     */
    public void skip(final long events) {
        for (long left = events; left > 0; left -= Integer.MAX_VALUE) {
            writeBatch(OutputStream.nullOutputStream(), (int) Math.min(left, Integer.MAX_VALUE));
        }
    }

    public long seed() {
        return seed;
    }

    /** The sequence number the next event gets. */
    public long nextSequence() {
        return sequence;
    }

    /** The id the next new customer gets. */
    public long nextCustomerId() {
        return population.nextId();
    }

    /** The state after the last batch written. */
    public GeneratorState state() {
        return new GeneratorState(
                seed,
                localeTag,
                sequence,
                population.nextId(),
                population.trackedCount(),
                population.encodeVersions(),
                lastEventTime);
    }

    private void writeInsert(final long eventTime) {
        customers.fillUpsert(record, population.issue(), CustomerVersion.NEW, eventTime);
    }

    private void writeUpdate(final long id, final long eventTime) {
        final int version = population.version(id);
        final int updated = change(id, version);
        population.update(id, updated);
        customers.fillUpsert(record, id, updated, eventTime);
    }

    private void writeDelete(final long id, final long eventTime) {
        population.delete(id);
        customers.fillDelete(record, id, eventTime);
    }

    /**
     * A broken copy of a customer's current record (or of the next new customer, before any exists). It changes no
     * tracked customer and issues no id: the record is meant to be quarantined, not to alter the population.
     */
    private void writeInvalid(final long eventTime) {
        final long live = population.pickLive(random);
        final long id = live < 0 ? population.nextId() : live;
        customers.fillUpsert(record, id, live < 0 ? CustomerVersion.NEW : population.version(id), eventTime);
        invalidRecords.breakRecord(record, random, eventTime);
    }

    private int change(final long id, final int version) {
        final int kind = random.nextInt(100);
        int updated;
        if (kind < MOVE_BELOW) {
            updated = customers.move(id, version);
        } else if (kind < NEW_EMAIL_BELOW) {
            updated = customers.newEmail(id, version);
        } else if (kind < MARRIAGE_BELOW) {
            updated = customers.newLastName(id, version);
            if (random.nextInt(100) < MARRIAGE_NEW_EMAIL_PERCENT) {
                updated = customers.newEmail(id, updated);
            }
        } else {
            updated = customers.newEmail(id, customers.move(id, version));
        }
        // pools too small for the chosen change (a locale with a single city, say): change the email instead
        return updated != version ? updated : customers.newEmail(id, version);
    }

    private long nextEventTime() {
        if (settings.seeded()) {
            lastEventTime = Math.addExact(
                    settings.simulatedStartMillis(), Math.multiplyExact(sequence, settings.eventTimeStepMillis()));
        } else {
            lastEventTime = Math.max(lastEventTime, wallClock.getAsLong());
        }
        return lastEventTime;
    }
}
