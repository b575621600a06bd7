package io.snowstream.nifi.customer.generate;

/**
 * A percentage turned into a threshold on a uniform 53-bit draw, so that choosing an event kind costs one
 * comparison per kind.
 */
final class Share {

    private static final double SCALE = 0x1p53;

    private Share() {}

    static long threshold(final double percentage) {
        if (percentage < 0 || percentage > 100 || Double.isNaN(percentage)) {
            throw new IllegalArgumentException("A share must be a percentage between 0 and 100, not " + percentage);
        }
        return (long) Math.min(SCALE, Math.rint(percentage / 100.0 * SCALE));
    }
}
