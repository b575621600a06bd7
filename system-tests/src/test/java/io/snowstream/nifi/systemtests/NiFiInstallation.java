package io.snowstream.nifi.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A NiFi 2.x installation in the layout of NiFi's binary distribution: {@code bin/nifi.sh}, {@code conf/} with
 * {@code nifi.properties} and {@code bootstrap.conf}, {@code lib/} with the bootstrap jars and the framework NAR. The
 * system tests never change it: each test class works on its own copy ({@link NiFiInstance}).
 *
 * @param home    the installation directory
 * @param version NiFi's version, read from the framework NAR's file name
 */
public record NiFiInstallation(Path home, String version) {

    /** The environment variable naming the installation. */
    public static final String NIFI_HOME = "NIFI_HOME";

    private static final Pattern FRAMEWORK_NAR =
            Pattern.compile("nifi-framework-nar-(\\d+)\\.(\\d+)\\.(\\d+)(?:[-.].*)?\\.nar");

    /** The installation NIFI_HOME names, or empty when NIFI_HOME is not set (then the system tests are skipped). */
    public static Optional<String> configuredHome() {
        final String home = System.getenv(NIFI_HOME);
        return home == null || home.isBlank() ? Optional.empty() : Optional.of(home);
    }

    /**
     * Checks that {@code home} is a NiFi 2.x installation.
     *
     * @throws IllegalStateException naming what is missing, when it is not one
     */
    public static NiFiInstallation at(final String home) {
        final Path path = Path.of(home).toAbsolutePath().normalize();
        final List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException(
                    NIFI_HOME + "=" + home + " is not a directory: point it at an Apache NiFi 2.x"
                            + " installation (the unpacked binary distribution, holding bin/nifi.sh, conf/ and lib/)");
        }
        requireFile(path, "bin/nifi.sh", problems);
        requireFile(path, "bin/nifi-env.sh", problems);
        requireFile(path, "conf/nifi.properties", problems);
        requireFile(path, "conf/bootstrap.conf", problems);
        if (!Files.isDirectory(path.resolve("lib/bootstrap"))
                || list(path.resolve("lib/bootstrap"), ".jar").isEmpty()) {
            problems.add("lib/bootstrap/*.jar (NiFi's bootstrap)");
        }
        String version = null;
        if (Files.isDirectory(path.resolve("lib"))) {
            for (final Path nar : list(path.resolve("lib"), ".nar")) {
                final Matcher matcher = FRAMEWORK_NAR.matcher(nar.getFileName().toString());
                if (matcher.matches()) {
                    version = matcher.group(1) + '.' + matcher.group(2) + '.' + matcher.group(3);
                    if (!matcher.group(1).equals("2")) {
                        problems.add("NiFi 2.x (found " + nar.getFileName() + ": the bundle needs NiFi 2 and Java 21)");
                    }
                }
            }
        }
        if (version == null) {
            problems.add("lib/nifi-framework-nar-<version>.nar (NiFi's framework)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(NIFI_HOME + "=" + home + " is not an Apache NiFi 2.x installation: missing "
                    + String.join(", ", problems) + ". Point " + NIFI_HOME + " at the unpacked binary distribution"
                    + " (nifi-<version>-bin.zip), or unset it to skip the system tests.");
        }
        return new NiFiInstallation(path, version);
    }

    /**
     * Whether this installation can run as a cluster node: NiFi's ZooKeeper bundle (leader election and the cluster
     * state provider), {@code lib/nifi-framework-zookeeper-nar-<version>.nar}, is in every binary distribution but
     * may be missing from a build of selected modules.
     */
    public boolean canCluster() {
        return list(home.resolve("lib"), ".nar").stream()
                .anyMatch(nar -> nar.getFileName().toString().startsWith("nifi-framework-zookeeper-nar-"));
    }

    private static void requireFile(final Path home, final String relative, final List<String> problems) {
        if (!Files.isRegularFile(home.resolve(relative))) {
            problems.add(relative);
        }
    }

    private static List<Path> list(final Path directory, final String suffix) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .toList();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
