package io.snowstream.nifi.nar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * Checks the NAR the build produced the way NiFi reads it: the manifest that identifies the bundle and its parent,
 * the extension manifest that the Add Processor dialog is built from, and what is bundled beside our code.
 */
class NarPackagingIT {

    private static final Path NAR = Path.of(System.getProperty("nar.file"));
    private static final Path SERVICES = Path.of(System.getProperty("processors.services"));
    private static final Path PARENT_NAR = Path.of(System.getProperty("parent.nar.file"));
    private static final String BUNDLED = "META-INF/bundled-dependencies/";
    /**
     * 42.0 MB when this was written, 7.3 MB of it zstd-jni (the driver's result reader loads it) and 1 MB the AWS SDK
     * v1 core (its proxy route planner): the ceiling catches growth, with under a megabyte of room.
     */
    private static final long MAX_NAR_BYTES = 41L * 1024 * 1024;

    private static final Pattern VERSION_START = Pattern.compile("-\\d+(\\.[^-]*)*(-[A-Za-z0-9.]+)?\\.jar$");

    /**
     * What NiFi 2.8's lib/ puts on every bundle's class path: its API, the logging API, and the bridges that route
     * Commons Logging, Log4j and java.util.logging into it.
     */
    private static final Set<String> PROVIDED_BY_NIFI_LIB = Set.of(
            "nifi-api",
            "nifi-framework-api",
            "nifi-nar-utils",
            "nifi-properties",
            "nifi-property-utils",
            "nifi-runtime",
            "nifi-server-api",
            "nifi-stateless-api",
            "nifi-python-framework-api",
            "nifi-per-process-group-logging",
            "slf4j-api",
            "jcl-over-slf4j",
            "jul-to-slf4j",
            "log4j-over-slf4j",
            "logback-classic",
            "logback-core",
            "commons-logging",
            "log4j-api");

    private static List<String> declaredExtensions;

    @BeforeAll
    static void readDeclaredExtensions() throws IOException {
        declaredExtensions = new ArrayList<>();
        try (Stream<Path> files = Files.list(SERVICES)) {
            for (final Path file : files.toList()) {
                Files.readAllLines(file).stream()
                        .map(String::strip)
                        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                        .forEach(declaredExtensions::add);
            }
        }
    }

    @Test
    void manifestIdentifiesTheBundleAndItsParent() throws IOException {
        try (JarFile nar = new JarFile(NAR.toFile())) {
            final Manifest manifest = nar.getManifest();

            assertThat(manifest.getMainAttributes().getValue("Nar-Id")).isEqualTo("nifi-snowstream-nar");
            assertThat(manifest.getMainAttributes().getValue("Nar-Group")).isEqualTo("io.snowstream");
            assertThat(manifest.getMainAttributes().getValue("Nar-Dependency-Id"))
                    .isEqualTo("nifi-standard-services-api-nar");
        }
    }

    @Test
    void extensionManifestListsEveryDeclaredExtension() throws Exception {
        try (JarFile nar = new JarFile(NAR.toFile());
                InputStream xml = nar.getInputStream(nar.getEntry("META-INF/docs/extension-manifest.xml"))) {
            final Document document =
                    DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml);
            final NodeList names = document.getElementsByTagName("name");
            final List<String> listed = new ArrayList<>();
            for (int i = 0; i < names.getLength(); i++) {
                listed.add(names.item(i).getTextContent().strip());
            }

            assertThat(declaredExtensions)
                    .contains(
                            "io.snowstream.nifi.processors.GenerateFakeCustomers",
                            "io.snowstream.nifi.processors.ValidateCustomerRecord");
            assertThat(listed).containsAll(declaredExtensions);
        }
    }

    @Test
    void bundlesOurCodeButNothingNiFiProvides() throws IOException {
        final List<String> bundled = bundledJars(NAR);
        final Set<String> provided = new TreeSet<>(PROVIDED_BY_NIFI_LIB);
        bundledJars(PARENT_NAR).stream().map(NarPackagingIT::artifactName).forEach(provided::add);

        assertThat(bundled).anyMatch(name -> name.startsWith("nifi-snowstream-processors-"));
        assertThat(bundled).anyMatch(name -> name.startsWith("datafaker-"));
        assertThat(bundled).anyMatch(name -> name.startsWith("snowflake-jdbc-thin-"));
        assertThat(provided).contains("nifi-proxy-configuration-api", "nifi-ssl-context-service-api", "nifi-utils");
        assertThat(bundled)
                .as("jars NiFi's lib/ or the parent NAR already provide")
                .noneMatch(name -> provided.contains(artifactName(name)))
                .as("test jars")
                .noneMatch(name -> name.startsWith("nifi-mock-") || name.startsWith("junit-"));
    }

    @Test
    void bundlesNoCloudStorageSdkOfTheDriverNorTheFatDriver() throws IOException {
        final List<String> bundled = bundledJars(NAR);

        // the driver's PUT/GET stage transfers are never used: their S3, KMS, Azure and Google Cloud clients stay out
        // (the AWS SDK v1 core stays: the driver's proxy route planner is one of its classes)
        assertThat(bundled)
                .noneMatch(name -> name.startsWith("aws-java-sdk-s3")
                        || name.startsWith("aws-java-sdk-kms")
                        || name.startsWith("azure-")
                        || name.startsWith("google-cloud-")
                        || name.startsWith("grpc-")
                        || name.startsWith("snowflake-jdbc-4"));
    }

    @Test
    void staysWithinItsSizeCeiling() throws IOException {
        assertThat(Files.size(NAR)).isLessThanOrEqualTo(MAX_NAR_BYTES);
    }

    private static List<String> bundledJars(final Path nar) throws IOException {
        try (JarFile jar = new JarFile(nar.toFile())) {
            return jar.stream()
                    .map(entry -> entry.getName())
                    .filter(name -> name.startsWith(BUNDLED) && name.endsWith(".jar"))
                    .map(name -> name.substring(BUNDLED.length()))
                    .toList();
        }
    }

    /** The artifact id of a bundled jar's file name: everything before the version. */
    static String artifactName(final String jarName) {
        final Matcher version = VERSION_START.matcher(jarName);
        return version.find() ? jarName.substring(0, version.start()) : jarName.replaceFirst("\\.jar$", "");
    }
}
