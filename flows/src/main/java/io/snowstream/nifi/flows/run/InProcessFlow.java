package io.snowstream.nifi.flows.run;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.nifi.annotation.behavior.TriggerWhenEmpty;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.controller.ControllerService;
import org.apache.nifi.flow.ConnectableComponentType;
import org.apache.nifi.flow.VersionedConnection;
import org.apache.nifi.flow.VersionedControllerService;
import org.apache.nifi.flow.VersionedParameter;
import org.apache.nifi.flow.VersionedPort;
import org.apache.nifi.flow.VersionedProcessGroup;
import org.apache.nifi.flow.VersionedProcessor;
import org.apache.nifi.processor.AbstractSessionFactoryProcessor;
import org.apache.nifi.processor.DataUnit;
import org.apache.nifi.processor.Processor;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.registry.flow.RegisteredFlowSnapshot;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.MockComponentLog;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.MockProcessSession;
import org.apache.nifi.util.MockSessionFactory;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;

/**
 * Runs a flow definition in this JVM, without a NiFi server: each processor of the file becomes a nifi-mock
 * {@link TestRunner} configured with the file's properties (parameter references resolved from the file's parameter
 * context, overridden by the caller's values), its controller services added and enabled, and FlowFiles are moved
 * along the file's connections from one runner's relationship to the next runner's queue.
 *
 * <p>What NiFi's scheduler would do is modelled where it changes what the processors see: a processor runs only when
 * it has queued input (or is {@code @TriggerWhenEmpty}) and none of its outgoing connections is at its back-pressure
 * threshold (a loop back to the processor itself is not checked: a flow must keep that threshold out of reach, or
 * the loop would stop the one processor that empties it); a FlowFile routed to a retried
 * relationship goes back to its processor until the retry count is used up, then follows the relationship's
 * connections; auto-terminated relationships drop their FlowFiles; FlowFiles reaching an output port stay there for
 * the caller to inspect. Not modelled: penalty and back-off delays (a penalized FlowFile is offered again on the next
 * pass), run schedules (the caller triggers source processors itself), and concurrent tasks (one pass runs each
 * processor once, in the order of the file). Disabled components run too: a caller supplies the parameters an
 * operator would set before enabling them.
 */
public final class InProcessFlow implements AutoCloseable {

    /** Counts the attempts of a FlowFile routed to a retried relationship; removed when the FlowFile moves on. */
    public static final String RETRY_ATTEMPT_ATTRIBUTE = "inprocess.retry.attempt";

    private static final Pattern PARAMETER_REFERENCE = Pattern.compile("#\\{([^}]+)}");
    private static final Field CREATED_SESSIONS = field(MockSessionFactory.class, "createdSessions");
    private static final Field BEING_PROCESSED = field(MockProcessSession.class, "beingProcessed");
    private static final Field CAPTURING_LOGGER = field(MockComponentLog.class, "logger");
    private static final List<Field> LOG_MESSAGES = Stream.of("trace", "debug", "info", "warn", "error")
            .map(level -> field(CAPTURING_LOGGER.getType(), level + "Messages"))
            .toList();

    /** Sees every FlowFile a processor routes, right after the processor's trigger returned. */
    @FunctionalInterface
    public interface TransferListener {
        void transferred(String processor, String relationship, List<MockFlowFile> flowFiles, long atMillis);
    }

    private record Connection(
            String destinationProcessor, String destinationPort, long objectThreshold, double byteThreshold) {}

    private static final class Node {
        private final String name;
        private final TestRunner runner;
        private final boolean triggerWhenEmpty;
        private final boolean source;
        private final Set<String> retried;
        private final int retryCount;
        private final Set<String> autoTerminated;
        private final Map<String, List<Connection>> outgoing = new HashMap<>();
        private boolean scheduled;
        private long longestTriggerNanos;

        private Node(
                final String name, final TestRunner runner, final boolean source, final VersionedProcessor definition) {
            this.name = name;
            this.runner = runner;
            this.source = source;
            this.triggerWhenEmpty = runner.getProcessor().getClass().isAnnotationPresent(TriggerWhenEmpty.class);
            this.retried =
                    definition.getRetriedRelationships() == null ? Set.of() : definition.getRetriedRelationships();
            this.retryCount = definition.getRetryCount() == null ? 0 : definition.getRetryCount();
            this.autoTerminated = definition.getAutoTerminatedRelationships() == null
                    ? Set.of()
                    : definition.getAutoTerminatedRelationships();
        }
    }

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, List<MockFlowFile>> ports = new LinkedHashMap<>();
    private final List<TransferListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> closers = new ArrayList<>();

    private InProcessFlow() {}

    /** A private field of nifi-mock that a long run must empty (see {@link #forgetSessionsAndLogMessages}). */
    private static Field field(final Class<?> owner, final String name) {
        try {
            final Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (final NoSuchFieldException e) {
            throw new IllegalStateException(
                    "this nifi-mock has no " + owner.getSimpleName() + "." + name + ": InProcessFlow needs updating",
                    e);
        }
    }

    /**
     * Builds the runners of the snapshot's top-level group. {@code parameterValues} override the parameter
     * context's values (a {@code null} value means "no value"); a property that is exactly one reference to a
     * parameter without value is left unset, as NiFi does.
     */
    public static InProcessFlow of(final RegisteredFlowSnapshot snapshot, final Map<String, String> parameterValues) {
        final VersionedProcessGroup group = snapshot.getFlowContents();
        final Map<String, String> parameters = new HashMap<>();
        if (group.getParameterContextName() != null) {
            for (final VersionedParameter parameter : snapshot.getParameterContexts()
                    .get(group.getParameterContextName())
                    .getParameters()) {
                parameters.put(parameter.getName(), parameter.getValue());
            }
        }
        parameterValues.forEach((name, value) -> {
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException("the flow has no parameter '" + name + "'");
            }
            parameters.put(name, value);
        });

        final InProcessFlow flow = new InProcessFlow();
        final Map<String, String> namesById = new HashMap<>();
        final Set<String> destinations = new HashSet<>();
        group.getConnections().forEach(connection -> {
            if (!connection
                    .getSource()
                    .getId()
                    .equals(connection.getDestination().getId())) {
                destinations.add(connection.getDestination().getId());
            }
        });
        for (final VersionedProcessor definition : sortedByPosition(group)) {
            final TestRunner runner = TestRunners.newTestRunner(instantiate(definition.getType(), Processor.class));
            flow.configure(runner, definition, group, parameters);
            flow.nodes.put(
                    definition.getName(),
                    new Node(
                            definition.getName(),
                            runner,
                            !destinations.contains(definition.getIdentifier()),
                            definition));
            namesById.put(definition.getIdentifier(), definition.getName());
        }
        for (final VersionedPort port : group.getOutputPorts()) {
            flow.ports.put(port.getName(), new ArrayList<>());
            namesById.put(port.getIdentifier(), port.getName());
        }
        for (final VersionedConnection connection : group.getConnections()) {
            final Node source =
                    flow.nodes.get(namesById.get(connection.getSource().getId()));
            final boolean toPort = connection.getDestination().getType() == ConnectableComponentType.OUTPUT_PORT;
            final String destination = namesById.get(connection.getDestination().getId());
            final Connection edge = new Connection(
                    toPort ? null : destination,
                    toPort ? destination : null,
                    connection.getBackPressureObjectThreshold(),
                    DataUnit.parseDataSize(connection.getBackPressureDataSizeThreshold(), DataUnit.B));
            for (final String relationship : connection.getSelectedRelationships()) {
                source.outgoing
                        .computeIfAbsent(relationship, ignored -> new ArrayList<>())
                        .add(edge);
            }
        }
        return flow;
    }

    /** Processors top to bottom, then left to right, as the canvas shows them: the order of a pass. */
    private static List<VersionedProcessor> sortedByPosition(final VersionedProcessGroup group) {
        final List<VersionedProcessor> processors = new ArrayList<>(group.getProcessors());
        processors.sort((a, b) -> a.getPosition().getY() != b.getPosition().getY()
                ? Double.compare(a.getPosition().getY(), b.getPosition().getY())
                : Double.compare(a.getPosition().getX(), b.getPosition().getX()));
        return processors;
    }

    private void configure(
            final TestRunner runner,
            final VersionedProcessor definition,
            final VersionedProcessGroup group,
            final Map<String, String> parameters) {
        final Processor processor = (Processor) runner.getProcessor();
        definition.getProperties().forEach((name, rawValue) -> {
            final PropertyDescriptor descriptor =
                    supported(processor.getPropertyDescriptors(), name, definition.getName());
            final String value = resolve(rawValue, parameters);
            if (value == null) {
                return;
            }
            final VersionedControllerService service = descriptor.getControllerServiceDefinition() == null
                    ? null
                    : group.getControllerServices().stream()
                            .filter(candidate -> candidate.getIdentifier().equals(value))
                            .findFirst()
                            .orElseThrow(() -> new IllegalArgumentException(
                                    definition.getName() + " '" + name + "' names no controller service of the group"));
            if (service != null) {
                addService(runner, service, parameters);
            }
            runner.setProperty(descriptor, value);
        });
    }

    private void addService(
            final TestRunner runner,
            final VersionedControllerService definition,
            final Map<String, String> parameters) {
        final ControllerService service = instantiate(definition.getType(), ControllerService.class);
        final Map<String, String> properties = new LinkedHashMap<>();
        definition.getProperties().forEach((name, rawValue) -> {
            supported(service.getPropertyDescriptors(), name, definition.getName());
            final String value = resolve(rawValue, parameters);
            if (value != null) {
                properties.put(name, value);
            }
        });
        try {
            runner.addControllerService(definition.getIdentifier(), service, properties);
        } catch (final InitializationException e) {
            throw new IllegalStateException("cannot initialize " + definition.getName(), e);
        }
        runner.enableControllerService(service);
        closers.add(() -> runner.disableControllerService(service));
    }

    private static PropertyDescriptor supported(
            final List<PropertyDescriptor> descriptors, final String name, final String component) {
        return descriptors.stream()
                .filter(descriptor -> descriptor.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(component + " has no property '" + name + "'"));
    }

    /** The value with its parameter references replaced; null when it is one reference to a parameter without value. */
    static String resolve(final String value, final Map<String, String> parameters) {
        if (value == null) {
            return null;
        }
        final Matcher single = PARAMETER_REFERENCE.matcher(value);
        if (single.matches()) {
            return parameter(single.group(1), parameters);
        }
        final Matcher references = PARAMETER_REFERENCE.matcher(value);
        final StringBuilder resolved = new StringBuilder();
        while (references.find()) {
            final String parameterValue = parameter(references.group(1), parameters);
            references.appendReplacement(
                    resolved, Matcher.quoteReplacement(parameterValue == null ? "" : parameterValue));
        }
        references.appendTail(resolved);
        return resolved.toString();
    }

    private static String parameter(final String name, final Map<String, String> parameters) {
        if (!parameters.containsKey(name)) {
            throw new IllegalArgumentException("the flow references the undefined parameter '" + name + "'");
        }
        return parameters.get(name);
    }

    private static <T> T instantiate(final String type, final Class<T> kind) {
        try {
            return kind.cast(Class.forName(type).getDeclaredConstructor().newInstance());
        } catch (final ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot instantiate " + type, e);
        }
    }

    public void addListener(final TransferListener listener) {
        listeners.add(listener);
    }

    /** Triggers one processor once, whatever its queue holds, and moves what it routed. */
    public void trigger(final String processor) {
        final Node node = nodes.get(processor);
        if (node == null) {
            throw new IllegalArgumentException("the flow has no processor '" + processor + "'");
        }
        run(node);
    }

    /**
     * One pass: every processor that is not a source and may run (input queued or triggered when empty, no
     * back-pressure) is triggered once. Returns whether any of them had input.
     */
    public boolean runPass() {
        boolean hadInput = false;
        for (final Node node : nodes.values()) {
            if (node.source || isBackPressured(node)) {
                continue;
            }
            final boolean queued = !node.runner.isQueueEmpty();
            if (queued || node.triggerWhenEmpty) {
                run(node);
                hadInput |= queued;
            }
        }
        return hadInput;
    }

    /** Runs passes until {@code done} holds, pausing briefly after passes in which no processor had input. */
    public void runUntil(final BooleanSupplier done, final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the flow did not reach the expected state within " + timeout + "; queued: " + queueSizes());
            }
            if (!runPass()) {
                pause();
            }
        }
    }

    /** True when no processor has FlowFiles queued or held in an open session (output ports may). */
    public boolean isIdle() {
        return nodes.values().stream().allMatch(node -> node.runner.isQueueEmpty() && heldFlowFiles(node.runner) == 0);
    }

    /** FlowFiles queued at each processor, with those it holds in open sessions, as NiFi counts a connection's queue. */
    public Map<String, Integer> queueSizes() {
        final Map<String, Integer> sizes = new LinkedHashMap<>();
        nodes.forEach((name, node) ->
                sizes.put(name, node.runner.getQueueSize().getObjectCount() + heldFlowFiles(node.runner)));
        return sizes;
    }

    /** FlowFiles taken from the queue by sessions still open across triggers (a batch being formed, say). */
    private static int heldFlowFiles(final TestRunner runner) {
        return openSessions(runner).stream().mapToInt(InProcessFlow::heldBy).sum();
    }

    private static Collection<MockProcessSession> openSessions(final TestRunner runner) {
        try {
            @SuppressWarnings("unchecked")
            final Collection<MockProcessSession> sessions =
                    (Collection<MockProcessSession>) CREATED_SESSIONS.get(runner.getProcessSessionFactory());
            return sessions;
        } catch (final IllegalAccessException e) {
            throw new IllegalStateException("cannot reach nifi-mock's sessions", e);
        }
    }

    private static int heldBy(final MockProcessSession session) {
        try {
            return ((Collection<?>) BEING_PROCESSED.get(session)).size();
        } catch (final IllegalAccessException e) {
            throw new IllegalStateException("cannot reach nifi-mock's session state", e);
        }
    }

    /** The FlowFiles that reached an output port, in arrival order. */
    public List<MockFlowFile> atPort(final String port) {
        final List<MockFlowFile> arrived = ports.get(port);
        if (arrived == null) {
            throw new IllegalArgumentException("the flow has no output port '" + port + "'");
        }
        return List.copyOf(arrived);
    }

    /**
     * The longest time one trigger of the processor held its thread, the first (which also runs the
     * {@code @OnScheduled} methods) excepted: what NiFi would show as a task blocked that long.
     */
    public Duration longestTrigger(final String processor) {
        return Duration.ofNanos(nodes.get(processor).longestTriggerNanos);
    }

    public TestRunner runner(final String processor) {
        return nodes.get(processor).runner;
    }

    private void run(final Node node) {
        final boolean first = !node.scheduled;
        final long started = System.nanoTime();
        node.runner.run(1, false, first);
        stayScheduled(node.runner);
        if (!first) {
            node.longestTriggerNanos = Math.max(node.longestTriggerNanos, System.nanoTime() - started);
        }
        node.scheduled = true;
        final long now = System.currentTimeMillis();
        for (final Relationship relationship : node.runner.getProcessor().getRelationships()) {
            final List<MockFlowFile> routed = node.runner.getFlowFilesForRelationship(relationship);
            if (routed.isEmpty()) {
                continue;
            }
            listeners.forEach(listener -> listener.transferred(node.name, relationship.getName(), routed, now));
            route(node, relationship.getName(), routed);
        }
        node.runner.clearTransferState();
        // provenance is not inspected here, and a long run would otherwise keep every event in memory
        node.runner.clearProvenanceEvents();
        forgetSessionsAndLogMessages(node.runner);
    }

    /**
     * nifi-mock ends every run with the processor's {@code @OnUnscheduled} methods, as if it had been stopped; NiFi
     * keeps a running processor scheduled between triggers, and a processor that ends its retries once it is no
     * longer scheduled must see that.
     */
    private static void stayScheduled(final TestRunner runner) {
        if (runner.getProcessor() instanceof AbstractSessionFactoryProcessor processor) {
            processor.updateScheduledTrue();
        }
    }

    /**
     * nifi-mock keeps every session it created (a committed one with its emptied maps at their largest size and the
     * FlowFiles it penalized) and every log message with its arguments (FlowFiles, content included), for its
     * assertions: a long run would grow by every trigger. The flow has read what the session routed, and the log
     * has been written; it forgets both, as NiFi forgets a committed session and a written log line.
     */
    private static void forgetSessionsAndLogMessages(final TestRunner runner) {
        try {
            // a session that still holds FlowFiles stays: it is committed in a later trigger
            openSessions(runner).removeIf(session -> heldBy(session) == 0);
            final Object logger = CAPTURING_LOGGER.get(runner.getLogger());
            for (final Field messages : LOG_MESSAGES) {
                ((Collection<?>) messages.get(logger)).clear();
            }
        } catch (final IllegalAccessException e) {
            throw new IllegalStateException("cannot reach nifi-mock's sessions or log messages", e);
        }
    }

    private void route(final Node node, final String relationship, final List<MockFlowFile> routed) {
        final List<MockFlowFile> movingOn = new ArrayList<>();
        for (final MockFlowFile flowFile : routed) {
            final String previous = flowFile.getAttribute(RETRY_ATTEMPT_ATTRIBUTE);
            final int attempt = previous == null ? 1 : Integer.parseInt(previous) + 1;
            if (node.retried.contains(relationship) && attempt <= node.retryCount) {
                final Map<String, String> attributes = new HashMap<>(flowFile.getAttributes());
                attributes.put(RETRY_ATTEMPT_ATTRIBUTE, String.valueOf(attempt));
                node.runner.enqueue(flowFile.toByteArray(), attributes);
            } else {
                movingOn.add(flowFile);
            }
        }
        if (movingOn.isEmpty()) {
            return;
        }
        final List<Connection> connections = node.outgoing.getOrDefault(relationship, List.of());
        if (connections.isEmpty()) {
            if (!node.autoTerminated.contains(relationship)) {
                throw new IllegalStateException(node.name + " routed to '" + relationship
                        + "', which is neither connected nor auto-terminated");
            }
            return;
        }
        for (final Connection connection : connections) {
            for (final MockFlowFile flowFile : movingOn) {
                if (connection.destinationPort() != null) {
                    // parked as routed: an exhausted retry keeps its attempt count, for the operator to see
                    ports.get(connection.destinationPort()).add(flowFile);
                } else {
                    final Map<String, String> attributes = new HashMap<>(flowFile.getAttributes());
                    attributes.remove(RETRY_ATTEMPT_ATTRIBUTE);
                    nodes.get(connection.destinationProcessor()).runner.enqueue(flowFile.toByteArray(), attributes);
                }
            }
        }
    }

    /** Whether NiFi would hold the processor back: one of its outgoing connections is at its threshold. */
    public boolean isBackPressured(final String processor) {
        return isBackPressured(nodes.get(processor));
    }

    private boolean isBackPressured(final Node node) {
        for (final List<Connection> connections : node.outgoing.values()) {
            for (final Connection connection : connections) {
                if (node.name.equals(connection.destinationProcessor())) {
                    continue;
                }
                final long objects;
                final long bytes;
                if (connection.destinationPort() != null) {
                    final List<MockFlowFile> parked = ports.get(connection.destinationPort());
                    objects = parked.size();
                    bytes = parked.stream().mapToLong(MockFlowFile::getSize).sum();
                } else {
                    final var queue =
                            nodes.get(connection.destinationProcessor()).runner.getQueueSize();
                    objects = queue.getObjectCount();
                    bytes = queue.getByteCount();
                }
                if (objects >= connection.objectThreshold() || bytes >= connection.byteThreshold()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void pause() {
        try {
            Thread.sleep(2);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the flow", e);
        }
    }

    /** Stops every processor (its {@code @OnStopped} methods run) and disables the controller services. */
    @Override
    public void close() {
        for (final Node node : nodes.values()) {
            if (node.scheduled) {
                node.runner.stop();
            }
        }
        closers.forEach(Runnable::run);
    }
}
