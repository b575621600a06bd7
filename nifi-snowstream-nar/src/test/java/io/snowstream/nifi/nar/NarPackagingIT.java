package io.snowstream.nifi.nar;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the NAR the build produced the way NiFi reads it: the manifest that identifies the bundle and its parent,
 * the extension manifest that the Add Processor dialog is built from, and what is bundled beside our code.
 */
class NarPackagingIT {

    private static final Path NAR = Path.of(System.getProperty("nar.file"));
    private static final Path SERVICES = Path.of(System.getProperty("processors.services"));

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
            assertThat(manifest.getMainAttributes().getValue("Nar-Dependency-Id")).isEqualTo("nifi-standard-services-api-nar");
        }
    }

    @Test
    void extensionManifestListsEveryDeclaredExtension() throws Exception {
        try (JarFile nar = new JarFile(NAR.toFile());
             InputStream xml = nar.getInputStream(nar.getEntry("META-INF/docs/extension-manifest.xml"))) {
            final Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml);
            final NodeList names = document.getElementsByTagName("name");
            final List<String> listed = new ArrayList<>();
            for (int i = 0; i < names.getLength(); i++) {
                listed.add(names.item(i).getTextContent().strip());
            }

            assertThat(declaredExtensions).contains(
                "io.snowstream.nifi.processors.GenerateFakeCustomers",
                "io.snowstream.nifi.processors.ValidateCustomerRecord");
            assertThat(listed).containsAll(declaredExtensions);
        }
    }

    @Test
    void bundlesOurCodeButNothingNiFiProvides() throws IOException {
        try (JarFile nar = new JarFile(NAR.toFile())) {
            final List<String> bundled = nar.stream()
                .map(entry -> entry.getName())
                .filter(name -> name.startsWith("META-INF/bundled-dependencies/") && name.endsWith(".jar"))
                .map(name -> name.substring("META-INF/bundled-dependencies/".length()))
                .toList();

            assertThat(bundled).anyMatch(name -> name.startsWith("nifi-snowstream-processors-"));
            assertThat(bundled).anyMatch(name -> name.startsWith("datafaker-"));
            assertThat(bundled).noneMatch(name -> name.startsWith("nifi-api-"));
            assertThat(bundled).noneMatch(name -> name.startsWith("slf4j-"));
            assertThat(bundled).noneMatch(name -> name.startsWith("nifi-mock-") || name.startsWith("junit-"));
        }
    }
}
