package io.snowstream.nifi.s3;

import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Retries one S3 request on transient failures (5xx, throttling, timeouts, broken connections) with bounded,
 * jittered exponential back-off; anything else fails at once. Requests are retried individually (one part, not
 * the whole object), and every request body is replayable, so a retry resends the same bytes to the same key.
 */
public final class RetryPolicy {

    /** Error codes S3 uses for throttling and timeouts that a later attempt can overcome. */
    private static final Set<String> TRANSIENT_ERROR_CODES = Set.of(
            "SlowDown", "RequestTimeout", "Throttling", "ThrottlingException", "RequestLimitExceeded",
            "InternalError", "ServiceUnavailable", "RequestTimeTooSkewed");

    /** Pauses between attempts; replaceable so tests do not wait. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final int maxAttempts;
    private final long initialDelayMillis;
    private final long maxDelayMillis;
    private final Sleeper sleeper;

    public RetryPolicy(final int maxAttempts, final Duration initialDelay, final Duration maxDelay, final Sleeper sleeper) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("At least one attempt is needed");
        }
        this.maxAttempts = maxAttempts;
        this.initialDelayMillis = initialDelay.toMillis();
        this.maxDelayMillis = Math.max(maxDelay.toMillis(), initialDelayMillis);
        this.sleeper = sleeper;
    }

    public RetryPolicy(final int maxAttempts, final Duration initialDelay) {
        this(maxAttempts, initialDelay, Duration.ofSeconds(10), Thread::sleep);
    }

    /** Runs the request, retrying transient failures; the last failure is thrown once attempts run out. */
    public <T> T execute(final Supplier<T> request) {
        for (int attempt = 1; ; attempt++) {
            try {
                return request.get();
            } catch (final RuntimeException e) {
                if (attempt >= maxAttempts || !isTransient(e)) {
                    throw e;
                }
                try {
                    sleeper.sleep(delayBefore(attempt + 1));
                } catch (final InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    e.addSuppressed(interrupted);
                    throw e;
                }
            }
        }
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
                    && aws.awsErrorDetails() != null ? aws.awsErrorDetails().errorCode() : null;
            return status >= 500 || status == 429 || service.isThrottlingException()
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
