package io.snowstream.nifi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.Tags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What NiFi's Add Processor and Add Controller Service dialogs show of each component (its tags and the start of its
 * description), and that the READMEs name tags the components really carry.
 */
class ComponentAnnotationsTest {

    /** About what the Add dialogs' description preview shows before it cuts off. */
    private static final int PREVIEW_CHARACTERS = 160;

    private static final Pattern TAG_IN_BACKTICKS = Pattern.compile("`([a-z0-9 ]+)`");

    static List<Class<?>> components() throws IOException, ClassNotFoundException {
        final List<Class<?>> components = new ArrayList<>();
        for (final String service :
                List.of("org.apache.nifi.processor.Processor", "org.apache.nifi.controller.ControllerService")) {
            try (InputStream listing =
                    ComponentAnnotationsTest.class.getResourceAsStream("/META-INF/services/" + service)) {
                for (final String line : new String(listing.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        components.add(Class.forName(line.strip()));
                    }
                }
            }
        }
        assertThat(components).hasSize(5);
        return components;
    }

    @ParameterizedTest
    @MethodSource("components")
    void everyComponentCarriesTheBundleTagAndSnowflake(final Class<?> component) {
        assertThat(tags(component)).as(component.getSimpleName()).contains("snowstream", "snowflake");
    }

    @ParameterizedTest
    @MethodSource("components")
    void everyDescriptionSaysWhatTheComponentDoesBeforeThePreviewEnds(final Class<?> component) {
        final String description =
                component.getAnnotation(CapabilityDescription.class).value();
        final String preview = description.substring(0, Math.min(PREVIEW_CHARACTERS, description.length()));

        // a verb (or what it is) opens the description, and no column list crowds the preview
        assertThat(preview).as(component.getSimpleName()).doesNotContain("customer_id,");
        assertThat(preview.split(" ")[0]).as(component.getSimpleName()).matches("[A-Z][a-z]+s|Data-quality");
    }

    @Test
    void theGeneratorsColumnListComesAfterWhatItIsFor() {
        final String description = descriptionOf("io.snowstream.nifi.processors.GenerateFakeCustomers");

        assertThat(description.indexOf("customer_id,first_name")).isGreaterThan(description.indexOf("deterministic"));
    }

    @Test
    void theReadmesNameOnlyTagsThatTheComponentsCarry() throws IOException, ClassNotFoundException {
        final List<List<String>> tagsOfEach =
                components().stream().map(ComponentAnnotationsTest::tags).toList();
        final String readme = Files.readString(Path.of("..", "README.md"));
        final String flowsReadme = Files.readString(Path.of("..", "flows", "README.md"));

        // "The components carry the tag `snowstream`": every component
        assertThat(sentenceWith(readme, "carry the tag")).contains("`snowstream`");
        tagsIn(sentenceWith(readme, "carry the tag"))
                .forEach(tag -> assertThat(tagsOfEach)
                        .as("README tag %s", tag)
                        .allSatisfy(tags -> assertThat(tags).contains(tag)));
        // flows/README: the tags all of them appear under (before the parenthesis naming the tags of some)
        final String flowsSentence = sentenceWith(flowsReadme, "appear under the tag");
        final String flowsTags = flowsSentence.substring(
                0, flowsSentence.indexOf('(') < 0 ? flowsSentence.length() : flowsSentence.indexOf('('));
        assertThat(tagsIn(flowsTags))
                .containsExactly("snowstream", "snowflake")
                .allSatisfy(tag -> assertThat(tagsOfEach)
                        .as("flows/README tag %s", tag)
                        .allSatisfy(tags -> assertThat(tags).contains(tag)));
    }

    private static String descriptionOf(final String className) {
        try {
            return Class.forName(className)
                    .getAnnotation(CapabilityDescription.class)
                    .value();
        } catch (final ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> tags(final Class<?> component) {
        return Arrays.asList(component.getAnnotation(Tags.class).value());
    }

    /** The sentence of a Markdown text that holds the phrase, line breaks joined. */
    private static String sentenceWith(final String markdown, final String phrase) {
        final String text = markdown.replace('\n', ' ');
        final int at = text.indexOf(phrase);
        assertThat(at).as("phrase '%s'", phrase).isNotNegative();
        final int end = text.indexOf(". ", at);
        return text.substring(at, end < 0 ? text.length() : end);
    }

    private static List<String> tagsIn(final String sentence) {
        final List<String> tags = new ArrayList<>();
        final Matcher matcher = TAG_IN_BACKTICKS.matcher(sentence);
        while (matcher.find()) {
            tags.add(matcher.group(1));
        }
        return tags;
    }
}
