package io.snowstream.nifi.customer.generate;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Everything the generator needs to continue its stream exactly where it stopped, as a small string map for NiFi
 * state: the seed and locale the customers were derived from, the next event sequence number and customer id, the
 * last event time handed out, and the compact versions of the tracked customers.
 */
public record GeneratorState(
        long seed,
        String localeTag,
        long sequence,
        long nextCustomerId,
        int trackedCount,
        String trackedVersions,
        long lastEventTime) {

    private static final String NO_VERSIONS = new Population(1, 0, 0).encodeVersions();

    static final String SEED = "stream.seed";
    static final String LOCALE = "stream.locale";
    static final String SEQUENCE = "event.sequence";
    static final String NEXT_CUSTOMER_ID = "customer.next.id";
    static final String TRACKED_COUNT = "customer.tracked.count";
    static final String TRACKED_VERSIONS = "customer.tracked.versions";
    static final String LAST_EVENT_TIME = "event.time.last";

    /** The state of a stream that has produced nothing yet. */
    public static GeneratorState initial(final long seed, final Locale locale) {
        return new GeneratorState(seed, locale.toLanguageTag(), 0, 0, 0, NO_VERSIONS, Long.MIN_VALUE);
    }

    /**
     * The state to continue from, given what NiFi state holds and the configured seed (empty for "no seed").
     * Without a configured seed the stored one is kept, and a first run draws one, so that updates always refer to
     * customers derived from the same seed. When the seed or the locale differs from the stored ones, the stream
     * goes on (sequence and ids keep increasing, so no id is ever issued twice) but the tracked customers are
     * forgotten: their earlier records were derived from other values and cannot be updated coherently.
     */
    public static GeneratorState resume(
            final Map<String, String> stored,
            final Optional<Long> configuredSeed,
            final Locale locale,
            final LongSupplier randomSeed) {
        if (!stored.containsKey(SEQUENCE)) {
            return initial(configuredSeed.orElseGet(randomSeed::getAsLong), locale);
        }
        final GeneratorState previous = fromMap(stored);
        final long seed = configuredSeed.orElse(previous.seed);
        if (seed == previous.seed && previous.localeTag.equals(locale.toLanguageTag())) {
            return previous;
        }
        return newPopulation(
                seed, locale.toLanguageTag(), previous.sequence, previous.nextCustomerId, previous.lastEventTime);
    }

    /** A stream that tracks no customer yet and goes on at {@code sequence}, issuing ids from {@code nextCustomerId}. */
    static GeneratorState newPopulation(
            final long seed,
            final String localeTag,
            final long sequence,
            final long nextCustomerId,
            final long lastEventTime) {
        return new GeneratorState(seed, localeTag, sequence, nextCustomerId, 0, NO_VERSIONS, lastEventTime);
    }

    /** True when this state continues {@code previous}'s population rather than starting a fresh one. */
    public boolean continuesPopulationOf(final GeneratorState previous) {
        return seed == previous.seed && localeTag.equals(previous.localeTag);
    }

    public Map<String, String> toMap() {
        final Map<String, String> map = new HashMap<>();
        map.put(SEED, Long.toString(seed));
        map.put(LOCALE, localeTag);
        map.put(SEQUENCE, Long.toString(sequence));
        map.put(NEXT_CUSTOMER_ID, Long.toString(nextCustomerId));
        map.put(TRACKED_COUNT, Integer.toString(trackedCount));
        map.put(TRACKED_VERSIONS, trackedVersions);
        map.put(LAST_EVENT_TIME, Long.toString(lastEventTime));
        return map;
    }

    public static GeneratorState fromMap(final Map<String, String> map) {
        try {
            return new GeneratorState(
                    Long.parseLong(required(map, SEED)),
                    required(map, LOCALE),
                    Long.parseLong(required(map, SEQUENCE)),
                    Long.parseLong(required(map, NEXT_CUSTOMER_ID)),
                    Integer.parseInt(required(map, TRACKED_COUNT)),
                    required(map, TRACKED_VERSIONS),
                    Long.parseLong(required(map, LAST_EVENT_TIME)));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("Generator state holds a malformed number: " + e.getMessage(), e);
        }
    }

    private static String required(final Map<String, String> map, final String key) {
        final String value = map.get(key);
        if (value == null) {
            throw new IllegalArgumentException("Generator state lacks " + key);
        }
        return value;
    }
}
