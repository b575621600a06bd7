package io.snowstream.nifi.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Retries one S3 request on transient failures (5xx, throttling, timeouts, broken connections) with bounded,
 * jittered exponential back-off; anything else fails at once. Requests are retried individually (one part, not
 * the whole object), and every request body is replayable, so a retry resends the same bytes to the same key.
 * Retrying stops as soon as the caller no longer wants it (a stopped processor): the last failure is thrown then.
 * That is why it is kept instead of the SDK's StandardRetryStrategy, which sleeps out its back-off inside the call:
 * at the same bounds a stop during a 503 storm took 6.37 s with the SDK's strategy and 0.01 s with this one
 * (RetryStopBenchmark, docs/benchmarks.md).
 */
public final class RetryPolicy {

    /** Error codes S3 uses for throttling and timeouts that a later attempt can overcome. */
    private static final Set<String> TRANSIENT_ERROR_CODES = Set.of(
            "SlowDown",
            "RequestTimeout",
            "Throttling",
            "ThrottlingException",
            "RequestLimitExceeded",
            "InternalError",
            "ServiceUnavailable",
            "RequestTimeTooSkewed");

    /** Pauses between attempts; replaceable so tests do not wait. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** How often a pause checks whether retrying is still wanted. */
    private static final long STOP_CHECK_MILLIS = 100;

    private final int maxAttempts;
    private final long initialDelayMillis;
    private final long maxDelayMillis;
    private final Sleeper sleeper;
    private final BooleanSupplier keepTrying;

    public RetryPolicy(
            final int maxAttempts,
            final Duration initialDelay,
            final Duration maxDelay,
            final Sleeper sleeper,
            final BooleanSupplier keepTrying) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("At least one attempt is needed");
        }
        this.maxAttempts = maxAttempts;
        this.initialDelayMillis = initialDelay.toMillis();
        this.maxDelayMillis = Math.max(maxDelay.toMillis(), initialDelayMillis);
        this.sleeper = sleeper;
        this.keepTrying = keepTrying;
    }

    /** Pauses up to 10 seconds between attempts, and stops retrying within a tenth of a second of keepTrying turning false. */
    public RetryPolicy(final int maxAttempts, final Duration initialDelay, final BooleanSupplier keepTrying) {
        this(maxAttempts, initialDelay, Duration.ofSeconds(10), pauseWhile(keepTrying), keepTrying);
    }

    /**
     * Runs the request, retrying transient failures; the last failure is thrown once attempts run out or retrying is
     * no longer wanted.
     */
    public <T> T execute(final Supplier<T> request) {
        for (int attempt = 1; ; attempt++) {
            try {
                return request.get();
            } catch (final RuntimeException e) {
                if (attempt >= maxAttempts || !isTransient(e) || !keepTrying.getAsBoolean()) {
                    throw e;
                }
                try {
                    sleeper.sleep(delayBefore(attempt + 1));
                } catch (final InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    e.addSuppressed(interrupted);
                    throw e;
                }
                if (!keepTrying.getAsBoolean()) {
                    throw e;
                }
            }
        }
    }

    /** Sleeps in short slices, so that a stop is noticed within one slice rather than at the end of a long pause. */
    private static Sleeper pauseWhile(final BooleanSupplier keepTrying) {
        return millis -> {
            final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            for (long left = millis;
                    left > 0 && keepTrying.getAsBoolean();
                    left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())) {
                Thread.sleep(Math.min(left, STOP_CHECK_MILLIS));
            }
        };
    }

    /** The pause before the given attempt (2 or later): half fixed, half random, doubling up to the maximum. */
    long delayBefore(final int attempt) {
        final long ceiling = Math.min(maxDelayMillis, initialDelayMillis << Math.min(attempt - 2, 20));
        final long half = ceiling / 2;
        return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
    }

    /** True for failures that a later attempt of the same request can overcome. */
    public static boolean isTransient(final Throwable failure) {
        if (failure instanceof SdkServiceException service) {
            final int status = service.statusCode();
            final String code = service instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
                            && aws.awsErrorDetails() != null
                    ? aws.awsErrorDetails().errorCode()
                    : null;
            return status >= 500
                    || status == 429
                    || service.isThrottlingException()
                    || (code != null && TRANSIENT_ERROR_CODES.contains(code));
        }
        if (failure instanceof ApiCallTimeoutException || failure instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        if (failure instanceof SdkClientException || failure instanceof UncheckedIOException) {
            for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof IOException) {
                    return true;
                }
            }
        }
        return false;
    }
}
