package io.snowstream.nifi.flows.compose;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.snowstream.nifi.flows.compose.Repository.list;
import static io.snowstream.nifi.flows.compose.Repository.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml follows the official NiFi images' documented conventions (environment variables, ports, volumes)
 * and the versions of the pom; `.ci/check-deploy` has Compose itself validate the file.
 */
class ComposeFileTest {

    private static final String NIFI_HOME = "/opt/nifi/nifi-current";
    private static final String NIFI_VERSION = Repository.pomValue("pom.xml", "properties/nifi.version");
    private static final Map<String, Object> COMPOSE = Repository.yaml("docker-compose.yml");
    private static final Map<String, Object> SERVICES = map(COMPOSE.get("services"));
    private static final List<String> NIFI_SERVICES = List.of("nifi", "nifi-node-1", "nifi-node-2", "nifi-node-3");
    private static final List<String> CLUSTER_NODES = List.of("nifi-node-1", "nifi-node-2", "nifi-node-3");

    /**
     * What the apache/nifi 2 image's start.sh reads, and secure.sh, which start.sh runs when AUTH is tls
     * (nifi-docker/dockerhub/sh/start.sh and secure.sh of rel/nifi-2.8.0). NiFi 2's start.sh serves HTTPS only: it
     * never reads NIFI_WEB_HTTP_PORT or NIFI_WEB_HTTP_HOST.
     */
    private static final Set<String> NIFI_IMAGE_VARIABLES = Set.of(
            "SINGLE_USER_CREDENTIALS_USERNAME", "SINGLE_USER_CREDENTIALS_PASSWORD",
            "NIFI_WEB_HTTPS_PORT", "NIFI_WEB_HTTPS_HOST", "NIFI_WEB_PROXY_HOST",
            "NIFI_JVM_HEAP_INIT", "NIFI_JVM_HEAP_MAX", "NIFI_SENSITIVE_PROPS_KEY",
            "NIFI_CLUSTER_IS_NODE", "NIFI_CLUSTER_ADDRESS", "NIFI_CLUSTER_NODE_PROTOCOL_PORT", "NIFI_CLUSTER_LOAD_BALANCE_HOST",
            "NIFI_ZK_CONNECT_STRING", "NIFI_ZK_ROOT_NODE", "NIFI_ELECTION_MAX_WAIT", "NIFI_ELECTION_MAX_CANDIDATES",
            "AUTH", "KEYSTORE_PATH", "KEYSTORE_TYPE", "KEYSTORE_PASSWORD", "TRUSTSTORE_PATH", "TRUSTSTORE_TYPE",
            "TRUSTSTORE_PASSWORD", "INITIAL_ADMIN_IDENTITY", "NODE_IDENTITY");
    /** Read by this image's own entry point before it hands over to start.sh (the cluster profile's TLS set-up). */
    private static final Set<String> ENTRY_POINT_VARIABLES = Set.of("SNOWSTREAM_CLUSTER_TLS_DIR",
            "SNOWSTREAM_CLUSTER_NODE_IDENTITIES");
    private static final String CLUSTER_TLS = "/opt/nifi/cluster-tls";
    private static final String CLUSTER_ADMIN = "snowstream-admin";
    /** Read by the bundle's processors: the AWS SDK's default credential chain and this project's own settings. */
    private static final Pattern BUNDLE_VARIABLE = Pattern.compile("AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|REGION)|SNOWSTREAM_[A-Z0-9_]+");

    @Test
    void pinsTheImagesToThePomsNiFiVersion() {
        for (final String service : NIFI_SERVICES) {
            assertThat(map(map(service(service).get("build")).get("args")).get("NIFI_VERSION"))
                    .as(service + " build argument NIFI_VERSION").isEqualTo(NIFI_VERSION);
        }
        assertThat(service("nifi-registry").get("image")).isEqualTo("apache/nifi-registry:" + NIFI_VERSION);
        SERVICES.forEach((name, definition) -> assertThat(String.valueOf(map(definition).getOrDefault("image", "")))
                .as(name + " image tag").doesNotEndWith(":latest").contains(":"));
    }

    @Test
    void configuresNiFiOnlyThroughTheVariablesTheImageDocuments() {
        for (final String service : NIFI_SERVICES) {
            for (final String variable : environment(service).keySet()) {
                assertThat(NIFI_IMAGE_VARIABLES.contains(variable) || ENTRY_POINT_VARIABLES.contains(variable)
                        || BUNDLE_VARIABLE.matcher(variable).matches())
                        .as(service + " sets " + variable + ", which neither the NiFi image nor this bundle reads").isTrue();
            }
        }
        final String entryPoint = Repository.read("deploy/nifi/start-with-snowstream-nar.sh");
        assertThat(ENTRY_POINT_VARIABLES).allSatisfy(variable -> assertThat(entryPoint).contains("${" + variable));
    }

    @Test
    void servesTheStandaloneNiFiOverHttpsWithTheSingleUserFromEnv() {
        final Map<String, Object> nifi = environment("nifi");
        assertThat(nifi).containsEntry("NIFI_WEB_HTTPS_PORT", "8443").doesNotContainKey("NIFI_WEB_HTTP_PORT");
        assertThat(nifi.get("SINGLE_USER_CREDENTIALS_USERNAME")).isEqualTo("${NIFI_USERNAME:?set NIFI_USERNAME in .env}");
        assertThat((String) nifi.get("SINGLE_USER_CREDENTIALS_PASSWORD")).startsWith("${NIFI_PASSWORD:?");
        assertThat((String) nifi.get("NIFI_JVM_HEAP_INIT")).isEqualTo(nifi.get("NIFI_JVM_HEAP_MAX"));
        assertThat(containerPorts("nifi")).containsExactly("8443");
        assertThat(healthcheck("nifi")).contains("https://$${HOSTNAME}:8443/nifi-api/");
    }

    @Test
    void clustersThreeNodesOverHttpsWithCertificatesFromOneCaUnderTheClusterProfile() {
        for (int index = 0; index < CLUSTER_NODES.size(); index++) {
            final String node = CLUSTER_NODES.get(index);
            final Map<String, Object> environment = environment(node);
            assertThat(service(node).get("profiles")).as(node).isEqualTo(List.of("cluster"));
            assertThat(service(node).get("hostname")).isEqualTo(node);
            assertThat(environment).as(node).containsEntry("NIFI_CLUSTER_IS_NODE", "true")
                    .containsEntry("NIFI_ZK_CONNECT_STRING", "zookeeper:2181")
                    .containsEntry("NIFI_ELECTION_MAX_CANDIDATES", String.valueOf(CLUSTER_NODES.size()))
                    // secure.sh: HTTPS with the node's own keystore and the one truststore, file-based authorizer
                    .containsEntry("AUTH", "tls")
                    .containsEntry("NIFI_WEB_HTTPS_PORT", "8443")
                    .containsEntry("KEYSTORE_PATH", CLUSTER_TLS + "/" + node + ".p12")
                    .containsEntry("KEYSTORE_TYPE", "PKCS12")
                    .containsEntry("TRUSTSTORE_PATH", CLUSTER_TLS + "/truststore.p12")
                    .containsEntry("TRUSTSTORE_TYPE", "PKCS12")
                    .containsEntry("INITIAL_ADMIN_IDENTITY", "CN=" + CLUSTER_ADMIN)
                    .containsEntry("SNOWSTREAM_CLUSTER_TLS_DIR", CLUSTER_TLS)
                    // generated with the stores, read from the volume by the entry point: never in the compose file
                    .doesNotContainKeys("KEYSTORE_PASSWORD", "TRUSTSTORE_PASSWORD", "NIFI_WEB_HTTP_PORT");
            assertThat(((String) environment.get("SNOWSTREAM_CLUSTER_NODE_IDENTITIES")).split(","))
                    .containsExactlyElementsOf(CLUSTER_NODES.stream().map(name -> "CN=" + name).toList());
            // NiFi checks the Host header, port included: the browser's address is the proxy host
            final String published = String.valueOf(8081 + index);
            assertThat(list(service(node).get("ports"))).containsExactly("${BIND_ADDRESS:-127.0.0.1}:" + published + ":8443");
            assertThat(environment).containsEntry("NIFI_WEB_PROXY_HOST", "localhost:" + published);
            assertThat(healthcheck(node)).contains("https://$${HOSTNAME}:8443/nifi-api/")
                    .contains("--cacert " + CLUSTER_TLS + "/ca.pem").doesNotContain("--insecure");
            assertThat(mounts(node)).containsEntry(CLUSTER_TLS, "cluster-tls");
            assertThat(map(map(service(node).get("depends_on")).get("cluster-certificates")))
                    .containsEntry("condition", "service_completed_successfully");
        }
        assertThat(service("zookeeper").get("profiles")).isEqualTo(List.of("cluster"));

        // the certificates: made once, for exactly these nodes and the admin the nodes trust
        final Map<String, Object> certificates = service("cluster-certificates");
        assertThat(certificates.get("profiles")).isEqualTo(List.of("cluster"));
        assertThat(certificates.get("restart")).isEqualTo("no");
        final List<String> command = list(certificates.get("entrypoint")).stream().map(String::valueOf).toList();
        assertThat(command.subList(0, 4)).containsExactly("bash", "/repo/deploy/cluster/make-certificates.sh", "/tls",
                CLUSTER_ADMIN);
        assertThat(command.subList(4, command.size())).containsExactlyElementsOf(CLUSTER_NODES);
        assertThat(Repository.exists("deploy/cluster/make-certificates.sh")).isTrue();
        assertThat(mounts("cluster-certificates")).containsEntry("/tls", "cluster-tls");
    }

    @Test
    void scrapesTheClusterOverHttpsWithTheOperatorsCertificate() {
        final Map<String, Object> job = list(Repository.yaml("deploy/monitoring/prometheus.yml").get("scrape_configs")).stream()
                .map(Repository::map).filter(scrape -> "nifi-cluster".equals(scrape.get("job_name"))).findFirst().orElseThrow();
        assertThat(job.get("scheme")).isEqualTo("https");
        final Map<String, Object> tls = map(job.get("tls_config"));
        assertThat(tls).doesNotContainKey("insecure_skip_verify")
                .containsEntry("ca_file", "/cluster-tls/ca.pem")
                .containsEntry("cert_file", "/cluster-tls/" + CLUSTER_ADMIN + "-key-and-chain.pem")
                .containsEntry("key_file", "/cluster-tls/" + CLUSTER_ADMIN + "-key-and-chain.pem");
        assertThat(mounts("prometheus")).containsEntry("/cluster-tls", "cluster-tls");
        final List<Object> targets = list(map(list(job.get("static_configs")).getFirst()).get("targets"));
        assertThat(targets).containsExactlyElementsOf(CLUSTER_NODES.stream().map(node -> node + ":8443").toList());
    }

    @Test
    void checksHealthOnTheHostNameTheNiFiImagesListenOn() {
        // start.sh of both images binds the web server to $HOSTNAME, not to every interface: localhost is refused
        for (final String service : List.of("nifi", "nifi-registry", "nifi-node-1", "nifi-node-2", "nifi-node-3")) {
            assertThat(healthcheck(service)).as(service).contains("://$${HOSTNAME}:").doesNotContain("localhost");
        }
    }

    @Test
    void keepsQueuedDataAndTheCanvasOnNamedVolumes() {
        final Set<String> namedVolumes = map(COMPOSE.get("volumes")).keySet();
        for (final String service : NIFI_SERVICES) {
            final Map<String, String> mounts = mounts(service);
            for (final String directory : List.of("conf", "flowfile_repository", "content_repository", "provenance_repository", "state")) {
                assertThat(mounts).as(service + " " + directory).containsKey(NIFI_HOME + "/" + directory);
                assertThat(namedVolumes).as(service + " " + directory).contains(mounts.get(NIFI_HOME + "/" + directory));
            }
            assertThat(mounts).as("the image places its NAR in nar_extensions on start; a volume there would shadow it")
                    .doesNotContainKey(NIFI_HOME + "/nar_extensions");
        }
    }

    @Test
    void bindsEveryPublishedPortToLocalhostUnlessEnvSaysOtherwise() {
        SERVICES.forEach((name, definition) -> {
            final String addressVariable = name.equals("nifi") ? "NIFI_BIND_ADDRESS" : "BIND_ADDRESS";
            for (final Object port : list(map(definition).get("ports"))) {
                assertThat(String.valueOf(port)).as(name).startsWith("${" + addressVariable + ":-127.0.0.1}:");
            }
        });
        assertThat(Repository.envFile(".env.example")).containsEntry("BIND_ADDRESS", "127.0.0.1")
                .containsEntry("NIFI_BIND_ADDRESS", "127.0.0.1");
    }

    @Test
    void deploysTheFlowOnceNiFiAndTheRegistryAreHealthy() {
        final Map<String, Object> deployer = service("flow-deployer");
        assertThat(deployer.get("restart")).isEqualTo("no");
        assertThat(map(deployer.get("depends_on"))).containsOnlyKeys("nifi", "nifi-registry")
                .allSatisfy((name, condition) -> assertThat(map(condition)).containsEntry("condition", "service_healthy"));
        final String command = (String) list(deployer.get("command")).getFirst();
        assertThat(command).isEqualTo("/repo/deploy/init/deploy-flow.sh");
        assertThat(Repository.exists(command.replace("/repo/", ""))).isTrue();
        assertThat(environment("flow-deployer")).containsEntry("NIFI_URL", "https://${NIFI_HOSTNAME:-nifi}:8443")
                .containsEntry("NIFI_REGISTRY_URL", "http://nifi-registry:18080");
        assertThat(list(service("nifi-registry").get("ports"))).containsExactly("${BIND_ADDRESS:-127.0.0.1}:${NIFI_REGISTRY_PORT:-18080}:18080");
    }

    @Test
    void documentsEverySettingInTheEnvExampleWithPasswordsNiFiAccepts() {
        final Map<String, String> example = Repository.envFile(".env.example");
        final Matcher reference = Pattern.compile("(?<!\\$)\\$\\{([A-Z0-9_]+)").matcher(Repository.read("docker-compose.yml"));
        final Set<String> referenced = new LinkedHashSet<>();
        while (reference.find()) {
            referenced.add(reference.group(1));
        }
        assertThat(example.keySet()).containsAll(referenced);
        // NiFi ignores shorter single-user passwords and sensitive-property keys; MinIO refuses shorter secrets
        assertThat(example.get("NIFI_PASSWORD")).hasSizeGreaterThanOrEqualTo(12);
        assertThat(example.get("NIFI_SENSITIVE_PROPS_KEY")).hasSizeGreaterThanOrEqualTo(12);
        assertThat(example.get("MINIO_ROOT_PASSWORD")).hasSizeGreaterThanOrEqualTo(8);
        assertThat(example.get("S3_SECRET_ACCESS_KEY")).hasSizeGreaterThanOrEqualTo(8);
        assertThat(Repository.read(".env.example")).contains("12 characters or more");
        assertThat(Repository.read(".gitignore").lines().toList()).contains(".env");
    }

    @Test
    void pointsTheFlowsS3SettingsAtTheLocalMinioByDefault() {
        final Map<String, String> example = Repository.envFile(".env.example");
        assertThat(example.get("S3_ENDPOINT")).isEqualTo("http://minio:9000");
        assertThat(environment("nifi")).containsEntry("SNOWSTREAM_S3_ENDPOINT", "${S3_ENDPOINT-http://minio:9000}")
                .containsEntry("SNOWSTREAM_S3_BUCKET", "${S3_BUCKET:-snowstream}");
        assertThat(String.join(" ", list(service("minio-setup").get("command")).stream().map(String::valueOf).toList()))
                .contains("mc mb --ignore-existing \"local/$$S3_BUCKET\"");
        assertThat(map(service("nifi").get("depends_on"))).containsKey("minio-setup");
    }

    @Test
    void scrapesNiFisPrometheusEndpointUnderTheMonitoringProfile() {
        final Map<String, Object> prometheus = Repository.yaml("deploy/monitoring/prometheus.yml");
        final List<Object> jobs = list(prometheus.get("scrape_configs"));
        assertThat(jobs).isNotEmpty().allSatisfy(job ->
                assertThat(map(job).get("metrics_path")).isEqualTo("/nifi-api/flow/metrics/prometheus"));
        assertThat(map(map(jobs.getFirst()).get("authorization")).get("credentials_file"))
                .isEqualTo(list(service("nifi-metrics-token").get("command")).get(1));
        for (final String service : List.of("prometheus", "grafana", "nifi-metrics-token")) {
            assertThat(service(service).get("profiles")).as(service).isEqualTo(List.of("monitoring"));
        }
    }

    private static Map<String, Object> service(final String name) {
        assertThat(SERVICES).containsKey(name);
        return map(SERVICES.get(name));
    }

    private static Map<String, Object> environment(final String service) {
        return map(service(service).get("environment"));
    }

    private static List<String> containerPorts(final String service) {
        return list(service(service).get("ports")).stream()
                .map(String::valueOf)
                .map(port -> port.substring(port.lastIndexOf(':') + 1))
                .toList();
    }

    private static String healthcheck(final String service) {
        return String.join(" ", list(map(service(service).get("healthcheck")).get("test")).stream().map(String::valueOf).toList());
    }

    /** Container path to volume name, for the "volume:path" entries. */
    private static Map<String, String> mounts(final String service) {
        final Map<String, String> mounts = new HashMap<>();
        for (final Object volume : list(service(service).get("volumes"))) {
            final String[] parts = String.valueOf(volume).split(":");
            mounts.put(parts[1], parts[0]);
        }
        return mounts;
    }
}
