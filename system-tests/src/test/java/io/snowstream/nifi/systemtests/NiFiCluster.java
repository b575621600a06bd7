package io.snowstream.nifi.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A NiFi cluster of three nodes on this machine, each a {@link NiFiInstance} copy of NIFI_HOME with its own
 * directories and ports on 127.0.0.1, set up as the NiFi 2.8 administration guide describes for a secured cluster:
 * <ul>
 *     <li>coordination by NiFi's embedded ZooKeeper on every node, a quorum of three servers (each node's
 *     {@code conf/zookeeper.properties} lists all three, {@code state/zookeeper/myid} names the node), so that the
 *     cluster keeps its coordinator, its primary node and its cluster state when one node is lost;</li>
 *     <li>HTTPS, the cluster protocol and load balancing over TLS with certificates from one CA the test generates
 *     ({@link TestCertificateAuthority});</li>
 *     <li>NiFi's file-based authorizer, with the test's client certificate as the Initial Admin Identity and the node
 *     certificates as Node Identities; the admin then grants itself the root group, as an operator does once.</li>
 * </ul>
 * Skipped without NIFI_HOME, like every system test. Whatever happens, no node is left running.
 */
final class NiFiCluster implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {

    static final int NODES = 3;
    static final String ADMIN = "snowstream-admin";
    /** The JVM system property naming the node, for expressions such as PutS3Batch's Object Key. */
    static final String NODE_PROPERTY = "snowstream.node";

    private static final Duration CLUSTER_TIMEOUT = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UnaryOperator<NiFiInstance> configureNode;
    private final List<NiFiInstance> nodes = new ArrayList<>();
    private Path tlsDirectory;
    private TestCertificateAuthority authority;
    private Path adminPem;
    private NiFiClient client;

    /** @param configureNode what every node needs beyond the cluster set-up (environment variables, heap) */
    NiFiCluster(final UnaryOperator<NiFiInstance> configureNode) {
        this.configureNode = configureNode;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(final ExtensionContext context) {
        final ConditionEvaluationResult installation = NiFiInstance.http().evaluateExecutionCondition(context);
        if (installation.isDisabled()) {
            return installation;
        }
        final NiFiInstallation nifi =
                NiFiInstallation.at(NiFiInstallation.configuredHome().orElseThrow());
        return nifi.canCluster()
                ? installation
                : ConditionEvaluationResult.disabled(NiFiInstallation.NIFI_HOME + "="
                        + nifi.home()
                        + " cannot run a cluster: lib/ has no nifi-framework-zookeeper-nar-<version>.nar (NiFi's"
                        + " leader election and cluster state provider, part of every binary distribution; missing from a build"
                        + " of selected modules)");
    }

    @Override
    public void beforeAll(final ExtensionContext context) throws Exception {
        final String testClass = context.getRequiredTestClass().getSimpleName();
        tlsDirectory = Files.createTempDirectory("nifi-cluster-tls-");
        final List<String> names = new ArrayList<>();
        for (int node = 1; node <= NODES; node++) {
            names.add(nodeName(node));
        }
        authority = TestCertificateAuthority.create(tlsDirectory, ADMIN, names);
        adminPem = authority.pem(ADMIN);
        final SSLContext adminContext = authority.clientContext(ADMIN);

        final Set<Integer> taken = new LinkedHashSet<>();
        final List<Map<String, Integer>> ports = new ArrayList<>();
        for (int node = 1; node <= NODES; node++) {
            final Map<String, Integer> nodePorts = new LinkedHashMap<>();
            for (final String port :
                    List.of("zookeeper.client", "zookeeper.quorum", "zookeeper.election", "protocol", "load.balance")) {
                nodePorts.put(port, freePort(taken));
            }
            ports.add(nodePorts);
        }
        final String zookeeperServers = servers(ports);
        final String connectString = ports.stream()
                .map(nodePorts -> "localhost:" + nodePorts.get("zookeeper.client"))
                .collect(Collectors.joining(","));
        final String sensitivePropertiesKey = randomHex(16);
        final String authorizers = authorizersXml();

        try {
            for (int node = 1; node <= NODES; node++) {
                final String name = nodeName(node);
                final Path keystore = authority.keystore(name);
                final Map<String, Integer> nodePorts = ports.get(node - 1);
                final Map<String, String> properties = new LinkedHashMap<>();
                properties.put("nifi.sensitive.props.key", sensitivePropertiesKey);
                properties.put("nifi.cluster.is.node", "true");
                properties.put("nifi.cluster.node.address", "localhost");
                properties.put("nifi.cluster.node.protocol.port", String.valueOf(nodePorts.get("protocol")));
                properties.put("nifi.cluster.load.balance.host", "localhost");
                properties.put("nifi.cluster.load.balance.port", String.valueOf(nodePorts.get("load.balance")));
                // the first election waits for all three nodes' flows, not for a fixed time
                properties.put("nifi.cluster.flow.election.max.candidates", String.valueOf(NODES));
                properties.put("nifi.cluster.flow.election.max.wait.time", "5 mins");
                // a loaded 2-core machine delays heartbeats: generous timeouts, no spurious disconnections
                properties.put("nifi.cluster.protocol.heartbeat.interval", "5 sec");
                properties.put("nifi.cluster.node.connection.timeout", "30 sec");
                properties.put("nifi.cluster.node.read.timeout", "60 sec");
                properties.put("nifi.state.management.embedded.zookeeper.start", "true");
                properties.put("nifi.state.management.embedded.zookeeper.properties", "./conf/zookeeper.properties");
                properties.put("nifi.zookeeper.connect.string", connectString);
                properties.put("nifi.zookeeper.connect.timeout", "30 secs");
                properties.put("nifi.zookeeper.session.timeout", "30 secs");
                final NiFiInstance instance = NiFiInstance.mutualTls(
                                name,
                                new NiFiInstance.TlsFiles(
                                        keystore, authority.truststore(), authority.password(), adminContext))
                        .withProperties(properties)
                        .withJavaArgument("snowstreamNode", "-D" + NODE_PROPERTY + "=" + name)
                        .withConfFile("conf/authorizers.xml", authorizers)
                        .withConfFile("conf/state-management.xml", stateManagementXml(connectString))
                        .withConfFile("conf/zookeeper.properties", zookeeperProperties(zookeeperServers))
                        .withConfFile("state/zookeeper/myid", node + "\n");
                nodes.add(configureNode.apply(instance));
            }
            for (final NiFiInstance node : nodes) {
                node.create(testClass);
            }
            for (final NiFiInstance node : nodes) {
                node.launch();
            }
            client = NiFiClient.ofCluster(
                    nodes.stream().map(NiFiInstance::baseUri).toList(), adminContext);
            awaitAllConnected();
            grantAdminTheFlow();
            for (final NiFiInstance node : nodes) {
                node.awaitFlowController();
            }
        } catch (final Exception | AssertionError e) {
            afterAll(context);
            throw e;
        }
    }

    @Override
    public void afterAll(final ExtensionContext context) throws Exception {
        try {
            for (final NiFiInstance node : nodes) {
                try {
                    node.destroy();
                } catch (final RuntimeException | IOException e) {
                    System.err.println("Could not stop a node of the cluster: " + e);
                }
            }
        } finally {
            if (tlsDirectory != null) {
                NiFiInstance.deleteRecursively(tlsDirectory);
            }
        }
    }

    // ---- what the tests use

    /** The cluster's REST API through whichever node answers, as the admin (client certificate). */
    NiFiClient client() {
        return client;
    }

    List<NiFiInstance> nodes() {
        return nodes;
    }

    NiFiInstance node(final String name) {
        for (int node = 1; node <= nodes.size(); node++) {
            if (nodeName(node).equals(name)) {
                return nodes.get(node - 1);
            }
        }
        throw new IllegalArgumentException("no node " + name);
    }

    static String nodeName(final int node) {
        return "node-" + node;
    }

    /** The CA's certificate as PEM, for curl. */
    Path caCertificatePem() {
        return authority.caCertificatePem();
    }

    /** The admin's certificate chain and key as PEM, for curl. */
    Path adminPem() {
        return adminPem;
    }

    /** Each node's state as the cluster coordinator reports it, by node name: CONNECTED, DISCONNECTED, ... */
    Map<String, String> nodeStates() {
        final Map<String, String> states = new LinkedHashMap<>();
        for (final JsonNode node :
                client.get("/controller/cluster").path("cluster").path("nodes")) {
            states.put(nameOf(node), node.path("status").asText());
        }
        return states;
    }

    /** The name of the node that is the primary node now. */
    String primaryNode() {
        for (final JsonNode node :
                client.get("/controller/cluster").path("cluster").path("nodes")) {
            for (final JsonNode role : node.path("roles")) {
                if (role.asText().equals("Primary Node")) {
                    return nameOf(node);
                }
            }
        }
        throw new IllegalStateException("the cluster has no primary node now");
    }

    void awaitAllConnected() {
        Await.until(
                "all " + NODES + " nodes to be CONNECTED to the cluster",
                CLUSTER_TIMEOUT,
                Duration.ofSeconds(2),
                this::nodeStates,
                states -> states.size() == NODES && states.values().stream().allMatch("CONNECTED"::equals));
    }

    /** Waits until the coordinator has noticed that {@code name} is gone (no heartbeat) and disconnected it. */
    void awaitDisconnected(final String name) {
        Await.until(
                "the cluster to see " + name + " disconnected",
                CLUSTER_TIMEOUT,
                Duration.ofSeconds(2),
                this::nodeStates,
                states -> !"CONNECTED".equals(states.get(name)));
    }

    /** A node is named by its API port, the one part of its address that differs on one machine. */
    private String nameOf(final JsonNode node) {
        final int port = node.path("apiPort").asInt();
        for (int index = 0; index < nodes.size(); index++) {
            if (nodes.get(index).baseUri().getPort() == port) {
                return nodeName(index + 1);
            }
        }
        return node.path("address").asText() + ":" + port;
    }

    // ---- set-up

    /**
     * The Initial Admin gets the global policies but not the root group's when no flow existed at first start: the
     * admin grants itself the root group (view, modify, view and modify the data, which the nodes also need to serve
     * the admin's data requests), the parameter contexts and the counters, once, as an operator does in the UI.
     */
    private void grantAdminTheFlow() {
        final String rootGroupId = Await.until(
                "the root group's id",
                CLUSTER_TIMEOUT,
                () -> client.get("/flow/process-groups/root")
                        .path("processGroupFlow")
                        .path("id")
                        .asText(),
                id -> !id.isEmpty());
        final Map<String, String> userIds = new LinkedHashMap<>();
        for (final JsonNode user : client.get("/tenants/users").path("users")) {
            userIds.put(
                    user.path("component").path("identity").asText(),
                    user.path("id").asText());
        }
        final List<String> admin = List.of(userIds.get(TestCertificateAuthority.identity(ADMIN)));
        final List<String> adminAndNodes = new ArrayList<>(admin);
        for (int node = 1; node <= NODES; node++) {
            adminAndNodes.add(userIds.get(TestCertificateAuthority.identity(nodeName(node))));
        }
        for (final String action : List.of("read", "write")) {
            createPolicy(action, "/process-groups/" + rootGroupId, admin);
            createPolicy(action, "/data/process-groups/" + rootGroupId, adminAndNodes);
            createPolicy(action, "/parameter-contexts", admin);
            createPolicy(action, "/counters", admin);
        }
    }

    private void createPolicy(final String action, final String resource, final List<String> userIds) {
        final ObjectNode body = JSON.createObjectNode();
        body.putObject("revision").put("version", 0).put("clientId", "snowstream-system-tests");
        final ObjectNode component =
                body.putObject("component").put("action", action).put("resource", resource);
        userIds.forEach(id -> component.withArray("users").addObject().put("id", id));
        component.putArray("userGroups");
        client.post("/policies", body);
    }

    private String authorizersXml() {
        final StringBuilder nodeIdentities = new StringBuilder();
        for (int node = 1; node <= NODES; node++) {
            nodeIdentities
                    .append("        <property name=\"Node Identity ")
                    .append(node)
                    .append("\">")
                    .append(TestCertificateAuthority.identity(nodeName(node)))
                    .append("</property>\n");
        }
        final StringBuilder initialUsers = new StringBuilder();
        initialUsers
                .append("        <property name=\"Initial User Identity admin\">")
                .append(TestCertificateAuthority.identity(ADMIN))
                .append("</property>\n");
        for (int node = 1; node <= NODES; node++) {
            initialUsers
                    .append("        <property name=\"Initial User Identity ")
                    .append(node)
                    .append("\">")
                    .append(TestCertificateAuthority.identity(nodeName(node)))
                    .append("</property>\n");
        }
        return """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <authorizers>
                    <userGroupProvider>
                        <identifier>file-user-group-provider</identifier>
                        <class>org.apache.nifi.authorization.FileUserGroupProvider</class>
                        <property name="Users File">./conf/users.xml</property>
                %s    </userGroupProvider>
                    <accessPolicyProvider>
                        <identifier>file-access-policy-provider</identifier>
                        <class>org.apache.nifi.authorization.FileAccessPolicyProvider</class>
                        <property name="User Group Provider">file-user-group-provider</property>
                        <property name="Authorizations File">./conf/authorizations.xml</property>
                        <property name="Initial Admin Identity">%s</property>
                %s    </accessPolicyProvider>
                    <authorizer>
                        <identifier>managed-authorizer</identifier>
                        <class>org.apache.nifi.authorization.StandardManagedAuthorizer</class>
                        <property name="Access Policy Provider">file-access-policy-provider</property>
                    </authorizer>
                </authorizers>
                """.formatted(initialUsers, TestCertificateAuthority.identity(ADMIN), nodeIdentities);
    }

    private static String stateManagementXml(final String connectString) {
        return """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <stateManagement>
                    <local-provider>
                        <id>local-provider</id>
                        <class>org.apache.nifi.controller.state.providers.local.WriteAheadLocalStateProvider</class>
                        <property name="Directory">./state/local</property>
                        <property name="Always Sync">false</property>
                        <property name="Partitions">16</property>
                        <property name="Checkpoint Interval">2 mins</property>
                    </local-provider>
                    <cluster-provider>
                        <id>zk-provider</id>
                        <class>org.apache.nifi.controller.state.providers.zookeeper.ZooKeeperStateProvider</class>
                        <property name="Connect String">%s</property>
                        <property name="Root Node">/nifi</property>
                        <property name="Session Timeout">30 seconds</property>
                        <property name="Access Control">Open</property>
                    </cluster-provider>
                </stateManagement>
                """.formatted(connectString);
    }

    /** One quorum of three embedded ZooKeeper servers; its admin server off (three would compete for port 8080). */
    private static String zookeeperProperties(final String servers) {
        return """
                initLimit=10
                syncLimit=5
                tickTime=2000
                dataDir=./state/zookeeper
                autopurge.purgeInterval=24
                autopurge.snapRetainCount=30
                admin.enableServer=false
                %s""".formatted(servers);
    }

    private static String servers(final List<Map<String, Integer>> ports) {
        final StringBuilder servers = new StringBuilder();
        for (int node = 1; node <= ports.size(); node++) {
            final Map<String, Integer> nodePorts = ports.get(node - 1);
            servers.append("server.")
                    .append(node)
                    .append("=localhost:")
                    .append(nodePorts.get("zookeeper.quorum"))
                    .append(':')
                    .append(nodePorts.get("zookeeper.election"))
                    .append(";localhost:")
                    .append(nodePorts.get("zookeeper.client"))
                    .append('\n');
        }
        return servers.toString();
    }

    private static int freePort(final Set<Integer> taken) {
        while (true) {
            final int port = NiFiInstance.freePort();
            if (taken.add(port)) {
                return port;
            }
        }
    }

    private static String randomHex(final int bytes) {
        final byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
