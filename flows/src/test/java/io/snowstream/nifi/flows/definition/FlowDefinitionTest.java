package io.snowstream.nifi.flows.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.nifi.components.AllowableValue;
import org.apache.nifi.components.ConfigurableComponent;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.controller.ControllerService;
import org.apache.nifi.flow.ConnectableComponentType;
import org.apache.nifi.flow.Position;
import org.apache.nifi.flow.ScheduledState;
import org.apache.nifi.flow.VersionedConfigurableExtension;
import org.apache.nifi.flow.VersionedConnection;
import org.apache.nifi.flow.VersionedControllerService;
import org.apache.nifi.flow.VersionedLabel;
import org.apache.nifi.flow.VersionedParameter;
import org.apache.nifi.flow.VersionedParameterContext;
import org.apache.nifi.flow.VersionedPort;
import org.apache.nifi.flow.VersionedProcessGroup;
import org.apache.nifi.flow.VersionedProcessor;
import org.apache.nifi.processor.Processor;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.registry.flow.RegisteredFlowSnapshot;
import org.apache.nifi.util.FormatUtils;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.Test;

/**
 * What NiFi checks when it imports the flow, checked here with NiFi's own model classes and the bundle's classes,
 * without a NiFi server: the file parses as a flow snapshot, every component exists in this bundle, every property
 * and relationship is real, nothing is left unrouted, no secret is in the file, and its layout suits a Git registry.
 */
class FlowDefinitionTest {

    private static final Pattern PARAMETER_REFERENCE = Pattern.compile("#\\{([^}]+)}");

    private final RegisteredFlowSnapshot snapshot = FlowJson.read(FlowFiles.FLOW);
    private final VersionedProcessGroup group = snapshot.getFlowContents();
    private final VersionedParameterContext context =
            snapshot.getParameterContexts().get(group.getParameterContextName());

    @Test
    void holdsOneProcessGroupWithItsOwnParameterContextAndNoOutsideReferences() {
        assertThat(snapshot.getFlowEncodingVersion()).isEqualTo("1.0");
        assertThat(group.getName()).isEqualTo(CustomerStreamFlow.GROUP_NAME);
        assertThat(group.getProcessGroups()).isEmpty();
        assertThat(context).as("the group's parameter context is in the file").isNotNull();
        assertThat(snapshot.getParameterContexts()).containsOnlyKeys(CustomerStreamFlow.PARAMETER_CONTEXT);
        assertThat(snapshot.getExternalControllerServices())
                .as("the Snowflake connection lives inside the group")
                .isEmpty();
        assertThat(group.getControllerServices())
                .extracting(VersionedControllerService::getName)
                .containsExactly(CustomerStreamFlow.SNOWFLAKE_CONNECTION);
        assertThat(group.getProcessors())
                .extracting(VersionedProcessor::getName)
                .containsExactlyInAnyOrder(
                        CustomerStreamFlow.GENERATE,
                        CustomerStreamFlow.VALIDATE,
                        CustomerStreamFlow.PUT_BATCHES,
                        CustomerStreamFlow.PUT_QUARANTINE,
                        CustomerStreamFlow.TRIGGER_SNOWPIPE);
    }

    @Test
    void everyComponentTypeIsRegisteredInThisBundleAndLoads() throws IOException {
        final Set<String> processors = registered("org.apache.nifi.processor.Processor");
        final Set<String> services = registered("org.apache.nifi.controller.ControllerService");
        for (final VersionedProcessor processor : group.getProcessors()) {
            assertThat(processors).as("registered processors").contains(processor.getType());
            assertThat(CustomerStreamFlow.instantiate(processor.getType())).isInstanceOf(Processor.class);
        }
        for (final VersionedControllerService service : group.getControllerServices()) {
            assertThat(services).as("registered controller services").contains(service.getType());
            assertThat(CustomerStreamFlow.instantiate(service.getType())).isInstanceOf(ControllerService.class);
            assertThat(service.getControllerServiceApis())
                    .allSatisfy(api -> assertThat(
                                    Class.forName(api.getType()).isAssignableFrom(Class.forName(service.getType())))
                            .isTrue());
        }
    }

    @Test
    void bundleCoordinatesAreTheNarThisRepositoryBuilds() {
        final String[] nar = FlowFiles.narCoordinates();
        final List<VersionedConfigurableExtension> extensions = new ArrayList<>(group.getProcessors());
        extensions.addAll(group.getControllerServices());
        assertThat(extensions).allSatisfy(extension -> {
            assertThat(extension.getBundle().getGroup()).isEqualTo(nar[0]);
            assertThat(extension.getBundle().getArtifact()).isEqualTo(nar[1]);
            assertThat(extension.getBundle().getVersion()).isEqualTo(nar[2]);
        });
        assertThat(group.getControllerServices().iterator().next().getControllerServiceApis())
                .allSatisfy(api -> assertThat(api.getBundle().getVersion()).isEqualTo(nar[2]));
    }

    @Test
    void everyPropertyIsARealDescriptorOfItsComponentWithAnAllowedValue() {
        for (final VersionedProcessor processor : group.getProcessors()) {
            final TestRunner runner =
                    TestRunners.newTestRunner((Processor) CustomerStreamFlow.instantiate(processor.getType()));
            assertPropertiesReal(processor, runner.getProcessor());
        }
        for (final VersionedControllerService service : group.getControllerServices()) {
            assertPropertiesReal(service, CustomerStreamFlow.instantiate(service.getType()));
        }
    }

    private static void assertPropertiesReal(
            final VersionedConfigurableExtension extension, final ConfigurableComponent component) {
        final Map<String, PropertyDescriptor> supported = component.getPropertyDescriptors().stream()
                .collect(Collectors.toMap(PropertyDescriptor::getName, Function.identity()));
        extension.getProperties().forEach((name, value) -> {
            assertThat(supported)
                    .as("%s supports '%s'", extension.getName(), name)
                    .containsKey(name);
            final PropertyDescriptor descriptor = supported.get(name);
            if (descriptor.getAllowableValues() != null
                    && !PARAMETER_REFERENCE.matcher(value).find()) {
                assertThat(descriptor.getAllowableValues())
                        .extracting(AllowableValue::getValue)
                        .as("%s '%s'", extension.getName(), name)
                        .contains(value);
            }
            assertThat(extension.getPropertyDescriptors().get(name).isSensitive())
                    .as("%s '%s' sensitive as the component says", extension.getName(), name)
                    .isEqualTo(descriptor.isSensitive());
        });
        assertThat(extension.getPropertyDescriptors())
                .containsOnlyKeys(extension.getProperties().keySet());
    }

    @Test
    void everyConnectionJoinsComponentsOfTheGroupByRealRelationships() {
        final Map<String, VersionedProcessor> processors = processorsById();
        final Set<String> ports = group.getOutputPorts().stream()
                .map(VersionedPort::getIdentifier)
                .collect(Collectors.toSet());
        for (final VersionedConnection connection : group.getConnections()) {
            assertThat(connection.getSource().getType()).isEqualTo(ConnectableComponentType.PROCESSOR);
            final VersionedProcessor source =
                    processors.get(connection.getSource().getId());
            assertThat(source).as("source of %s", connection.getIdentifier()).isNotNull();
            assertThat(connection.getSelectedRelationships())
                    .as("relationships from %s", source.getName())
                    .isNotEmpty()
                    .isSubsetOf(relationshipNames(source));
            final String destination = connection.getDestination().getId();
            assertThat(
                            connection.getDestination().getType() == ConnectableComponentType.OUTPUT_PORT
                                    ? ports.contains(destination)
                                    : processors.containsKey(destination))
                    .as(
                            "destination %s of %s is in the group",
                            connection.getDestination().getName(), source.getName())
                    .isTrue();
            assertThat(connection.getBackPressureObjectThreshold()).isPositive();
            assertThat(connection.getBackPressureDataSizeThreshold()).matches("\\d+ (KB|MB|GB)");
        }
    }

    /**
     * In a cluster the generator runs on the primary node only (so that no two nodes issue the same customer id), and
     * what it emits is dealt round robin to every node; everything downstream stays on the node that holds it, so a
     * node that stored an object also announces it. Uncompressed: the nodes share a fast network and CPU is scarcer.
     */
    @Test
    void inAClusterThePrimaryOnlyGeneratorsOutputIsDealtToEveryNodeAndNothingElseMoves() {
        final Map<String, VersionedProcessor> processors = processorsById();
        assertThat(processors.values())
                .allSatisfy(processor -> assertThat(processor.getExecutionNode())
                        .as("execution node of %s", processor.getName())
                        .isEqualTo(processor.getName().equals(CustomerStreamFlow.GENERATE) ? "PRIMARY" : "ALL"));
        for (final VersionedConnection connection : group.getConnections()) {
            final String source = processors.get(connection.getSource().getId()).getName();
            assertThat(connection.getLoadBalanceStrategy())
                    .as("load balancing of %s %s", source, connection.getSelectedRelationships())
                    .isEqualTo(source.equals(CustomerStreamFlow.GENERATE) ? "ROUND_ROBIN" : "DO_NOT_LOAD_BALANCE");
            assertThat(connection.getLoadBalanceCompression()).isEqualTo("DO_NOT_COMPRESS");
            assertThat(connection.getPartitioningAttribute()).isEmpty();
        }
    }

    @Test
    void everyRelationshipIsConnectedOrAutoTerminatedAndRetriesUseNiFisSettings() {
        for (final VersionedProcessor processor : group.getProcessors()) {
            final Set<String> connected = group.getConnections().stream()
                    .filter(connection -> connection.getSource().getId().equals(processor.getIdentifier()))
                    .flatMap(connection -> connection.getSelectedRelationships().stream())
                    .collect(Collectors.toSet());
            for (final String relationship : relationshipNames(processor)) {
                assertThat(connected.contains(relationship)
                                || processor.getAutoTerminatedRelationships().contains(relationship))
                        .as("%s: '%s' is connected or auto-terminated", processor.getName(), relationship)
                        .isTrue();
            }
            assertThat(processor.getRetriedRelationships()).isSubsetOf(relationshipNames(processor));
            assertThat(processor.getBackoffMechanism()).isIn("PENALIZE_FLOWFILE", "YIELD_PROCESSOR");
            assertThat(FormatUtils.getTimeDuration(processor.getMaxBackoffPeriod(), TimeUnit.SECONDS))
                    .isPositive();
            if (!processor.getRetriedRelationships().isEmpty()) {
                assertThat(processor.getRetryCount()).isPositive();
            }
        }
        assertThat(processor(CustomerStreamFlow.PUT_BATCHES).getRetriedRelationships())
                .containsExactly("failure");
        assertThat(processor(CustomerStreamFlow.PUT_QUARANTINE).getRetriedRelationships())
                .containsExactly("failure");
    }

    @Test
    void everyFailureEndsInAnOutputPortAndTheSnowpipeRetryLoopsBack() {
        final Map<String, VersionedProcessor> processors = processorsById();
        for (final VersionedConnection connection : group.getConnections()) {
            if (connection.getSelectedRelationships().contains("failure")) {
                assertThat(connection.getDestination().getType())
                        .as(
                                "failure of %s",
                                processors.get(connection.getSource().getId()).getName())
                        .isEqualTo(ConnectableComponentType.OUTPUT_PORT);
            }
        }
        final VersionedProcessor trigger = processor(CustomerStreamFlow.TRIGGER_SNOWPIPE);
        assertThat(group.getConnections()).anySatisfy(connection -> {
            assertThat(connection.getSelectedRelationships()).containsExactly("retry");
            assertThat(connection.getSource().getId()).isEqualTo(trigger.getIdentifier());
            assertThat(connection.getDestination().getId()).isEqualTo(trigger.getIdentifier());
            assertThat(connection.getBends()).hasSize(2);
        });
    }

    @Test
    void everyParameterReferenceResolvesAndEveryParameterIsUsed() {
        final Set<String> defined = context.getParameters().stream()
                .map(VersionedParameter::getName)
                .collect(Collectors.toSet());
        final Set<String> referenced = new HashSet<>();
        allProperties().forEach(value -> {
            final Matcher matcher = PARAMETER_REFERENCE.matcher(value);
            while (matcher.find()) {
                referenced.add(matcher.group(1));
            }
        });
        assertThat(referenced).as("referenced parameters are defined").isSubsetOf(defined);
        assertThat(defined).as("defined parameters are referenced").isSubsetOf(referenced);
    }

    @Test
    void noSecretIsInTheFileAndEverySensitivePropertyReferencesASensitiveParameter() {
        final Map<String, VersionedParameter> parameters = context.getParameters().stream()
                .collect(Collectors.toMap(VersionedParameter::getName, Function.identity()));
        assertThat(parameters.values())
                .filteredOn(VersionedParameter::isSensitive)
                .isNotEmpty()
                .allSatisfy(parameter ->
                        assertThat(parameter.getValue()).as(parameter.getName()).isNull());
        final List<VersionedConfigurableExtension> extensions = new ArrayList<>(group.getProcessors());
        extensions.addAll(group.getControllerServices());
        for (final VersionedConfigurableExtension extension : extensions) {
            final ConfigurableComponent component = CustomerStreamFlow.instantiate(extension.getType());
            for (final PropertyDescriptor descriptor : component.getPropertyDescriptors()) {
                final String value = extension.getProperties().get(descriptor.getName());
                if (descriptor.isSensitive() && value != null) {
                    final Matcher reference = PARAMETER_REFERENCE.matcher(value);
                    assertThat(reference.matches())
                            .as("%s '%s' is one parameter reference", extension.getName(), descriptor.getName())
                            .isTrue();
                    assertThat(parameters.get(reference.group(1)).isSensitive())
                            .as(reference.group(1) + " is sensitive")
                            .isTrue();
                }
            }
        }
        assertThat(parameters.get("snowflake.private.key").isSensitive()).isTrue();
        assertThat(FlowJson.readTree(FlowFiles.FLOW).toString())
                .doesNotContain("BEGIN PRIVATE KEY", "BEGIN ENCRYPTED PRIVATE KEY");
    }

    @Test
    void snowflakePartStaysDisabledUntilItsParametersAreSet() {
        assertThat(processor(CustomerStreamFlow.TRIGGER_SNOWPIPE).getScheduledState())
                .isEqualTo(ScheduledState.DISABLED);
        assertThat(group.getControllerServices())
                .allSatisfy(service -> assertThat(service.getScheduledState()).isEqualTo(ScheduledState.DISABLED));
        assertThat(parameterValue("snowflake.account")).isEmpty();
        assertThat(parameterValue("snowflake.user")).isEmpty();
    }

    @Test
    void defaultsMatchDockerComposeAndTheSqlScripts() throws IOException {
        final String env = Files.readString(FlowFiles.ROOT.resolve(".env.example"));
        assertThat(env).contains("S3_BUCKET=" + parameterValue("s3.bucket").orElseThrow() + "\n");
        // the flow's own defaults suit AWS S3 in a user's own NiFi; docker compose's deployer sets its MinIO values
        assertThat(parameterValue("s3.endpoint")).isEmpty();
        assertThat(parameterValue("s3.path.style.access")).contains("false");
        assertThat(env).contains("S3_REGION=" + parameterValue("s3.region").orElseThrow() + "\n");
        assertThat(parameterValue("snowflake.stage.location"))
                .contains("s3://" + parameterValue("s3.bucket").orElseThrow() + "/"
                        + parameterValue("s3.prefix").orElseThrow());
        final String sqlEnv = Files.readString(FlowFiles.ROOT.resolve("sql/snowstream.env"));
        assertThat(sqlEnv)
                .contains("database=" + parameterValue("snowflake.database").orElseThrow() + "\n");
        assertThat(sqlEnv)
                .contains("schema=" + parameterValue("snowflake.schema").orElseThrow() + "\n");
        assertThat(Files.readString(FlowFiles.ROOT.resolve("sql/05_pipe.sql")))
                .contains("." + parameterValue("snowflake.pipe").orElseThrow() + "\n");
        final String iamPolicy = Files.readString(FlowFiles.ROOT.resolve("deploy/aws/iam-policy-nifi-s3.json"));
        assertThat(iamPolicy)
                .contains(
                        "/" + parameterValue("s3.prefix").orElseThrow() + "*",
                        "/" + parameterValue("s3.quarantine.prefix").orElseThrow() + "*");
    }

    @Test
    void theGroupIsNamedAsNiFisUiNamesAnUploadOfTheFile() {
        // the UI fills the name of an uploaded group with the file's name up to its extension
        final String fileName = FlowFiles.FLOW.getFileName().toString();
        assertThat(group.getName()).isEqualTo(fileName.substring(0, fileName.lastIndexOf('.')));
    }

    @Test
    void theCanvasCarriesTheSetUpStepsAndExplainsTheInvalidOutputPorts() {
        final String labels =
                group.getLabels().stream().map(VersionedLabel::getLabel).collect(Collectors.joining("\n"));
        assertThat(labels)
                .contains(
                        "snowflake.account",
                        "snowflake.user",
                        "snowflake.private.key",
                        "s3.endpoint",
                        "enable \"" + CustomerStreamFlow.SNOWFLAKE_CONNECTION + "\"",
                        "Enable \"" + CustomerStreamFlow.TRIGGER_SNOWPIPE + "\"",
                        "Start the group",
                        "Port has no outgoing connections");
        for (final VersionedLabel label : group.getLabels()) {
            final Box box = new Box(
                    label.getPosition().getX(), label.getPosition().getY(), label.getWidth(), label.getHeight());
            for (final Box component : componentBoxes()) {
                assertThat(box.overlaps(component))
                        .as("label at %s overlaps a component at %s", box, component)
                        .isFalse();
            }
        }
    }

    @Test
    void noBendOrConnectionLabelLiesOnAComponent() {
        for (final VersionedConnection connection : group.getConnections()) {
            for (final Position bend : connection.getBends()) {
                // a connection's label (about 240 x 80 px) is centred on its labelled bend
                final Box label = new Box(bend.getX() - 120, bend.getY() - 40, 240, 80);
                for (final Box component : componentBoxes()) {
                    assertThat(label.overlaps(component))
                            .as(
                                    "the label of %s at bend %s covers %s",
                                    connection.getSelectedRelationships(), bend, component)
                            .isFalse();
                }
            }
        }
    }

    /** Processors are drawn 352 x 128 px on NiFi 2's canvas, ports 240 x 48; position is the top-left corner. */
    private List<Box> componentBoxes() {
        final List<Box> boxes = new ArrayList<>();
        group.getProcessors()
                .forEach(processor -> boxes.add(new Box(
                        processor.getPosition().getX(), processor.getPosition().getY(), 352, 128)));
        group.getOutputPorts()
                .forEach(port -> boxes.add(
                        new Box(port.getPosition().getX(), port.getPosition().getY(), 240, 48)));
        return boxes;
    }

    private record Box(double x, double y, double width, double height) {
        boolean overlaps(final Box other) {
            return x < other.x + other.width
                    && other.x < x + width
                    && y < other.y + other.height
                    && other.y < y + height;
        }
    }

    @Test
    void layoutSuitsAGitFlowRegistryWithSortedKeys() throws IOException {
        final Path bucket = FlowFiles.FLOW.getParent();
        assertThat(bucket.getParent()).isEqualTo(FlowFiles.ROOT.resolve("flows"));
        try (Stream<Path> files = Files.list(bucket)) {
            assertThat(files.map(file -> file.getFileName().toString()).toList())
                    .containsExactly(CustomerStreamFlow.FLOW_NAME + ".json");
        }
        final String text = Files.readString(FlowFiles.FLOW);
        assertThat(FlowJson.write(FlowJson.readTree(FlowFiles.FLOW)))
                .as("re-serialized with sorted keys")
                .isEqualTo(text);
        assertThat(text).doesNotContain("\r", "\t");
    }

    private Stream<String> allProperties() {
        return Stream.concat(group.getProcessors().stream(), group.getControllerServices().stream())
                .flatMap(extension -> extension.getProperties().values().stream());
    }

    private Optional<String> parameterValue(final String name) {
        return context.getParameters().stream()
                .filter(parameter -> parameter.getName().equals(name))
                .findFirst()
                .map(VersionedParameter::getValue);
    }

    private VersionedProcessor processor(final String name) {
        return group.getProcessors().stream()
                .filter(processor -> processor.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private Map<String, VersionedProcessor> processorsById() {
        return group.getProcessors().stream()
                .collect(Collectors.toMap(VersionedProcessor::getIdentifier, Function.identity()));
    }

    private static Set<String> relationshipNames(final VersionedProcessor processor) {
        return ((Processor) CustomerStreamFlow.instantiate(processor.getType()))
                .getRelationships().stream().map(Relationship::getName).collect(Collectors.toSet());
    }

    private static Set<String> registered(final String serviceInterface) throws IOException {
        final Set<String> types = new HashSet<>();
        final var resources =
                FlowDefinitionTest.class.getClassLoader().getResources("META-INF/services/" + serviceInterface);
        while (resources.hasMoreElements()) {
            try (InputStream in = resources.nextElement().openStream()) {
                new String(in.readAllBytes(), StandardCharsets.UTF_8)
                        .lines()
                        .map(String::strip)
                        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                        .forEach(types::add);
            }
        }
        return types;
    }
}
