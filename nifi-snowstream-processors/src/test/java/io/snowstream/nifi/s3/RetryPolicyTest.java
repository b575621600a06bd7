package io.snowstream.nifi.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class RetryPolicyTest {

    private final List<Long> pauses = new ArrayList<>();
    private final RetryPolicy policy =
            new RetryPolicy(4, Duration.ofMillis(100), Duration.ofMillis(300), pauses::add, () -> true);

    @Test
    void retriesTransientFailuresUntilTheRequestSucceeds() {
        final AtomicInteger calls = new AtomicInteger();

        final String result = policy.execute(() -> {
            if (calls.incrementAndGet() < 3) {
                throw s3Error(503, "SlowDown");
            }
            return "stored";
        });

        assertThat(result).isEqualTo("stored");
        assertThat(calls).hasValue(3);
        assertThat(pauses).hasSize(2);
    }

    @Test
    void givesUpAfterTheMaximumAttemptsWithBoundedPauses() {
        final AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> policy.execute(() -> {
                    calls.incrementAndGet();
                    throw s3Error(500, "InternalError");
                }))
                .isInstanceOf(S3Exception.class);

        assertThat(calls).hasValue(4);
        assertThat(pauses).hasSize(3);
        assertThat(pauses.get(0)).isBetween(50L, 100L);
        assertThat(pauses.get(1)).isBetween(100L, 200L);
        assertThat(pauses.get(2)).isBetween(150L, 300L);
    }

    @Test
    void failsAtOnceOnAnErrorThatARetryCannotFix() {
        final AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> policy.execute(() -> {
                    calls.incrementAndGet();
                    throw s3Error(404, "NoSuchBucket");
                }))
                .isInstanceOf(S3Exception.class);

        assertThat(calls).hasValue(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void stopsRetryingOnceRetryingIsNoLongerWanted() {
        final AtomicBoolean wanted = new AtomicBoolean(true);
        final AtomicInteger calls = new AtomicInteger();
        final RetryPolicy stoppable = new RetryPolicy(
                100,
                Duration.ofMillis(100),
                Duration.ofMillis(300),
                pause -> {
                    pauses.add(pause);
                    wanted.set(false);
                },
                wanted::get);

        assertThatThrownBy(() -> stoppable.execute(() -> {
                    calls.incrementAndGet();
                    throw s3Error(503, "SlowDown");
                }))
                .isInstanceOf(S3Exception.class);

        assertThat(calls).hasValue(1);
        assertThat(pauses).hasSize(1);
    }

    @Test
    void aStopDuringALongPauseEndsThePauseWithoutWaitingItOut() {
        final AtomicBoolean wanted = new AtomicBoolean(true);
        final AtomicInteger calls = new AtomicInteger();
        final RetryPolicy stoppable = new RetryPolicy(2, Duration.ofDays(1), wanted::get);
        final Thread stopper = Thread.ofVirtual().unstarted(() -> wanted.set(false));

        assertThatThrownBy(() -> stoppable.execute(() -> {
                    if (calls.incrementAndGet() == 1) {
                        stopper.start();
                    }
                    throw s3Error(500, "InternalError");
                }))
                .isInstanceOf(S3Exception.class);

        // a day-long pause that returned at all was cut short by the stop; the request was not tried again
        assertThat(calls).hasValue(1);
    }

    @Test
    void classifiesFailures() {
        assertThat(RetryPolicy.isTransient(s3Error(500, "InternalError"))).isTrue();
        assertThat(RetryPolicy.isTransient(s3Error(429, "TooManyRequests"))).isTrue();
        assertThat(RetryPolicy.isTransient(s3Error(400, "RequestTimeout"))).isTrue();
        assertThat(RetryPolicy.isTransient(s3Error(403, "AccessDenied"))).isFalse();
        assertThat(RetryPolicy.isTransient(SdkClientException.create("reset", new IOException("Connection reset"))))
                .isTrue();
        assertThat(RetryPolicy.isTransient(SdkClientException.create("Unable to load credentials")))
                .isFalse();
    }

    private static S3Exception s3Error(final int status, final String code) {
        return (S3Exception) S3Exception.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(code)
                        .build())
                .build();
    }
}
