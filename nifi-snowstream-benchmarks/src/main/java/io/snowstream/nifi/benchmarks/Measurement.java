package io.snowstream.nifi.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Times one workload the same way for every candidate of a benchmark: warm-up rounds first (so the JIT has
 * compiled the hot paths), then measured rounds, reporting the median rate so a single GC pause or scheduler
 * hiccup does not decide the figure.
 */
public final class Measurement {

    /** One round of a workload; returns how many units (records or bytes) it processed. */
    @FunctionalInterface
    public interface Round {
        long run() throws Exception;
    }

    private final int warmupRounds;
    private final int measuredRounds;

    public Measurement(final int warmupRounds, final int measuredRounds) {
        this.warmupRounds = warmupRounds;
        this.measuredRounds = measuredRounds;
    }

    /** Median units per second over the measured rounds, by the wall clock. */
    public double medianRate(final Round round) throws Exception {
        return medianRate(round, System::nanoTime);
    }

    /**
     * Median units per second of CPU time of the measuring thread: what one core achieves even while other processes
     * compete for the machine (the wall-clock rate then understates it). Single-threaded workloads only.
     */
    public double medianCpuRate(final Round round) throws Exception {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return medianRate(round, threads::getCurrentThreadCpuTime);
    }

    private double medianRate(final Round round, final LongSupplier nanoClock) throws Exception {
        for (int i = 0; i < warmupRounds; i++) {
            round.run();
        }
        final double[] rates = new double[measuredRounds];
        for (int i = 0; i < measuredRounds; i++) {
            final long start = nanoClock.getAsLong();
            final long units = round.run();
            final long elapsed = nanoClock.getAsLong() - start;
            rates[i] = units * 1e9 / elapsed;
        }
        Arrays.sort(rates);
        return rates[measuredRounds / 2];
    }

    /**
     * Median units per second of each workload, their rounds taken in turn (A, B, A, B, ...) after each has been
     * warmed up, so that on a shared machine a burst of outside load falls on all candidates alike and their ratio
     * stays meaningful.
     */
    public double[] interleavedMedianRates(final Round... rounds) throws Exception {
        for (final Round round : rounds) {
            for (int i = 0; i < warmupRounds; i++) {
                round.run();
            }
        }
        final double[][] rates = new double[rounds.length][measuredRounds];
        for (int i = 0; i < measuredRounds; i++) {
            for (int candidate = 0; candidate < rounds.length; candidate++) {
                final long start = System.nanoTime();
                final long units = rounds[candidate].run();
                final long elapsed = System.nanoTime() - start;
                rates[candidate][i] = units * 1e9 / elapsed;
            }
        }
        final double[] medians = new double[rounds.length];
        for (int candidate = 0; candidate < rounds.length; candidate++) {
            Arrays.sort(rates[candidate]);
            medians[candidate] = rates[candidate][measuredRounds / 2];
        }
        return medians;
    }

    public static String perSecond(final double rate, final String unit) {
        return String.format(Locale.ROOT, "%,14.0f %s/s", rate, unit);
    }

    public static String megabytesPerSecond(final double bytesPerSecond) {
        return String.format(Locale.ROOT, "%,10.1f MB/s", bytesPerSecond / 1_000_000.0);
    }
}
