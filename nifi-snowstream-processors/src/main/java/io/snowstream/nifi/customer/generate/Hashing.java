package io.snowstream.nifi.customer.generate;

/**
 * The SplitMix64 finalizer and the derivations built on it. Every attribute of a customer is a pure function of
 * (seed, customer id, attribute, generation), which is what lets the generator keep only a few counters per customer
 * in NiFi state and still re-derive any customer's current version after a restart.
 */
final class Hashing {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Hashing() {}

    static long mix64(final long value) {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The hash of one attribute of one customer at one generation of that attribute. */
    static long attribute(final long seed, final long customerId, final Attribute attribute, final int generation) {
        return mix64(mix64(seed + customerId * GOLDEN_GAMMA)
                ^ ((long) attribute.ordinal() << 32 | generation & 0xFFFF_FFFFL));
    }

    /** A uniform index in [0, bound) from the high bits of a hash (multiply-shift, no modulo bias worth noting). */
    static int index(final long hash, final int bound) {
        return (int) (((hash >>> 32) * bound) >>> 32);
    }

    /** The derived attributes, each drawn from its own hash so that changing one never disturbs the others. */
    enum Attribute {
        FIRST_NAME,
        LAST_NAME,
        STREET,
        CITY,
        EMAIL_STYLE,
        EMAIL_DOMAIN,
        EMAIL_NUMBER
    }
}
