package io.snowstream.sql;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How the cost of one apply_customer_changes() run grows with the history: DuckDB (emulated Snowflake) with the
 * statements of 06_change_processing.sql, on {@link SyntheticHistory} histories of 1, 4 and 16 million versions, the
 * raw window a constant 500,000 events, each run applying a batch of 10,000 events of which a tenth are late. Two
 * series: the history growing longer for the same 125,000 customers (8 to 128 versions each: the history's length,
 * which the run must not pay for), then growing with its customers (8 versions each: 125,000 to 2,000,000 keys,
 * whose per-key tables a run does scan). The runs execute on one DuckDB thread, the calling one, and are measured
 * in that thread's CPU time: the work a run does, which other processes on a shared machine barely disturb (its wall
 * time is printed beside it). Prints the median run of eleven (after one warm-up) and its slowest steps.
 * Tagged benchmark: left out of ./mvnw verify; run by ./benchmarks.sh sql. Options:
 * -Dsnowstream.sql.benchmark.history=1000000,4000000 and -Dsnowstream.sql.benchmark.series=longer,wider.
 */
@Tag("benchmark")
class ChangeProcessingBenchmark {

    private static final long CUSTOMERS = 125_000;
    private static final int VERSIONS_PER_CUSTOMER = 8;
    private static final long RAW_WINDOW = 500_000;
    private static final int BATCH = 10_000;
    private static final int MEASURED_RUNS = 11;

    @Test
    void costFollowsTheBatchNotTheHistory() throws SQLException, IOException {
        final List<Long> sizes = Arrays.stream(
                        System.getProperty("snowstream.sql.benchmark.history", "1000000,4000000,16000000")
                                .split(","))
                .map(String::strip)
                .map(Long::parseLong)
                .toList();
        final StringBuilder report = new StringBuilder();
        for (final String series : System.getProperty("snowstream.sql.benchmark.series", "longer,wider")
                .split(",")) {
            final boolean longer = series.strip().equals("longer");
            report.append(
                    longer
                            ? "History growing longer: the same " + String.format(Locale.ROOT, "%,d", CUSTOMERS)
                                    + " customers, more versions each\n\n"
                            : "History growing wider: " + VERSIONS_PER_CUSTOMER
                                    + " versions per customer, more customers\n\n");
            report.append(series(
                    sizes,
                    historyRows -> longer
                            ? new SyntheticHistory(
                                    CUSTOMERS,
                                    (int) (historyRows / CUSTOMERS),
                                    10_000,
                                    Math.min(RAW_WINDOW, historyRows))
                            : new SyntheticHistory(
                                    historyRows / VERSIONS_PER_CUSTOMER,
                                    VERSIONS_PER_CUSTOMER,
                                    10_000,
                                    Math.min(RAW_WINDOW, historyRows))));
        }
        System.out.println(report);
        Files.writeString(Path.of("target", "change-processing-scaling.md"), report, StandardCharsets.UTF_8);
    }

    private static String series(final List<Long> sizes, final LongFunction<SyntheticHistory> histories)
            throws SQLException {
        final Map<Long, Double> medianSeconds = new LinkedHashMap<>();
        String engine = "DuckDB";
        final StringBuilder table = new StringBuilder()
                .append("| history rows | customers | raw rows | batch | run CPU, median of ")
                .append(MEASURED_RUNS)
                .append(
                        " (s) | vs smallest | its wall time (s) | slowest steps (ms) |\n|---|---|---|---|---|---|---|---|\n");
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (final long historyRows : sizes) {
            final SyntheticHistory synthetic = histories.apply(historyRows);
            try (DuckDbWarehouse warehouse = new DuckDbWarehouse()) {
                engine = "DuckDB " + warehouse.connection.getMetaData().getDatabaseProductVersion();
                synthetic.seed(warehouse);
                warehouse.executeUpdate("SET threads = 1");
                final Random random = new Random(historyRows);
                final List<Double> runs = new ArrayList<>();
                final List<Double> wallRuns = new ArrayList<>();
                final List<Map<String, Long>> steps = new ArrayList<>();
                for (int run = 0; run <= MEASURED_RUNS; run++) {
                    warehouse.load("batch/%04d.csv.gz".formatted(run), synthetic.nextBatch(random, BATCH));
                    final long start = System.nanoTime();
                    final long cpuStart = threads.getCurrentThreadCpuTime();
                    final Warehouse.ApplyCounts counts = warehouse.apply();
                    final double seconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
                    final double wallSeconds = (System.nanoTime() - start) / 1e9;
                    if (counts.events() != BATCH) {
                        throw new AssertionError(
                                "run applied " + counts.events() + " events, not " + BATCH + ": " + counts);
                    }
                    if (run > 0) {
                        runs.add(seconds);
                        wallRuns.add(wallSeconds);
                        steps.add(warehouse.lastStepNanos());
                    }
                }
                final int median = medianIndex(runs);
                medianSeconds.put(historyRows, runs.get(median));
                table.append(String.format(
                        Locale.ROOT,
                        "| %,d | %,d | %,d | %,d | %.3f | %.2fx | %.3f | %s |%n",
                        historyRows,
                        synthetic.customers,
                        synthetic.rawRows,
                        BATCH,
                        runs.get(median),
                        runs.get(median) / medianSeconds.values().iterator().next(),
                        wallRuns.get(median),
                        slowest(steps.get(median))));
            }
        }
        final double ratio = medianSeconds.get(sizes.getLast()) / medianSeconds.get(sizes.getFirst());
        return "On " + engine + " (emulated Snowflake), one run = one batch:\n\n" + table
                + String.format(Locale.ROOT, "%nlargest / smallest history: %.2fx%n%n", ratio);
    }

    private static int medianIndex(final List<Double> values) {
        final List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return values.indexOf(sorted.get(sorted.size() / 2));
    }

    private static String slowest(final Map<String, Long> stepNanos) {
        return stepNanos.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(3)
                .map(step -> step.getKey() + " " + step.getValue() / 1_000_000)
                .reduce((a, b) -> a + ", " + b)
                .orElse("");
    }
}
