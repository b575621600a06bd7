package io.snowstream.nifi.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** CPU time of a process from Linux's /proc/&lt;pid&gt;/stat: user plus system time, in seconds. */
final class ProcessCpu {

    private static final double TICKS_PER_SECOND = clockTicks();

    private ProcessCpu() {}

    static double seconds(final long pid) {
        try {
            return seconds(Path.of("/proc", String.valueOf(pid), "stat"));
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
        }
    }

    /**
     * CPU seconds of each thread of the process so far, by "name (tid)": Linux shows the first 15 characters of a
     * Java thread's name ("Timer-Driven Pr" for NiFi's processor threads, "C2 CompilerThre", "GC Thread#0", ...).
     */
    static Map<String, Double> threads(final long pid) {
        final Map<String, Double> threads = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (final Path task : tasks.toList()) {
                try {
                    final String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8)
                            .trim();
                    threads.put(name + " (" + task.getFileName() + ")", seconds(task.resolve("stat")));
                } catch (final IOException e) {
                    // the thread ended while we looked
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot list the threads of process " + pid, e);
        }
        return threads;
    }

    /** The {@code top} threads that used the most CPU between two {@link #threads} samples, in seconds. */
    static Map<String, Double> busiest(
            final Map<String, Double> before, final Map<String, Double> after, final int top) {
        final Map<String, Double> busiest = new LinkedHashMap<>();
        after.entrySet().stream()
                .map(thread ->
                        Map.entry(thread.getKey(), thread.getValue() - before.getOrDefault(thread.getKey(), 0.0)))
                .filter(thread -> thread.getValue() > 0)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(top)
                .forEach(thread -> busiest.put(thread.getKey(), Math.round(thread.getValue() * 100) / 100.0));
        return busiest;
    }

    private static double seconds(final Path stat) throws IOException {
        final String text = Files.readString(stat, StandardCharsets.US_ASCII);
        // the command name (2nd field) is in parentheses and may hold spaces: count fields after its closing one
        final String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        // fields 14 (utime) and 15 (stime) of proc(5), here at offsets 11 and 12 (field 3, state, is at offset 0)
        final long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks / TICKS_PER_SECOND;
    }

    /** getconf CLK_TCK; 100 on every Linux this runs on, but asked rather than assumed. */
    private static double clockTicks() {
        try {
            final Process process = new ProcessBuilder("getconf", "CLK_TCK")
                    .redirectErrorStream(true)
                    .start();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0) {
                return Double.parseDouble(output);
            }
        } catch (final IOException | NumberFormatException e) {
            // fall through to the Linux default
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
