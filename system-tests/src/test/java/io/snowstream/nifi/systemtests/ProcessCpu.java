package io.snowstream.nifi.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** CPU time of a process from Linux's /proc/&lt;pid&gt;/stat: user plus system time, in seconds. */
final class ProcessCpu {

    private static final double TICKS_PER_SECOND = clockTicks();

    private ProcessCpu() {
    }

    static double seconds(final long pid) {
        final String stat;
        try {
            stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"), StandardCharsets.US_ASCII);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
        }
        // the command name (2nd field) is in parentheses and may hold spaces: count fields after its closing one
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields 14 (utime) and 15 (stime) of proc(5), here at offsets 11 and 12 (field 3, state, is at offset 0)
        final long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks / TICKS_PER_SECOND;
    }

    /** getconf CLK_TCK; 100 on every Linux this runs on, but asked rather than assumed. */
    private static double clockTicks() {
        try {
            final Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
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
