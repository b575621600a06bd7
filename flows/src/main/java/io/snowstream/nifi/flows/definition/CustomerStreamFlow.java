package io.snowstream.nifi.flows.definition;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.nifi.components.ConfigurableComponent;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.flow.Bundle;
import org.apache.nifi.flow.ComponentType;
import org.apache.nifi.flow.ConnectableComponent;
import org.apache.nifi.flow.ConnectableComponentType;
import org.apache.nifi.flow.ControllerServiceAPI;
import org.apache.nifi.flow.ExecutionEngine;
import org.apache.nifi.flow.PortType;
import org.apache.nifi.flow.Position;
import org.apache.nifi.flow.ScheduledState;
import org.apache.nifi.flow.VersionedComponent;
import org.apache.nifi.flow.VersionedConfigurableExtension;
import org.apache.nifi.flow.VersionedConnection;
import org.apache.nifi.flow.VersionedControllerService;
import org.apache.nifi.flow.VersionedLabel;
import org.apache.nifi.flow.VersionedParameter;
import org.apache.nifi.flow.VersionedParameterContext;
import org.apache.nifi.flow.VersionedPort;
import org.apache.nifi.flow.VersionedProcessGroup;
import org.apache.nifi.flow.VersionedProcessor;
import org.apache.nifi.flow.VersionedPropertyDescriptor;
import org.apache.nifi.registry.flow.RegisteredFlowSnapshot;
import org.apache.nifi.registry.flow.RegisteredFlowSnapshotMetadata;

/**
 * Builds the flow definition {@code flows/snowstream/customer-stream-to-snowflake.json} from NiFi's model classes:
 * one process group "Customer stream to Snowflake" wiring the bundle's four processors and its Snowflake connection
 * service, every setting a parameter of one parameter context. The committed file is exactly what {@link #snapshot}
 * writes (a test keeps them equal); component ids are name-based UUIDs, so they never change between builds.
 * The back-pressure thresholds and retry settings are explained in flows/README.md.
 */
public final class CustomerStreamFlow {

    public static final String BUCKET = "snowstream";
    public static final String FLOW_NAME = "customer-stream-to-snowflake";
    /**
     * The group's name is the flow file's: NiFi's UI names an uploaded group after its file, and the scripts and a
     * registry import do the same, so each way of deploying finds the group the others made.
     */
    public static final String GROUP_NAME = FLOW_NAME;

    public static final String PARAMETER_CONTEXT = "Customer stream to Snowflake";

    public static final String BUNDLE_GROUP = "io.snowstream";
    public static final String BUNDLE_ARTIFACT = "nifi-snowstream-nar";

    public static final String GENERATE = "Generate customer changes";
    public static final String VALIDATE = "Validate customer records";
    public static final String PUT_BATCHES = "Put customer batches to S3";
    public static final String PUT_QUARANTINE = "Quarantine rejected records";
    public static final String TRIGGER_SNOWPIPE = "Trigger Snowpipe";
    public static final String SNOWFLAKE_CONNECTION = "Snowflake connection";

    public static final String FAILED_S3_UPLOADS = "Failed S3 uploads";
    public static final String UNREADABLE_INPUT = "Unreadable input";
    public static final String FAILED_SNOWFLAKE_LOADS = "Failed Snowflake loads";

    static final String GENERATOR_TYPE = "io.snowstream.nifi.processors.GenerateFakeCustomers";
    static final String VALIDATOR_TYPE = "io.snowstream.nifi.processors.ValidateCustomerRecord";
    static final String PUT_S3_BATCH_TYPE = "io.snowstream.nifi.processors.PutS3Batch";
    static final String TRIGGER_TYPE = "io.snowstream.nifi.processors.TriggerSnowpipeRefresh";
    static final String SERVICE_TYPE = "io.snowstream.nifi.snowflake.service.StandardSnowflakeConnectionService";
    static final String SERVICE_API_TYPE = "io.snowstream.nifi.snowflake.service.SnowflakeConnectionService";

    /** NiFi's own retry of a failed FlowFile: three more attempts, each penalized longer, up to ten minutes. */
    private static final int RETRY_COUNT = 3;

    private static final String BACKOFF = "PENALIZE_FLOWFILE";
    private static final String MAX_BACKOFF = "10 mins";

    /** The object key after the prefix: partitioned by hour, unique in a cluster, sorting in the order written. */
    private static final String KEY_AFTER_PREFIX = "${now():format('yyyy/MM/dd/HH', 'GMT')}/%s-"
            + "${now():format('yyyyMMddHHmmssSSS', 'GMT')}-${hostname()}-${UUID()}${object.extension}";

    /**
     * How far right of its processor (352 px wide on NiFi's canvas) a self-loop is drawn: its label, about 240 px wide
     * and centred on the bend, then stays clear of the processor's statistics.
     */
    private static final double LOOP_OFFSET = 520;

    private final String bundleVersion;
    /** The id NiFi's Git flow registry clients give the top-level group when they store a flow: no diff on commit. */
    private final String groupId = "flow-contents-group";

    private final Map<String, VersionedProcessor> processors = new LinkedHashMap<>();
    private final Set<VersionedConnection> connections = new LinkedHashSet<>();
    private final Set<VersionedPort> outputPorts = new LinkedHashSet<>();

    private CustomerStreamFlow(final String bundleVersion) {
        this.bundleVersion = bundleVersion;
    }

    /** The flow definition for the NAR of the given version. */
    public static RegisteredFlowSnapshot snapshot(final String bundleVersion) {
        return new CustomerStreamFlow(bundleVersion).build();
    }

    /** The parameters of the flow's context, in the order the README lists them. */
    public static List<VersionedParameter> parameters() {
        return List.of(
                parameter(
                        "s3.bucket", BUCKET, "Bucket both PutS3Batch processors write to (docker compose: S3_BUCKET)."),
                parameter(
                        "s3.prefix",
                        "customers/",
                        "Key prefix of the customer objects Snowpipe loads; the stage location's path. Ends with /."),
                parameter(
                        "s3.quarantine.prefix",
                        "quarantine/",
                        "Key prefix of the rejected records; outside the stage, so Snowpipe never loads them. Ends with /."),
                parameter("s3.region", "us-east-1", "AWS region of the bucket (docker compose: S3_REGION)."),
                parameter(
                        "s3.endpoint",
                        null,
                        "S3-compatible endpoint, e.g. MinIO's URL; no value for AWS S3 (docker compose sets its MinIO, S3_ENDPOINT)."),
                parameter(
                        "s3.path.style.access",
                        "false",
                        "false for AWS S3; true for MinIO and most S3-compatible stores (docker compose sets it)."),
                parameter(
                        "s3.batch.max.age",
                        "1 min",
                        "Longest a record waits in PutS3Batch before its object is written: the latency bound."),
                parameter(
                        "s3.batch.max.records",
                        "1000000",
                        "Most records per object; with Max Batch Age, sets the object size."),
                parameter(
                        "generator.records.per.flowfile",
                        "1000",
                        "Records per generated FlowFile; the generator runs once a second."),
                parameter(
                        "generator.invalid.percentage",
                        "0.5",
                        "Share of generated records that break a validation rule, to exercise the quarantine."),
                parameter(
                        "snowflake.account",
                        null,
                        "Account identifier, <organization>-<account name> (e.g. myorg-myaccount). Required."),
                parameter(
                        "snowflake.account.url",
                        null,
                        "Only for PrivateLink or a proxy: the URL the account answers on. Leave without value otherwise."),
                parameter(
                        "snowflake.user",
                        null,
                        "The Snowflake service user NiFi logs in as, with the public key registered (e.g. SNOWSTREAM_NIFI). Required."),
                parameter(
                        "snowflake.role",
                        "SNOWSTREAM_LOADER",
                        "Role with OPERATE and MONITOR on the pipe (sql/01_roles.sql, sql/05_pipe.sql)."),
                parameter("snowflake.database", "SNOWSTREAM", "Database of the pipe (sql/snowstream.env: database)."),
                parameter("snowflake.schema", "CUSTOMERS", "Schema of the pipe (sql/snowstream.env: schema)."),
                parameter("snowflake.pipe", "customer_pipe", "The pipe sql/05_pipe.sql creates."),
                parameter(
                        "snowflake.stage.location",
                        "s3://" + BUCKET + "/customers/",
                        "URL of customer_stage (sql/snowstream.env: bucket_url): s3://<s3.bucket>/<s3.prefix>."),
                sensitiveParameter(
                        "snowflake.private.key",
                        "PKCS#8 PEM private key of the Snowflake user (unencrypted; the text between and including the BEGIN/END lines). Required."));
    }

    private RegisteredFlowSnapshot build() {
        final VersionedProcessor generate = processor(
                GENERATE,
                GENERATOR_TYPE,
                0,
                0,
                Map.of(
                        "Records per FlowFile", "#{generator.records.per.flowfile}",
                        "Invalid Percentage", "#{generator.invalid.percentage}"));
        generate.setSchedulingPeriod("1 sec");
        generate.setExecutionNode("PRIMARY");

        final VersionedProcessor validate = processor(VALIDATE, VALIDATOR_TYPE, 0, 250, Map.of());

        final VersionedProcessor putBatches = processor(
                PUT_BATCHES,
                PUT_S3_BATCH_TYPE,
                0,
                500,
                s3Properties("#{s3.prefix}" + KEY_AFTER_PREFIX.formatted("customers")));
        final VersionedProcessor putQuarantine = processor(
                PUT_QUARANTINE,
                PUT_S3_BATCH_TYPE,
                700,
                500,
                s3Properties("#{s3.quarantine.prefix}" + KEY_AFTER_PREFIX.formatted("rejected")));
        for (final VersionedProcessor put : List.of(putBatches, putQuarantine)) {
            retry(put, "failure");
        }
        putQuarantine.setAutoTerminatedRelationships(new TreeSet<>(Set.of("success")));

        final VersionedControllerService snowflake = snowflakeConnection();
        final VersionedProcessor trigger = processor(
                TRIGGER_SNOWPIPE,
                TRIGGER_TYPE,
                0,
                750,
                Map.of(
                        "Snowflake Connection Service", snowflake.getIdentifier(),
                        "Database", "#{snowflake.database}",
                        "Schema", "#{snowflake.schema}",
                        "Pipe", "#{snowflake.pipe}",
                        "Stage Location", "#{snowflake.stage.location}",
                        "Notification Method", "INSERT_FILES",
                        "Load Confirmation", "REST_LOAD_HISTORY"));
        // the penalty of a FlowFile on the retry loop is how often its load is looked up
        trigger.setPenaltyDuration("30 sec");
        // loaded: the FlowFile's work is done (provenance and the Files loaded counter keep the record)
        trigger.setAutoTerminatedRelationships(new TreeSet<>(Set.of("success")));
        // useless until the Snowflake parameters are set: enabled by the operator after setting them
        trigger.setScheduledState(ScheduledState.DISABLED);

        final VersionedPort failedUploads = outputPort(FAILED_S3_UPLOADS, 700, 800);
        final VersionedPort unreadable = outputPort(UNREADABLE_INPUT, -500, 500);
        final VersionedPort failedLoads = outputPort(FAILED_SNOWFLAKE_LOADS, 0, 1050);

        // Back-pressure: see flows/README.md, "Back-pressure". In a cluster the generator runs on the primary node
        // only: its FlowFiles are dealt round robin to every node, which validates, stores and announces them itself
        // (flows/README.md, "In a cluster").
        connect(generate, Set.of("success"), validate, 100, "100 MB").setLoadBalanceStrategy("ROUND_ROBIN");
        connect(validate, Set.of("valid"), putBatches, 20_000, "1 GB");
        connect(validate, Set.of("invalid"), putQuarantine, 20_000, "1 GB");
        connect(validate, Set.of("failure"), unreadable, 10_000, "1 GB");
        connect(putBatches, Set.of("success"), trigger, 10_000, "1 GB");
        connect(putBatches, Set.of("failure"), failedUploads, 10_000, "1 GB");
        connect(putQuarantine, Set.of("failure"), failedUploads, 10_000, "1 GB");
        connect(trigger, Set.of("retry"), trigger, 100_000, "1 GB");
        connect(trigger, Set.of("failure"), failedLoads, 10_000, "1 GB");

        final VersionedProcessGroup group = new VersionedProcessGroup();
        group.setIdentifier(groupId);
        group.setName(GROUP_NAME);
        group.setComments("Generates customer change events, validates them, lands them in S3 in batches (rejected"
                + " records under the quarantine prefix) and has Snowpipe load each object. Set the snowflake.*"
                + " parameters, enable the Snowflake connection service and Trigger Snowpipe, then start the group."
                + " See flows/README.md.");
        group.setComponentType(ComponentType.PROCESS_GROUP);
        group.setPosition(new Position(0, 0));
        group.setParameterContextName(PARAMETER_CONTEXT);
        group.setProcessors(new LinkedHashSet<>(processors.values()));
        group.setConnections(connections);
        group.setOutputPorts(outputPorts);
        group.setControllerServices(Set.of(snowflake));
        group.setInputPorts(Set.of());
        group.setFunnels(Set.of());
        group.setLabels(labels());
        group.setProcessGroups(Set.of());
        group.setRemoteProcessGroups(Set.of());
        group.setFlowFileConcurrency("UNBOUNDED");
        group.setFlowFileOutboundPolicy("STREAM_WHEN_AVAILABLE");
        group.setDefaultFlowFileExpiration("0 sec");
        group.setDefaultBackPressureObjectThreshold(10_000L);
        group.setDefaultBackPressureDataSizeThreshold("1 GB");
        group.setScheduledState(ScheduledState.ENABLED);
        group.setExecutionEngine(ExecutionEngine.INHERITED);

        final VersionedParameterContext context = new VersionedParameterContext();
        context.setIdentifier(id("parameter-context"));
        context.setName(PARAMETER_CONTEXT);
        context.setDescription("Every setting of the flow " + GROUP_NAME + ": S3, the generator and Snowflake.");
        context.setComponentType(ComponentType.PARAMETER_CONTEXT);
        context.setParameters(new LinkedHashSet<>(parameters()));
        context.setInheritedParameterContexts(List.of());

        // as a Git flow registry client stores it: no bucket, branch, version, comments or time
        final RegisteredFlowSnapshotMetadata metadata = new RegisteredFlowSnapshotMetadata();
        metadata.setAuthor("nifi-snowstream");

        final RegisteredFlowSnapshot snapshot = new RegisteredFlowSnapshot();
        snapshot.setFlowContents(group);
        snapshot.setParameterContexts(Map.of(PARAMETER_CONTEXT, context));
        snapshot.setExternalControllerServices(Map.of());
        snapshot.setParameterProviders(Map.of());
        snapshot.setFlowEncodingVersion("1.0");
        snapshot.setSnapshotMetadata(metadata);
        return snapshot;
    }

    private static Map<String, String> s3Properties(final String objectKey) {
        final Map<String, String> properties = new LinkedHashMap<>();
        properties.put("Bucket", "#{s3.bucket}");
        properties.put("Object Key", objectKey);
        properties.put("Region", "#{s3.region}");
        properties.put("Endpoint Override URL", "#{s3.endpoint}");
        properties.put("Use Path-Style Access", "#{s3.path.style.access}");
        properties.put("Max Batch Age", "#{s3.batch.max.age}");
        properties.put("Max Batch Records", "#{s3.batch.max.records}");
        return properties;
    }

    /** What an operator reads on the canvas: the set-up steps, and why the failure ports show as invalid. */
    private Set<VersionedLabel> labels() {
        return new LinkedHashSet<>(
                List.of(label("set-up", 440, -20, 470, 230, """
                        Set up
                        1. Parameters (right-click the canvas, Parameters): snowflake.account,
                           snowflake.user, snowflake.private.key; for S3 check s3.bucket,
                           s3.region, s3.endpoint (no value for AWS S3; docker compose sets
                           its MinIO) and s3.path.style.access.
                        2. Controller Services: enable "Snowflake connection".
                        3. Enable "Trigger Snowpipe" (right-click, Enable).
                        4. Start the group.
                        Until 1-3 are done, objects wait in S3 and in front of Trigger Snowpipe.
                        Details: flows/README.md of nifi-snowstream."""), label("failure ports", 1000, 760, 430, 130, """
                        Failures wait at the three output ports, never dropped.
                        NiFi shows each port as invalid:
                        "Port has no outgoing connections"
                        until the group's port is connected outside the group,
                        to alerting or back into the flow. That is expected:
                        the FlowFiles stay queued in front of the port.""")));
    }

    private VersionedLabel label(
            final String key,
            final double x,
            final double y,
            final double width,
            final double height,
            final String text) {
        final VersionedLabel label = new VersionedLabel();
        label.setIdentifier(id("label/" + key));
        label.setGroupIdentifier(groupId);
        label.setPosition(new Position(x, y));
        label.setWidth(width);
        label.setHeight(height);
        label.setLabel(text.strip());
        label.setStyle(Map.of("font-size", "12px"));
        label.setzIndex(0L);
        return label;
    }

    private VersionedControllerService snowflakeConnection() {
        final VersionedControllerService service = new VersionedControllerService();
        describe(service, SNOWFLAKE_CONNECTION, ComponentType.CONTROLLER_SERVICE);
        configure(
                service,
                SERVICE_TYPE,
                Map.of(
                        "Account Identifier", "#{snowflake.account}",
                        "Account URL", "#{snowflake.account.url}",
                        "User", "#{snowflake.user}",
                        "Role", "#{snowflake.role}",
                        "Authentication Method", "KEY_PAIR",
                        "Private Key", "#{snowflake.private.key}"));
        final ControllerServiceAPI api = new ControllerServiceAPI();
        api.setType(SERVICE_API_TYPE);
        api.setBundle(bundle());
        service.setControllerServiceApis(List.of(api));
        service.setScheduledState(ScheduledState.DISABLED);
        service.setBulletinLevel("WARN");
        return service;
    }

    private VersionedProcessor processor(
            final String name,
            final String type,
            final double x,
            final double y,
            final Map<String, String> properties) {
        final VersionedProcessor processor = new VersionedProcessor();
        describe(processor, name, ComponentType.PROCESSOR, x, y);
        configure(processor, type, properties);
        processor.setSchedulingStrategy("TIMER_DRIVEN");
        processor.setSchedulingPeriod("0 sec");
        processor.setExecutionNode("ALL");
        processor.setConcurrentlySchedulableTaskCount(1);
        processor.setPenaltyDuration("30 sec");
        processor.setYieldDuration("1 sec");
        processor.setBulletinLevel("WARN");
        processor.setRunDurationMillis(0L);
        processor.setStyle(Map.of());
        processor.setAutoTerminatedRelationships(Set.of());
        processor.setRetriedRelationships(Set.of());
        processor.setRetryCount(RETRY_COUNT);
        processor.setBackoffMechanism(BACKOFF);
        processor.setMaxBackoffPeriod(MAX_BACKOFF);
        processor.setScheduledState(ScheduledState.ENABLED);
        processors.put(name, processor);
        return processor;
    }

    private static void retry(final VersionedProcessor processor, final String relationship) {
        processor.setRetriedRelationships(new TreeSet<>(Set.of(relationship)));
    }

    private VersionedPort outputPort(final String name, final double x, final double y) {
        final VersionedPort port = new VersionedPort();
        describe(port, name, ComponentType.OUTPUT_PORT, x, y);
        port.setType(PortType.OUTPUT_PORT);
        port.setConcurrentlySchedulableTaskCount(1);
        port.setScheduledState(ScheduledState.ENABLED);
        port.setAllowRemoteAccess(false);
        outputPorts.add(port);
        return port;
    }

    /** A connection that keeps its FlowFiles on the node that queued them, unless the caller balances it. */
    private VersionedConnection connect(
            final VersionedComponent source,
            final Set<String> relationships,
            final VersionedComponent destination,
            final long objectThreshold,
            final String dataSizeThreshold) {
        final VersionedConnection connection = new VersionedConnection();
        final String name = source.getName() + " " + String.join(",", new TreeSet<>(relationships)) + " to "
                + destination.getName();
        connection.setIdentifier(id("connection/" + name));
        connection.setGroupIdentifier(groupId);
        connection.setName("");
        connection.setComponentType(ComponentType.CONNECTION);
        connection.setSource(endpoint(source));
        connection.setDestination(endpoint(destination));
        connection.setSelectedRelationships(new TreeSet<>(relationships));
        connection.setBackPressureObjectThreshold(objectThreshold);
        connection.setBackPressureDataSizeThreshold(dataSizeThreshold);
        connection.setFlowFileExpiration("0 sec");
        connection.setPrioritizers(List.of());
        connection.setLoadBalanceStrategy("DO_NOT_LOAD_BALANCE");
        connection.setLoadBalanceCompression("DO_NOT_COMPRESS");
        connection.setPartitioningAttribute("");
        connection.setLabelIndex(1);
        connection.setzIndex(0L);
        final List<Position> bends = new ArrayList<>();
        if (source == destination) {
            // a loop needs bends to be drawn beside its processor; its label (at the second bend) clear of the
            // processor's statistics
            bends.add(new Position(
                    source.getPosition().getX() + LOOP_OFFSET,
                    source.getPosition().getY() + 20));
            bends.add(new Position(
                    source.getPosition().getX() + LOOP_OFFSET,
                    source.getPosition().getY() + 90));
        }
        connection.setBends(bends);
        connections.add(connection);
        return connection;
    }

    private ConnectableComponent endpoint(final VersionedComponent component) {
        final ConnectableComponent endpoint = new ConnectableComponent();
        endpoint.setId(component.getIdentifier());
        endpoint.setGroupId(groupId);
        endpoint.setName(component.getName());
        endpoint.setType(
                component.getComponentType() == ComponentType.OUTPUT_PORT
                        ? ConnectableComponentType.OUTPUT_PORT
                        : ConnectableComponentType.PROCESSOR);
        return endpoint;
    }

    private void describe(
            final VersionedComponent component,
            final String name,
            final ComponentType type,
            final double x,
            final double y) {
        describe(component, name, type);
        component.setPosition(new Position(x, y));
    }

    /**
     * A component off the canvas, such as a controller service: no position, as NiFi keeps none for it (one in the
     * file would show as a local change, "Position Changed", right after an import from a registry).
     */
    private void describe(final VersionedComponent component, final String name, final ComponentType type) {
        component.setIdentifier(id(type + "/" + name));
        component.setGroupIdentifier(groupId);
        component.setName(name);
        component.setComponentType(type);
    }

    /**
     * Sets the type, bundle and properties, with the descriptors NiFi writes beside them, read from the component
     * class itself: a property the component does not support fails the build of the flow.
     */
    private void configure(
            final VersionedConfigurableExtension extension, final String type, final Map<String, String> properties) {
        extension.setType(type);
        extension.setBundle(bundle());
        final ConfigurableComponent component = instantiate(type);
        final Map<String, VersionedPropertyDescriptor> descriptors = new LinkedHashMap<>();
        for (final String name : properties.keySet()) {
            final PropertyDescriptor descriptor = component.getPropertyDescriptors().stream()
                    .filter(candidate -> candidate.getName().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(type + " has no property '" + name + "'"));
            final VersionedPropertyDescriptor versioned = new VersionedPropertyDescriptor();
            versioned.setName(descriptor.getName());
            versioned.setDisplayName(descriptor.getDisplayName());
            versioned.setSensitive(descriptor.isSensitive());
            versioned.setIdentifiesControllerService(descriptor.getControllerServiceDefinition() != null);
            versioned.setDynamic(false);
            descriptors.put(name, versioned);
        }
        extension.setProperties(new LinkedHashMap<>(properties));
        extension.setPropertyDescriptors(descriptors);
    }

    private Bundle bundle() {
        return new Bundle(BUNDLE_GROUP, BUNDLE_ARTIFACT, bundleVersion);
    }

    static ConfigurableComponent instantiate(final String type) {
        try {
            return (ConfigurableComponent)
                    Class.forName(type).getDeclaredConstructor().newInstance();
        } catch (final ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot instantiate " + type, e);
        }
    }

    private static VersionedParameter parameter(final String name, final String value, final String description) {
        final VersionedParameter parameter = new VersionedParameter();
        parameter.setName(name);
        parameter.setValue(value);
        parameter.setDescription(description);
        parameter.setSensitive(false);
        parameter.setProvided(false);
        return parameter;
    }

    private static VersionedParameter sensitiveParameter(final String name, final String description) {
        final VersionedParameter parameter = parameter(name, null, description);
        parameter.setSensitive(true);
        return parameter;
    }

    /** Stable component ids: the same name always gives the same UUID. */
    private static String id(final String name) {
        return UUID.nameUUIDFromBytes((FLOW_NAME + "/" + name).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
