package io.snowstream.nifi.s3;

import static io.snowstream.nifi.s3.BatchPlanner.Verdict.CLOSE;
import static io.snowstream.nifi.s3.BatchPlanner.Verdict.TAKE;
import static io.snowstream.nifi.s3.BatchPlanner.Verdict.TAKE_AND_CLOSE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {

    private static final long NOW = 1_000_000L;

    @Test
    void recordBoundLeavesTheInputThatWouldCrossItQueued() {
        final BatchPlanner planner = new BatchPlanner(new BatchBounds(100, Long.MAX_VALUE, 1000, Duration.ofHours(1)));

        assertThat(planner.offer(40, 10, NOW)).isEqualTo(TAKE);
        assertThat(planner.offer(40, 10, NOW)).isEqualTo(TAKE);
        assertThat(planner.offer(40, 10, NOW)).isEqualTo(CLOSE);
        assertThat(planner.isReady(NOW)).isTrue();
        assertThat(planner.flowFiles()).isEqualTo(2);
    }

    @Test
    void reachingABoundExactlyClosesTheBatchWithTheInput() {
        final BatchPlanner planner = new BatchPlanner(new BatchBounds(Long.MAX_VALUE, 100, 1000, Duration.ofHours(1)));

        assertThat(planner.offer(1, 60, NOW)).isEqualTo(TAKE);
        assertThat(planner.offer(1, 40, NOW)).isEqualTo(TAKE_AND_CLOSE);
        assertThat(planner.offer(1, 1, NOW)).isEqualTo(CLOSE);
        assertThat(planner.bytes()).isEqualTo(100);
    }

    @Test
    void anInputLargerThanABoundStillFormsABatchOfItsOwn() {
        final BatchPlanner planner = new BatchPlanner(new BatchBounds(10, 100, 1000, Duration.ofHours(1)));

        assertThat(planner.offer(50, 5000, NOW)).isEqualTo(TAKE_AND_CLOSE);
        assertThat(planner.isReady(NOW)).isTrue();
    }

    @Test
    void flowFileBoundCapsTheBatch() {
        final BatchPlanner planner =
                new BatchPlanner(new BatchBounds(Long.MAX_VALUE, Long.MAX_VALUE, 2, Duration.ofHours(1)));

        assertThat(planner.offer(1, 1, NOW)).isEqualTo(TAKE);
        assertThat(planner.offer(1, 1, NOW)).isEqualTo(TAKE_AND_CLOSE);
    }

    @Test
    void aBatchThatIsNotFullBecomesReadyWhenItsOldestInputReachesTheMaximumAge() {
        final BatchPlanner planner = new BatchPlanner(new BatchBounds(1000, 1000, 1000, Duration.ofSeconds(30)));
        planner.offer(1, 1, NOW - 10_000);
        planner.offer(1, 1, NOW - 25_000);

        assertThat(planner.isReady(NOW)).isFalse();
        assertThat(planner.millisUntilDue(NOW)).isEqualTo(5_000);
        assertThat(planner.isReady(NOW + 5_000)).isTrue();
    }

    @Test
    void anInputWithoutARecordCountCountsAsOneRecord() {
        final BatchPlanner planner = new BatchPlanner(new BatchBounds(2, Long.MAX_VALUE, 1000, Duration.ofHours(1)));

        assertThat(planner.offer(-1, 1, NOW)).isEqualTo(TAKE);
        assertThat(planner.offer(0, 1, NOW)).isEqualTo(TAKE_AND_CLOSE);
    }

    @Test
    void anEmptyPlanIsNeverReady() {
        final BatchPlanner planner = new BatchPlanner(new BatchBounds(1, 1, 1, Duration.ZERO));

        assertThat(planner.isReady(NOW)).isFalse();
    }
}
