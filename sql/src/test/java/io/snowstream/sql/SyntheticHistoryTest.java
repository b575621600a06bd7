package io.snowstream.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The synthetic history the scaling benchmark (ChangeProcessingBenchmark, ./benchmarks.sh sql) runs on, at a small
 * size: seeded, it is exactly what the model says its events leave behind, and batches of the benchmark's kind
 * applied to it agree with the model too. So the benchmark measures correct work.
 */
class SyntheticHistoryTest {

    @Test
    void seededHistoryAndTheBenchmarkBatchesAgreeWithTheModel() throws SQLException {
        final SyntheticHistory synthetic = new SyntheticHistory(60, 6, 30, 120);
        final CustomerModel model = new CustomerModel();
        for (final Map.Entry<String, List<CustomerEvent>> file :
                synthetic.files().entrySet()) {
            model.receive(file.getKey(), file.getValue());
        }
        model.apply();
        synthetic.files().keySet().stream().filter(synthetic::isPurged).forEach(model::ageBeyondRetention);
        model.apply();

        try (DuckDbWarehouse warehouse = new DuckDbWarehouse()) {
            synthetic.seed(warehouse);
            assertThat(warehouse.history()).containsExactlyElementsOf(model.history());
            assertThat(warehouse.customers()).containsExactlyElementsOf(model.customers());
            assertThat(warehouse.rawRowCount()).isEqualTo(120).isEqualTo(model.rawRowCount());

            final Random random = new Random(12);
            for (int batch = 1; batch <= 3; batch++) {
                final List<CustomerEvent> events = synthetic.nextBatch(random, 50);
                final String file = "batch/%04d.csv.gz".formatted(batch);
                warehouse.load(file, events);
                model.receive(file, events);

                final Warehouse.ApplyCounts counts = warehouse.apply();
                final CustomerModel.RunCounts expected = model.apply();

                assertThat(counts.events()).isEqualTo(expected.events()).isEqualTo(50);
                assertThat(counts.of("rebuild_chains"))
                        .as("rebuilt tails start at the versions in force")
                        .isGreaterThan(50);
                assertThat(warehouse.history())
                        .as("SCD2 after batch %d", batch)
                        .containsExactlyElementsOf(model.history());
                assertThat(warehouse.customers())
                        .as("SCD1 after batch %d", batch)
                        .containsExactlyElementsOf(model.customers());
            }
        }
    }
}
