package io.snowstream.nifi.flows.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.apache.nifi.registry.flow.RegisteredFlowSnapshot;

/**
 * Reads and writes flow definitions in the form this repository keeps them: NiFi's model classes serialized by
 * Jackson, without null fields, every object's keys sorted, and the model's sets (processors, connections,
 * parameters, relationship names, ...) in a stable order, so that the file diffs cleanly and a Git flow registry
 * sees no change when nothing changed.
 */
public final class FlowJson {

    /** Arrays of strings that the model holds as sets: their order carries no meaning. */
    private static final Set<String> STRING_SETS =
            Set.of("autoTerminatedRelationships", "retriedRelationships", "selectedRelationships");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private FlowJson() {}

    public static RegisteredFlowSnapshot read(final Path file) {
        try {
            return MAPPER.readValue(file.toFile(), RegisteredFlowSnapshot.class);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the flow definition " + file, e);
        }
    }

    public static JsonNode readTree(final Path file) {
        try {
            return MAPPER.readTree(Files.readString(file));
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The snapshot as this repository stores it. */
    public static String write(final RegisteredFlowSnapshot snapshot) {
        return write((JsonNode) MAPPER.valueToTree(snapshot));
    }

    /** Any JSON tree with sorted keys and sorted sets, two-space indented, ending with a line feed. */
    public static String write(final JsonNode tree) {
        final DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        try {
            return MAPPER.writer(printer).writeValueAsString(normalized(tree, null)) + "\n";
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the flow definition", e);
        }
    }

    private static JsonNode normalized(final JsonNode node, final String fieldName) {
        if (node.isObject()) {
            final TreeMap<String, JsonNode> sorted = new TreeMap<>();
            node.properties()
                    .forEach(field -> sorted.put(field.getKey(), normalized(field.getValue(), field.getKey())));
            final ObjectNode object = MAPPER.createObjectNode();
            sorted.forEach(object::set);
            return object;
        }
        if (node.isArray()) {
            final List<JsonNode> elements = new ArrayList<>();
            node.forEach(element -> elements.add(normalized(element, null)));
            if (STRING_SETS.contains(fieldName)) {
                elements.sort(Comparator.comparing(JsonNode::asText));
            } else if (!elements.isEmpty() && elements.stream().allMatch(element -> element.has("identifier"))) {
                elements.sort(Comparator.comparing(
                        element -> element.get("identifier").asText()));
            } else if (!elements.isEmpty()
                    && elements.stream().allMatch(element -> element.isObject() && element.has("name"))) {
                elements.sort(
                        Comparator.comparing(element -> element.get("name").asText()));
            }
            final ArrayNode array = MAPPER.createArrayNode();
            elements.forEach(array::add);
            return array;
        }
        return node;
    }
}
