package io.snowstream.nifi.flows.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.yaml.snakeyaml.Yaml;

/** Reads the repository's build and deployment files as the tools that consume them would. */
final class Repository {

    static final Path ROOT = Path.of(System.getProperty("snowstream.repository.root", ".."))
            .toAbsolutePath()
            .normalize();

    private Repository() {}

    static String read(final String relativePath) {
        try {
            return Files.readString(ROOT.resolve(relativePath));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean exists(final String relativePath) {
        return Files.isRegularFile(ROOT.resolve(relativePath));
    }

    /** A Maven POM element by path from the project element, e.g. "properties/nifi.version". */
    static String pomValue(final String pomPath, final String elementPath) {
        try {
            final Document pom = DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(ROOT.resolve(pomPath).toFile());
            Element element = pom.getDocumentElement();
            for (final String name : elementPath.split("/")) {
                element = directChild(element, name);
            }
            return element.getTextContent().trim();
        } catch (final Exception e) {
            throw new IllegalStateException("cannot read " + elementPath + " from " + pomPath, e);
        }
    }

    /** The texts of every element at the path's last step, e.g. "modules/module". */
    static List<String> pomValues(final String pomPath, final String elementPath) {
        try {
            final Document pom = DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(ROOT.resolve(pomPath).toFile());
            final String[] names = elementPath.split("/");
            Element parent = pom.getDocumentElement();
            for (int i = 0; i < names.length - 1; i++) {
                parent = directChild(parent, names[i]);
            }
            final List<String> values = new ArrayList<>();
            for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element child && child.getTagName().equals(names[names.length - 1])) {
                    values.add(child.getTextContent().trim());
                }
            }
            return values;
        } catch (final Exception e) {
            throw new IllegalStateException("cannot read " + elementPath + " from " + pomPath, e);
        }
    }

    private static Element directChild(final Element parent, final String name) {
        for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element child && child.getTagName().equals(name)) {
                return child;
            }
        }
        throw new IllegalStateException("no <" + name + "> under <" + parent.getTagName() + ">");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(final String relativePath) {
        return (Map<String, Object>) new Yaml().load(read(relativePath));
    }

    /** KEY=VALUE lines of an env file, without comments and blank lines. */
    static Map<String, String> envFile(final String relativePath) {
        final Map<String, String> values = new LinkedHashMap<>();
        for (final String line : read(relativePath).split("\n")) {
            final String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            final int equals = trimmed.indexOf('=');
            values.put(trimmed.substring(0, equals), trimmed.substring(equals + 1));
        }
        return values;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(final Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(final Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }
}
