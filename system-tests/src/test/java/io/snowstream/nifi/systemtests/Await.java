package io.snowstream.nifi.systemtests;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition by polling, never for a fixed time: the deadlines are generous (minutes) because a loaded
 * 2-core machine is slow, and a test that waits for what it needs is as fast as the machine allows.
 */
public final class Await {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    private Await() {}

    /**
     * Polls {@code observe} until {@code done} accepts what it returned, and returns that; fails after {@code timeout}
     * with {@code what} and the last observation. An exception thrown while observing (NiFi restarting, say) counts as
     * "not yet" and is reported if the deadline passes.
     */
    public static <T> T until(
            final String what, final Duration timeout, final Supplier<T> observe, final Predicate<T> done) {
        return until(what, timeout, POLL_INTERVAL, observe, done);
    }

    public static <T> T until(
            final String what,
            final Duration timeout,
            final Duration interval,
            final Supplier<T> observe,
            final Predicate<T> done) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        RuntimeException lastError = null;
        while (true) {
            try {
                last = observe.get();
                lastError = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (final RuntimeException e) {
                lastError = e;
            }
            if (System.nanoTime() > deadline) {
                final AssertionError failure = new AssertionError("Timed out after " + timeout.toSeconds()
                        + " s waiting for " + what + "; last seen: " + (lastError != null ? lastError : last));
                if (lastError != null) {
                    failure.initCause(lastError);
                }
                throw failure;
            }
            sleep(interval);
        }
    }

    /** Waits until {@code condition} holds. */
    public static void until(final String what, final Duration timeout, final Supplier<Boolean> condition) {
        until(what, timeout, condition, Boolean.TRUE::equals);
    }

    static void sleep(final Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
