package io.snowstream.nifi.flows.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one deploy script with bash, as a user would, and keeps its exit code and output. */
record ScriptRun(int exitCode, String stdout, String stderr) {

    /** Far above what a script needs; only there so that a hung script fails the test instead of the build. */
    private static final long TIMEOUT_MINUTES = 5;

    static ScriptRun run(final Path script, final Map<String, String> environment, final String... arguments) {
        final List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(arguments));
        final ProcessBuilder builder =
                new ProcessBuilder(command).directory(script.getParent().toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("NIFI_"));
        builder.environment().putAll(environment);
        try {
            final Path stdout = Files.createTempFile("script-stdout", ".txt");
            final Path stderr = Files.createTempFile("script-stderr", ".txt");
            final Process process = builder.redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(
                        script.getFileName() + " did not finish within " + TIMEOUT_MINUTES + " minutes");
            }
            final ScriptRun run = new ScriptRun(
                    process.exitValue(),
                    Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
            Files.delete(stdout);
            Files.delete(stderr);
            return run;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String output() {
        return stdout + stderr;
    }
}
