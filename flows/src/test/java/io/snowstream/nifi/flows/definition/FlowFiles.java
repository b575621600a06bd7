package io.snowstream.nifi.flows.definition;

import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;

/** Where the flow definition and the root POM live, and the bundle coordinates the POM gives the NAR. */
final class FlowFiles {

    static final Path ROOT = Path.of(System.getProperty("snowstream.repository.root", ".."))
            .toAbsolutePath()
            .normalize();
    static final Path FLOW =
            ROOT.resolve("flows").resolve(CustomerStreamFlow.BUCKET).resolve(CustomerStreamFlow.FLOW_NAME + ".json");

    private FlowFiles() {}

    /** groupId, artifactId and version of the NAR module, as Maven resolves them (the version from the parent). */
    static String[] narCoordinates() {
        final Element root = pom(ROOT.resolve("pom.xml"));
        final Element nar = pom(ROOT.resolve("nifi-snowstream-nar/pom.xml"));
        return new String[] {child(root, "groupId"), child(nar, "artifactId"), child(root, "version")};
    }

    static String rootPomVersion() {
        return child(pom(ROOT.resolve("pom.xml")), "version");
    }

    private static Element pom(final Path file) {
        try {
            return DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(file.toFile())
                    .getDocumentElement();
        } catch (final Exception e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    private static String child(final Element parent, final String name) {
        for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element.getTextContent().trim();
            }
        }
        throw new IllegalStateException("no <" + name + "> under <" + parent.getTagName() + ">");
    }
}
