package io.snowstream.nifi.customer.generate;

/**
 * A customer's current version packed into one int: one generation counter per attribute group and a deleted flag.
 * Together with the seed and the customer id it determines every field of the customer's latest record. Counters
 * wrap around; the generator still guarantees that each update changes what it claims to change.
 *
 * <pre>
 * bit  31     deleted
 * bits 22-30  address generation        (street, city and state move together)
 * bits 12-21  email generation
 * bits  6-11  name generation the email was derived from (an email may keep a maiden name)
 * bits  0-5   name generation           (last name, changed by a marriage)
 * </pre>
 */
final class CustomerVersion {

    static final int NEW = 0;

    private static final int NAME_BITS = 6;
    private static final int NAME_MASK = (1 << NAME_BITS) - 1;
    private static final int EMAIL_NAME_SHIFT = 6;
    private static final int EMAIL_SHIFT = 12;
    private static final int EMAIL_MASK = (1 << 10) - 1;
    private static final int ADDRESS_SHIFT = 22;
    private static final int ADDRESS_MASK = (1 << 9) - 1;
    private static final int DELETED = 1 << 31;

    private CustomerVersion() {}

    static int nameGeneration(final int version) {
        return version & NAME_MASK;
    }

    static int emailNameGeneration(final int version) {
        return version >>> EMAIL_NAME_SHIFT & NAME_MASK;
    }

    static int emailGeneration(final int version) {
        return version >>> EMAIL_SHIFT & EMAIL_MASK;
    }

    static int addressGeneration(final int version) {
        return version >>> ADDRESS_SHIFT & ADDRESS_MASK;
    }

    static boolean isDeleted(final int version) {
        return (version & DELETED) != 0;
    }

    static int withNameGeneration(final int version, final int generation) {
        return version & ~NAME_MASK | generation & NAME_MASK;
    }

    static int withEmail(final int version, final int emailGeneration, final int emailNameGeneration) {
        return version & ~(EMAIL_MASK << EMAIL_SHIFT | NAME_MASK << EMAIL_NAME_SHIFT)
                | (emailGeneration & EMAIL_MASK) << EMAIL_SHIFT
                | (emailNameGeneration & NAME_MASK) << EMAIL_NAME_SHIFT;
    }

    static int withAddressGeneration(final int version, final int generation) {
        return version & ~(ADDRESS_MASK << ADDRESS_SHIFT) | (generation & ADDRESS_MASK) << ADDRESS_SHIFT;
    }

    static int deleted(final int version) {
        return version | DELETED;
    }
}
