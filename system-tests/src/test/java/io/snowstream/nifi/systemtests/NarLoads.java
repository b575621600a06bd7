package io.snowstream.nifi.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Scenario a, shared by the HTTP and the HTTPS test classes: NiFi loaded the NAR from its autoload directory, lists
 * every component in the Add Processor / Add Controller Service dialogs, serves each one's documentation page (the
 * definition and the additionalDetails.md), and logged no ERROR doing so.
 */
final class NarLoads {

    static final String GROUP = "io.snowstream";
    static final String ARTIFACT = "nifi-snowstream-nar";
    static final List<String> PROCESSORS = List.of(
            "io.snowstream.nifi.processors.GenerateFakeCustomers",
            "io.snowstream.nifi.processors.ValidateCustomerRecord",
            "io.snowstream.nifi.processors.PutS3Batch",
            "io.snowstream.nifi.processors.TriggerSnowpipeRefresh");
    static final String CONNECTION_SERVICE = "io.snowstream.nifi.snowflake.service.StandardSnowflakeConnectionService";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The autoloader scans extensions/ while NiFi starts and after: the types may appear a little after the API. */
    private static final Duration AUTOLOAD_TIMEOUT = Duration.ofMinutes(3);

    private NarLoads() {}

    /** Waits until every processor of the NAR is listed; returns each one's type entry (with its bundle). */
    static Map<String, JsonNode> awaitProcessorTypes(final NiFiClient nifi) {
        final List<JsonNode> types = Await.until(
                "NiFi to list the NAR's processors " + PROCESSORS,
                AUTOLOAD_TIMEOUT,
                nifi::processorTypes,
                listed -> typeNames(listed).containsAll(PROCESSORS));
        return ours(types);
    }

    static void verify(final NiFiInstance instance) {
        final NiFiClient nifi = instance.client();
        final Map<String, JsonNode> processors = awaitProcessorTypes(nifi);
        assertThat(processors.keySet())
                .as("processor types of bundle " + ARTIFACT)
                .containsExactlyInAnyOrderElementsOf(PROCESSORS);
        final Map<String, JsonNode> services = ours(nifi.controllerServiceTypes());
        assertThat(services.keySet())
                .as("controller service types of bundle " + ARTIFACT)
                .containsExactly(CONNECTION_SERVICE);

        for (final JsonNode type : processors.values()) {
            final String name = type.path("type").asText();
            assertThat(type.path("tags").isEmpty()).as("tags of " + name).isFalse();
            final JsonNode definition =
                    body(name + " processor definition", nifi.processorDefinition(type.path("bundle"), name));
            assertThat(definition.path("type").asText()).isEqualTo(name);
            assertThat(definition.path("propertyDescriptors").isEmpty())
                    .as("properties documented for " + name)
                    .isFalse();
            assertThat(definition.path("supportedRelationships").isEmpty())
                    .as("relationships documented for " + name)
                    .isFalse();
            assertThat(definition.path("additionalDetails").asBoolean())
                    .as("additional details flagged for " + name)
                    .isTrue();
            assertAdditionalDetails(nifi, type, name);
        }
        final JsonNode service = services.get(CONNECTION_SERVICE);
        final JsonNode definition = body(
                "connection service definition",
                nifi.controllerServiceDefinition(service.path("bundle"), CONNECTION_SERVICE));
        assertThat(definition.path("type").asText()).isEqualTo(CONNECTION_SERVICE);
        assertThat(definition.path("propertyDescriptors").isEmpty())
                .as("properties documented for the service")
                .isFalse();
        assertAdditionalDetails(nifi, service, CONNECTION_SERVICE);

        assertThat(instance.errorLines()).as("ERROR lines in logs/nifi-app.log").isEmpty();
    }

    private static void assertAdditionalDetails(final NiFiClient nifi, final JsonNode type, final String name) {
        final JsonNode details = body(name + " additional details", nifi.additionalDetails(type.path("bundle"), name));
        final String markdown = details.path("additionalDetails").asText();
        assertThat(markdown).as("additionalDetails.md of " + name).isNotBlank().contains("#");
    }

    private static JsonNode body(final String what, final NiFiClient.Response response) {
        assertThat(response.status()).as(what + ": " + response.body()).isEqualTo(200);
        try {
            return JSON.readTree(response.body());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, JsonNode> ours(final List<JsonNode> types) {
        return types.stream()
                .filter(type -> type.path("bundle").path("group").asText().equals(GROUP)
                        && type.path("bundle").path("artifact").asText().equals(ARTIFACT))
                .collect(Collectors.toMap(type -> type.path("type").asText(), type -> type));
    }

    private static Set<String> typeNames(final List<JsonNode> types) {
        return types.stream().map(type -> type.path("type").asText()).collect(Collectors.toSet());
    }
}
