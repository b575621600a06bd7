package io.snowstream.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random change events through the SQL on DuckDB, with raw rows purged as they age past the retention, checked
 * against {@link CustomerModel} (see {@link RandomizedRun}): one long run, and short runs over few keys (so that late
 * events often meet a purged event of their key) under many seeds. Reproducible: the seed is printed on failure and
 * can be set with {@code -Dsnowstream.sql.seed=<seed>}; {@code -Dsnowstream.sql.seeds=<n>} runs the short run under
 * seeds 1 to n.
 */
class RandomizedChangeProcessingTest {

    @Test
    void sqlAgreesWithTheModel() throws SQLException {
        try (DuckDbWarehouse warehouse = new DuckDbWarehouse()) {
            final RandomizedRun.Coverage coverage = new RandomizedRun(12_000, 300, 400).run(warehouse, 20261123L);

            assertThat(coverage.rawRowsPurged()).as("raw rows purged").isGreaterThan(5_000);
            assertThat(coverage.quarantinedByReason())
                    .as("quarantined, by reason")
                    .containsOnlyKeys("UNKNOWN_OP", "EXTRA_FIELD", "OLDER_THAN_PURGED_EVENTS")
                    .allSatisfy((reason, count) -> assertThat(count).as(reason).isPositive());
        }
    }

    /** Seeds 1 to 12, or to {@code -Dsnowstream.sql.seeds=<n>} for a longer sweep. */
    static LongStream seeds() {
        return LongStream.rangeClosed(1, Long.getLong("snowstream.sql.seeds", 12));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void sqlAgreesWithTheModelWhateverTheSeed(final long seed) throws SQLException {
        try (DuckDbWarehouse warehouse = new DuckDbWarehouse()) {
            final RandomizedRun.Coverage coverage = new RandomizedRun(800, 40, 80).run(warehouse, seed);

            assertThat(coverage.rawRowsPurged()).as("raw rows purged").isPositive();
            assertThat(coverage.quarantinedByReason())
                    .as("late events met a purged event")
                    .containsKey("OLDER_THAN_PURGED_EVENTS");
        }
    }
}
