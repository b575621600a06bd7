package io.snowstream.nifi.flows.compose;

import static io.snowstream.nifi.flows.compose.Repository.list;
import static io.snowstream.nifi.flows.compose.Repository.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

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
            "SINGLE_USER_CREDENTIALS_USERNAME",
            "SINGLE_USER_CREDENTIALS_PASSWORD",
            "NIFI_WEB_HTTPS_PORT",
            "NIFI_WEB_HTTPS_HOST",
            "NIFI_WEB_PROXY_HOST",
            "NIFI_JVM_HEAP_INIT",
            "NIFI_JVM_HEAP_MAX",
            "NIFI_SENSITIVE_PROPS_KEY",
            "NIFI_CLUSTER_IS_NODE",
            "NIFI_CLUSTER_ADDRESS",
            "NIFI_CLUSTER_NODE_PROTOCOL_PORT",
            "NIFI_CLUSTER_LOAD_BALANCE_HOST",
            "NIFI_ZK_CONNECT_STRING",
            "NIFI_ZK_ROOT_NODE",
            "NIFI_ELECTION_MAX_WAIT",
            "NIFI_ELECTION_MAX_CANDIDATES",
            "AUTH",
            "KEYSTORE_PATH",
            "KEYSTORE_TYPE",
            "KEYSTORE_PASSWORD",
            "TRUSTSTORE_PATH",
            "TRUSTSTORE_TYPE",
            "TRUSTSTORE_PASSWORD",
            "INITIAL_ADMIN_IDENTITY",
            "NODE_IDENTITY");
    /** Read by this image's own entry point before it hands over to start.sh (the cluster profile's TLS set-up). */
    private static final Set<String> ENTRY_POINT_VARIABLES =
            Set.of("SNOWSTREAM_CLUSTER_TLS_DIR", "SNOWSTREAM_CLUSTER_NODE_IDENTITIES");

    private static final String CLUSTER_TLS = "/opt/nifi/cluster-tls";
    private static final String CLUSTER_ADMIN = "snowstream-admin";
    /**
     * Read by the bundle's processors (the AWS SDK's default credential chain) and by this image's own entry point,
     * deploy/nifi/start-with-snowstream-nar.sh.
     */
    private static final Pattern BUNDLE_VARIABLE =
            Pattern.compile("AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|REGION)|SNOWSTREAM_[A-Z0-9_]+");

    private static final String ENTRY_POINT = Repository.read("deploy/nifi/start-with-snowstream-nar.sh");
    private static final String SETUP = Repository.read("deploy/init/setup.sh");
    private static final String DEPLOY_FLOW = Repository.read("deploy/init/deploy-flow.sh");
    /** The services of the `cluster` profile, rebuilt elsewhere: the first-run checks below leave them out. */
    private static final Set<String> CLUSTER_PROFILE = Set.of("zookeeper", "nifi-node-1", "nifi-node-2", "nifi-node-3");

    @Test
    void pinsTheImagesToThePomsNiFiVersion() {
        for (final String service : NIFI_SERVICES) {
            assertThat(map(map(service(service).get("build")).get("args")).get("NIFI_VERSION"))
                    .as(service + " build argument NIFI_VERSION")
                    .isEqualTo(NIFI_VERSION);
        }
        assertThat(service("nifi-registry").get("image")).isEqualTo("apache/nifi-registry:" + NIFI_VERSION);
        SERVICES.forEach(
                (name, definition) -> assertThat(String.valueOf(map(definition).getOrDefault("image", "")))
                        .as(name + " image tag")
                        .doesNotEndWith(":latest")
                        .contains(":"));
    }

    @Test
    void configuresNiFiOnlyThroughTheVariablesTheImageDocuments() {
        for (final String service : NIFI_SERVICES) {
            for (final String variable : environment(service).keySet()) {
                assertThat(NIFI_IMAGE_VARIABLES.contains(variable)
                                || ENTRY_POINT_VARIABLES.contains(variable)
                                || BUNDLE_VARIABLE.matcher(variable).matches())
                        .as(service + " sets " + variable + ", which neither the NiFi image nor this bundle reads")
                        .isTrue();
                if (variable.startsWith("SNOWSTREAM_") && !CLUSTER_PROFILE.contains(service)) {
                    assertThat(ENTRY_POINT)
                            .as("the image's entry point reads " + variable)
                            .contains("${" + variable);
                }
            }
        }
        final String entryPoint = Repository.read("deploy/nifi/start-with-snowstream-nar.sh");
        assertThat(ENTRY_POINT_VARIABLES)
                .allSatisfy(variable -> assertThat(entryPoint).contains("${" + variable));
    }

    @Test
    void servesTheStandaloneNiFiOverHttpsWithTheSingleUserThatSetupKeeps() {
        final Map<String, Object> nifi = environment("nifi");
        assertThat(nifi)
                .containsEntry("NIFI_WEB_HTTPS_PORT", "8443")
                .doesNotContainKey("NIFI_WEB_HTTP_PORT")
                .doesNotContainKeys(
                        "SINGLE_USER_CREDENTIALS_USERNAME",
                        "SINGLE_USER_CREDENTIALS_PASSWORD",
                        "AWS_SECRET_ACCESS_KEY");
        // the entry point sources the file setup writes for NiFi's user, with the names the image's start.sh reads
        assertThat(nifi).containsEntry("SNOWSTREAM_CREDENTIALS_FILE", "/credentials/nifi.env");
        assertThat(mounts("nifi")).containsEntry("/credentials", "credentials");
        assertThat(SETUP)
                .contains(
                        "\"$credentials_dir/nifi.env\" \"$nifi_user\"",
                        "nifi_user=1000:1000",
                        "quoted SINGLE_USER_CREDENTIALS_USERNAME",
                        "quoted SINGLE_USER_CREDENTIALS_PASSWORD",
                        "quoted AWS_ACCESS_KEY_ID",
                        "quoted AWS_SECRET_ACCESS_KEY");
        assertThat(NIFI_IMAGE_VARIABLES)
                .contains("SINGLE_USER_CREDENTIALS_USERNAME", "SINGLE_USER_CREDENTIALS_PASSWORD");
        // empty: start.sh leaves nifi.properties' key blank and NiFi generates one, kept in the nifi-conf volume
        assertThat(nifi).containsEntry("NIFI_SENSITIVE_PROPS_KEY", "${NIFI_SENSITIVE_PROPS_KEY:-}");
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
            assertThat(environment)
                    .as(node)
                    .containsEntry("NIFI_CLUSTER_IS_NODE", "true")
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
                    .containsExactlyElementsOf(
                            CLUSTER_NODES.stream().map(name -> "CN=" + name).toList());
            // NiFi checks the Host header, port included: the browser's address is the proxy host
            final String published = String.valueOf(8081 + index);
            assertThat(list(service(node).get("ports")))
                    .containsExactly("${BIND_ADDRESS:-127.0.0.1}:" + published + ":8443");
            assertThat(environment).containsEntry("NIFI_WEB_PROXY_HOST", "localhost:" + published);
            assertThat(healthcheck(node))
                    .contains("https://$${HOSTNAME}:8443/nifi-api/")
                    .contains("--cacert " + CLUSTER_TLS + "/ca.pem")
                    .doesNotContain("--insecure");
            assertThat(mounts(node)).containsEntry(CLUSTER_TLS, "cluster-tls");
            assertThat(map(map(service(node).get("depends_on")).get("cluster-certificates")))
                    .containsEntry("condition", "service_completed_successfully");
        }
        assertThat(service("zookeeper").get("profiles")).isEqualTo(List.of("cluster"));

        // the certificates: made once, for exactly these nodes and the admin the nodes trust
        final Map<String, Object> certificates = service("cluster-certificates");
        assertThat(certificates.get("profiles")).isEqualTo(List.of("cluster"));
        assertThat(certificates.get("restart")).isEqualTo("no");
        final List<String> command = list(certificates.get("entrypoint")).stream()
                .map(String::valueOf)
                .toList();
        assertThat(command.subList(0, 4))
                .containsExactly("bash", "/repo/deploy/cluster/make-certificates.sh", "/tls", CLUSTER_ADMIN);
        assertThat(command.subList(4, command.size())).containsExactlyElementsOf(CLUSTER_NODES);
        assertThat(Repository.exists("deploy/cluster/make-certificates.sh")).isTrue();
        assertThat(mounts("cluster-certificates")).containsEntry("/tls", "cluster-tls");
    }

    @Test
    void scrapesTheClusterOverHttpsWithTheOperatorsCertificate() {
        final Map<String, Object> job =
                list(Repository.yaml("deploy/monitoring/prometheus.yml").get("scrape_configs")).stream()
                        .map(Repository::map)
                        .filter(scrape -> "nifi-cluster".equals(scrape.get("job_name")))
                        .findFirst()
                        .orElseThrow();
        assertThat(job.get("scheme")).isEqualTo("https");
        final Map<String, Object> tls = map(job.get("tls_config"));
        assertThat(tls)
                .doesNotContainKey("insecure_skip_verify")
                .containsEntry("ca_file", "/cluster-tls/ca.pem")
                .containsEntry("cert_file", "/cluster-tls/" + CLUSTER_ADMIN + "-key-and-chain.pem")
                .containsEntry("key_file", "/cluster-tls/" + CLUSTER_ADMIN + "-key-and-chain.pem");
        assertThat(mounts("prometheus")).containsEntry("/cluster-tls", "cluster-tls");
        final List<Object> targets =
                list(map(list(job.get("static_configs")).getFirst()).get("targets"));
        assertThat(targets)
                .containsExactlyElementsOf(
                        CLUSTER_NODES.stream().map(node -> node + ":8443").toList());
    }

    @Test
    void checksHealthOnTheHostNameTheNiFiImagesListenOn() {
        // start.sh of both images binds the web server to $HOSTNAME, not to every interface: localhost is refused
        for (final String service : List.of("nifi", "nifi-registry", "nifi-node-1", "nifi-node-2", "nifi-node-3")) {
            assertThat(healthcheck(service))
                    .as(service)
                    .contains("://$${HOSTNAME}:")
                    .doesNotContain("localhost");
        }
    }

    @Test
    void keepsQueuedDataAndTheCanvasOnNamedVolumes() {
        final Set<String> namedVolumes = map(COMPOSE.get("volumes")).keySet();
        for (final String service : NIFI_SERVICES) {
            final Map<String, String> mounts = mounts(service);
            for (final String directory :
                    List.of("conf", "flowfile_repository", "content_repository", "provenance_repository", "state")) {
                assertThat(mounts).as(service + " " + directory).containsKey(NIFI_HOME + "/" + directory);
                assertThat(namedVolumes)
                        .as(service + " " + directory)
                        .contains(mounts.get(NIFI_HOME + "/" + directory));
            }
            assertThat(mounts)
                    .as("the image places its NAR in nar_extensions on start; a volume there would shadow it")
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
        assertThat(Repository.envFile(".env.example"))
                .containsEntry("BIND_ADDRESS", "127.0.0.1")
                .containsEntry("NIFI_BIND_ADDRESS", "127.0.0.1");
    }

    @Test
    void deploysTheFlowOnceNiFiAndTheRegistryAreHealthy() {
        final Map<String, Object> deployer = service("flow-deployer");
        assertThat(deployer.get("restart")).isEqualTo("no");
        assertThat(map(deployer.get("depends_on")))
                .containsOnlyKeys("nifi", "nifi-registry")
                .allSatisfy(
                        (name, condition) -> assertThat(map(condition)).containsEntry("condition", "service_healthy"));
        final String command = (String) list(deployer.get("command")).getFirst();
        assertThat(command).isEqualTo("/repo/deploy/init/deploy-flow.sh");
        assertThat(Repository.exists(command.replace("/repo/", ""))).isTrue();
        assertThat(environment("flow-deployer"))
                .containsEntry("NIFI_URL", "https://${NIFI_HOSTNAME:-nifi}:8443")
                .containsEntry("NIFI_REGISTRY_URL", "http://nifi-registry:18080")
                .containsEntry("NIFI_CREDENTIALS_FILE", "/credentials/nifi-client.env");
        assertThat(SETUP).contains("\"$credentials_dir/nifi-client.env\" \"$tools_user\"");
        assertThat(Repository.read("deploy/init/Dockerfile")).contains("USER nobody");
        assertThat(list(service("nifi-registry").get("ports")))
                .containsExactly("${BIND_ADDRESS:-127.0.0.1}:${NIFI_REGISTRY_PORT:-18080}:18080");
    }

    @Test
    void documentsEverySettingInTheEnvExampleWithoutAFixedPassword() {
        final Map<String, String> example = Repository.envFile(".env.example");
        final Matcher reference =
                Pattern.compile("(?<!\\$)\\$\\{([A-Z0-9_]+)").matcher(Repository.read("docker-compose.yml"));
        final Set<String> referenced = new LinkedHashSet<>();
        while (reference.find()) {
            referenced.add(reference.group(1));
        }
        assertThat(example.keySet()).containsAll(referenced);
        for (final String secret : List.of(
                "NIFI_PASSWORD",
                "NIFI_SENSITIVE_PROPS_KEY",
                "MINIO_ROOT_PASSWORD",
                "S3_SECRET_ACCESS_KEY",
                "GRAFANA_ADMIN_PASSWORD")) {
            assertThat(example.get(secret))
                    .as(secret + ": generated unless chosen")
                    .isEmpty();
        }
        assertThat(Repository.read(".env.example")).contains("12 characters or more");
        assertThat(Repository.read(".gitignore").lines().toList()).contains(".env");
    }

    @Test
    void startsWithoutAnEnvFileAndWithoutAFixedPassword() {
        final String compose = Repository.read("docker-compose.yml");
        // a mandatory variable (${X:?...} or ${X?...}) stops `docker compose up` when there is no .env
        final Matcher mandatory = Pattern.compile("\\$\\{([A-Z0-9_]+):?\\?").matcher(compose);
        final Set<String> mandatoryVariables = new LinkedHashSet<>();
        while (mandatory.find()) {
            mandatoryVariables.add(mandatory.group(1));
        }
        SERVICES.forEach((name, definition) -> {
            if (CLUSTER_PROFILE.contains(name)) {
                return;
            }
            final String text = new org.yaml.snakeyaml.Yaml().dump(definition);
            for (final String variable : mandatoryVariables) {
                assertThat(text)
                        .as(name + " requires " + variable)
                        .doesNotContain("${" + variable + ":?", "${" + variable + "?");
            }
            // a default for a password in the compose file is a password everyone knows
            assertThat(text).as(name).doesNotContainPattern("\\$\\{[A-Z_]*(PASSWORD|SECRET)[A-Z_]*:?-[^}]");
        });
    }

    @Test
    void generatesTheCredentialsBeforeAnyServiceThatUsesThem() {
        final Map<String, Object> setup = service("setup");
        assertThat(setup.get("user"))
                .as("root: it hands each file to its reader")
                .isEqualTo("0:0");
        assertThat(list(setup.get("entrypoint"))).containsExactly("/repo/deploy/init/setup.sh");
        assertThat(Repository.exists("deploy/init/setup.sh")).isTrue();
        assertThat(mounts("setup")).containsEntry("/credentials", "credentials");
        for (final String service : List.of("nifi", "nifi-registry", "minio", "grafana")) {
            assertThat(map(map(service(service).get("depends_on")).get("setup")))
                    .as(service)
                    .containsEntry("condition", "service_completed_successfully");
        }
        assertThat(map(service("flow-deployer").get("depends_on"))).containsKeys("nifi", "nifi-registry");
        assertThat(map(service("minio-setup").get("depends_on"))).containsKey("minio");
        assertThat(String.join(
                        " ",
                        list(service("minio").get("command")).stream()
                                .map(String::valueOf)
                                .toList()))
                .startsWith(". /credentials/minio.env && export MINIO_ROOT_USER MINIO_ROOT_PASSWORD");
        assertThat(environment("grafana"))
                .containsEntry("GF_SECURITY_ADMIN_PASSWORD__FILE", "/credentials/grafana-admin-password")
                .doesNotContainKey("GF_SECURITY_ADMIN_PASSWORD");
        assertThat(Repository.read("README.md")).contains("docker compose run --rm setup show");
    }

    @Test
    void givesNiFiRegistryStorageItsImageUserCanWrite() {
        // apache/nifi-registry has no database/ or flow_storage/ directory: Docker creates such a mount point
        // root-owned
        final Map<String, String> registry = mounts("nifi-registry");
        final String home = "/opt/nifi-registry/nifi-registry-current";
        final String database = registry.get(home + "/database");
        final String flowStorage = registry.get(home + "/flow_storage");
        assertThat(database).isNotNull();
        assertThat(flowStorage).isNotNull();
        final Map<String, String> setup = mounts("setup");
        final String storageDirs = (String) environment("setup").get("REGISTRY_STORAGE_DIRS");
        assertThat(storageDirs.split(" "))
                .allSatisfy(directory -> assertThat(setup).containsKey(directory));
        assertThat(List.of(storageDirs.split(" ")).stream().map(setup::get).toList())
                .containsExactlyInAnyOrder(database, flowStorage);
        assertThat(SETUP).contains("chown \"$nifi_user\" \"$directory\"");
    }

    @Test
    void everyS3SettingReachesTheFlowThroughTheDeployer() {
        final Map<String, String> example = Repository.envFile(".env.example");
        assertThat(example.get("S3_ENDPOINT")).isEqualTo("http://minio:9000");
        assertThat(environment("flow-deployer"))
                .containsEntry("S3_BUCKET", "${S3_BUCKET:-snowstream}")
                .containsEntry("S3_REGION", "${S3_REGION:-us-east-1}")
                .containsEntry("S3_ENDPOINT", "${S3_ENDPOINT-http://minio:9000}");
        assertThat(DEPLOY_FLOW)
                .contains(
                        "--parameter \"s3.bucket=${S3_BUCKET",
                        "--parameter \"s3.region=${S3_REGION",
                        "--parameter \"s3.endpoint=${S3_ENDPOINT:-}\"",
                        "--parameter \"s3.path.style.access=$path_style\"");
        assertThat(environment("nifi"))
                .doesNotContainKeys("SNOWSTREAM_S3_ENDPOINT", "SNOWSTREAM_S3_BUCKET")
                .containsEntry("AWS_REGION", "${S3_REGION:-us-east-1}");
        assertThat(String.join(
                        " ",
                        list(service("minio-setup").get("command")).stream()
                                .map(String::valueOf)
                                .toList()))
                .contains("mc mb --ignore-existing \"local/$$S3_BUCKET\"");
        assertThat(environment("minio-setup")).containsEntry("S3_BUCKET", "${S3_BUCKET:-snowstream}");
        assertThat(map(service("nifi").get("depends_on"))).containsKey("minio-setup");
    }

    @Test
    void scrapesNiFisPrometheusEndpointUnderTheMonitoringProfile() {
        final Map<String, Object> prometheus = Repository.yaml("deploy/monitoring/prometheus.yml");
        final List<Object> jobs = list(prometheus.get("scrape_configs"));
        assertThat(jobs)
                .isNotEmpty()
                .allSatisfy(
                        job -> assertThat(map(job).get("metrics_path")).isEqualTo("/nifi-api/flow/metrics/prometheus"));
        final List<Object> tokenCommand = list(service("nifi-metrics-token").get("command"));
        assertThat(map(map(jobs.getFirst()).get("authorization")).get("credentials_file"))
                .isEqualTo(tokenCommand.get(1));
        // the target is written from NIFI_URL (NIFI_HOSTNAME), the name NiFi's certificate and Jetty's SNI check accept
        assertThat(list(map(list(map(jobs.getFirst()).get("file_sd_configs")).getFirst())
                        .get("files")))
                .containsExactly(tokenCommand.get(2));
        assertThat(environment("nifi-metrics-token")).containsEntry("NIFI_URL", "https://${NIFI_HOSTNAME:-nifi}:8443");
        assertThat(list(service("prometheus").get("volumes")))
                .contains("./deploy/monitoring/alert-rules.yml:/etc/prometheus/alert-rules.yml:ro");
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
        return String.join(
                " ",
                list(map(service(service).get("healthcheck")).get("test")).stream()
                        .map(String::valueOf)
                        .toList());
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
