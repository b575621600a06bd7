package io.snowstream.nifi.customer.generate;

/**
 * The random draws of one event, derived from (seed, event sequence number) alone: the generator never has to keep a
 * PRNG's internal state in NiFi state, because event n draws the same values whenever it is generated.
 */
final class EventRandom {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    void reset(final long seed, final long sequence) {
        state = Hashing.mix64(seed ^ 0x5EEDL) + sequence * GOLDEN_GAMMA * 7;
    }

    long nextLong() {
        state += GOLDEN_GAMMA;
        return Hashing.mix64(state);
    }

    /** A uniform value in [0, 2^53): compared with {@link Share} thresholds. */
    long nextFraction() {
        return nextLong() >>> 11;
    }

    int nextInt(final int bound) {
        return Hashing.index(nextLong(), bound);
    }
}
