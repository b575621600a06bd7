package io.snowstream.nifi.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One NiFi for one test class, run from a copy of the installation {@code NIFI_HOME} names: {@code bin/} and
 * {@code conf/} are copied, the entries of {@code lib/} are linked (NiFi only reads them; it unpacks NARs into the
 * copy's {@code work/}), the project's NAR goes into the copy's autoload directory {@code extensions/}, and the copy's
 * {@code conf/nifi.properties} and {@code conf/bootstrap.conf} are edited as an operator would. NiFi is started and
 * stopped only with its own {@code bin/nifi.sh}; a crash is a {@code kill -9}.
 *
 * <p>Register it as a static field with {@code @RegisterExtension}. Without NIFI_HOME the test class is skipped
 * (reported as skipped, with the reason); with a NIFI_HOME that is not a NiFi 2 installation it fails. Whatever
 * happens, no NiFi is left running: {@code afterAll} stops it (and kills what a stop left), and a JVM shutdown hook
 * kills it if the test JVM ends first. The copy's logs are kept under {@code target/system-tests/<test class>/}.
 */
public final class NiFiInstance implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {

    /** How the copy is secured. */
    public enum Security {
        /** Plain HTTP on 127.0.0.1, no login: what the flow scenarios use. */
        HTTP,
        /** NiFi's default: HTTPS on localhost with a self-signed certificate generated at first start, single-user login. */
        HTTPS_SINGLE_USER,
        /**
         * HTTPS on localhost with a key and truststore the test made (a cluster node's), NiFi's file-based authorizer
         * (conf/authorizers.xml as given with {@link #withConfFile}); the test's client authenticates with its own
         * certificate.
         */
        MUTUAL_TLS
    }

    public static final String USERNAME = "snowstream-admin";

    private static final Duration NIFI_SH_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration EXIT_TIMEOUT = Duration.ofMinutes(1);
    private static final Pattern ERROR_LINE =
            Pattern.compile("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3} ERROR .*");
    private static final String APPLICATION_CLASS = "org.apache.nifi.NiFi";
    private static final String BOOTSTRAP_CLASS = "org.apache.nifi.bootstrap.BootstrapProcess";
    /** Files of a used installation's conf/ that would carry its flow, keys or users into the copy. */
    private static final Set<String> NOT_COPIED = Set.of(
            "flow.json.gz",
            "flow.xml.gz",
            "archive",
            "keystore.p12",
            "truststore.p12",
            "users.xml",
            "authorizations.xml");

    private final Security security;
    private final String name;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Map<String, String> confFiles = new LinkedHashMap<>();
    private final Map<String, String> javaArguments = new LinkedHashMap<>();
    private final TlsFiles tls;
    private final String password = randomHex(12);
    private String initialHeap = "512m";
    private String maxHeap = "1g";

    private NiFiInstallation installation;
    private String owner = "system-test";
    private Path home;
    private URI baseUri;
    private NiFiClient client;
    private SSLContext sslContext;
    private Thread shutdownHook;

    /** The TLS material of a {@link Security#MUTUAL_TLS} instance: its stores (one password) and the test's client. */
    record TlsFiles(Path keystore, Path truststore, String password, SSLContext clientContext) {}

    private NiFiInstance(final Security security, final String name, final TlsFiles tls) {
        this.security = security;
        this.name = name;
        this.tls = tls;
    }

    public static NiFiInstance http() {
        return new NiFiInstance(Security.HTTP, "", null);
    }

    public static NiFiInstance httpsSingleUser() {
        return new NiFiInstance(Security.HTTPS_SINGLE_USER, "", null);
    }

    /**
     * An instance secured with the test's own certificates, such as one node of a {@link NiFiCluster}; {@code name}
     * tells it from the other instances of the test class (its logs are kept under that name).
     */
    static NiFiInstance mutualTls(final String name, final TlsFiles tls) {
        return new NiFiInstance(Security.MUTUAL_TLS, name, tls);
    }

    /** Properties of the copy's conf/nifi.properties, set after (and over) what this class sets itself. */
    public NiFiInstance withProperties(final Map<String, String> values) {
        properties.putAll(values);
        return this;
    }

    /** An argument of NiFi's JVM, {@code java.arg.<key>} in the copy's bootstrap.conf (a system property, say). */
    public NiFiInstance withJavaArgument(final String key, final String argument) {
        javaArguments.put("java.arg." + key, argument);
        return this;
    }

    /** A file of the copy, relative to its home (such as conf/authorizers.xml), written before the first start. */
    public NiFiInstance withConfFile(final String relativePath, final String content) {
        confFiles.put(relativePath, content);
        return this;
    }

    /** An environment variable for NiFi's JVM (it inherits bin/nifi.sh's environment), such as AWS credentials. */
    public NiFiInstance withEnvironment(final String name, final String value) {
        environment.put(name, value);
        return this;
    }

    /** NiFi's heap, -Xms and -Xmx in the copy's bootstrap.conf (java.arg.2 and java.arg.3); 512m and 1g unless set. */
    public NiFiInstance withHeap(final String initial, final String max) {
        initialHeap = initial;
        maxHeap = max;
        return this;
    }

    // ---- JUnit

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(final ExtensionContext context) {
        return NiFiInstallation.configuredHome()
                .map(home -> ConditionEvaluationResult.enabled(NiFiInstallation.NIFI_HOME + "=" + home))
                .orElseGet(
                        () -> ConditionEvaluationResult.disabled(NiFiInstallation.NIFI_HOME + " is not set: the system"
                                + " tests run the NAR inside a real Apache NiFi 2.x installation; set "
                                + NiFiInstallation.NIFI_HOME
                                + " to one (the unpacked binary distribution) to run them"));
    }

    @Override
    public void beforeAll(final ExtensionContext context) throws Exception {
        create(context.getRequiredTestClass().getSimpleName());
        start();
    }

    @Override
    public void afterAll(final ExtensionContext context) throws Exception {
        destroy();
    }

    /** Makes the copy for test class {@code testClass}, configured, not started. */
    void create(final String testClass) throws IOException {
        owner = name.isEmpty() ? testClass : testClass + "/" + name;
        installation = NiFiInstallation.at(NiFiInstallation.configuredHome().orElseThrow());
        if (Runtime.version().feature() < 21) {
            throw new IllegalStateException("NiFi 2 needs Java 21 or newer; the tests run on " + Runtime.version());
        }
        prepare();
    }

    /** Stops NiFi, keeps its logs and deletes the copy. */
    void destroy() throws IOException {
        if (home == null) {
            return;
        }
        try {
            stop();
        } finally {
            keepLogs();
            deleteRecursively(home);
        }
    }

    // ---- what the tests use

    public NiFiClient client() {
        return client;
    }

    public URI baseUri() {
        return baseUri;
    }

    public Path home() {
        return home;
    }

    public NiFiInstallation installation() {
        return installation;
    }

    public Security security() {
        return security;
    }

    public String username() {
        return USERNAME;
    }

    public String password() {
        return password;
    }

    /** NiFi's generated certificate as PEM, for clients such as curl ({@code --cacert}); HTTPS only. */
    public Path certificatePem() {
        return home.resolve("test-client/nifi-certificate.pem");
    }

    /** The process id of NiFi's JVM (not the bootstrap's), found by its command line, as NiFi's bootstrap finds it. */
    public long applicationPid() {
        return processes().stream()
                .filter(process -> process.arguments().contains(APPLICATION_CLASS))
                .mapToLong(NiFiProcess::pid)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("NiFi's JVM is not running from " + home));
    }

    /** CPU time (user + system) NiFi's JVM has used so far, from /proc/<pid>/stat. */
    public double cpuSeconds() {
        return ProcessCpu.seconds(applicationPid());
    }

    /** CPU seconds of each thread of NiFi's JVM so far (see {@link ProcessCpu#threads}). */
    public Map<String, Double> threadCpuSeconds() {
        return ProcessCpu.threads(applicationPid());
    }

    /** Every ERROR line NiFi wrote to logs/nifi-app.log. */
    public List<String> errorLines() {
        final List<String> errors = new ArrayList<>();
        try (Stream<Path> logs = Files.list(home.resolve("logs"))) {
            for (final Path log : logs.filter(
                            file -> file.getFileName().toString().startsWith("nifi-app"))
                    .sorted()
                    .toList()) {
                try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
                    lines.filter(line -> ERROR_LINE.matcher(line).matches()).forEach(errors::add);
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return errors;
    }

    /** The last lines of logs/nifi-app.log, for failure messages. */
    public String appLogTail(final int lines) {
        return tail(home.resolve("logs/nifi-app.log"), lines);
    }

    // ---- preparing the copy

    private void prepare() throws IOException {
        final Path nar = Path.of(System.getProperty("snowstream.nar", "target/nar/nifi-snowstream-nar.nar"));
        if (!Files.isRegularFile(nar)) {
            throw new IllegalStateException(
                    "The NAR is not at " + nar.toAbsolutePath() + ": run the system tests through"
                            + " Maven (./mvnw verify), which builds the NAR and copies it there");
        }
        home = Files.createTempDirectory("nifi-" + owner.replace('/', '-') + "-")
                .toRealPath();
        shutdownHook = new Thread(this::killAll, "kill NiFi of " + owner);
        Runtime.getRuntime().addShutdownHook(shutdownHook);

        copyRecursively(installation.home().resolve("bin"), home.resolve("bin"), Set.of());
        copyRecursively(installation.home().resolve("conf"), home.resolve("conf"), NOT_COPIED);
        // lib/ itself cannot be a link: NiFi's bootstrap builds the classpath with Files.find(lib, 1), which does not
        // enter a linked directory (NiFi 2.8.0 then fails with "Could not find or load main class
        // org.apache.nifi.NiFi")
        Files.createDirectories(home.resolve("lib"));
        try (Stream<Path> entries = Files.list(installation.home().resolve("lib"))) {
            for (final Path entry : entries.toList()) {
                Files.createSymbolicLink(
                        home.resolve("lib").resolve(entry.getFileName().toString()), entry.toRealPath());
            }
        }
        Files.createDirectories(home.resolve("extensions"));
        Files.createDirectories(home.resolve("logs"));
        Files.copy(nar, home.resolve("extensions").resolve(nar.getFileName()));

        final int port = freePort();
        final Map<String, String> properties = new LinkedHashMap<>();
        // one key for a whole cluster: the nodes must agree on it
        properties.put(
                "nifi.sensitive.props.key", this.properties.getOrDefault("nifi.sensitive.props.key", randomHex(16)));
        properties.put("nifi.nar.library.autoload.directory", "./extensions");
        properties.put("nifi.cluster.is.node", "false");
        properties.put("nifi.remote.input.socket.port", "");
        properties.put("nifi.remote.input.http.enabled", "false");
        properties.put("nifi.web.proxy.host", "");
        if (security == Security.HTTP) {
            properties.put("nifi.remote.input.secure", "false");
            properties.put("nifi.web.http.host", "127.0.0.1");
            properties.put("nifi.web.http.port", String.valueOf(port));
            properties.put("nifi.web.https.host", "");
            properties.put("nifi.web.https.port", "");
            for (final String key : List.of(
                    "keystore",
                    "keystoreType",
                    "keystorePasswd",
                    "keyPasswd",
                    "truststore",
                    "truststoreType",
                    "truststorePasswd",
                    "user.authorizer",
                    "user.login.identity.provider")) {
                properties.put("nifi.security." + key, "");
            }
            baseUri = URI.create("http://127.0.0.1:" + port);
        } else if (security == Security.MUTUAL_TLS) {
            Files.createDirectories(home.resolve("conf/tls"));
            Files.copy(tls.keystore(), home.resolve("conf/tls/keystore.p12"));
            Files.copy(tls.truststore(), home.resolve("conf/tls/truststore.p12"));
            properties.put("nifi.web.http.host", "");
            properties.put("nifi.web.http.port", "");
            properties.put("nifi.web.https.host", "localhost");
            properties.put("nifi.web.https.port", String.valueOf(port));
            properties.put("nifi.security.keystore", "./conf/tls/keystore.p12");
            properties.put("nifi.security.keystoreType", "PKCS12");
            properties.put("nifi.security.keystorePasswd", tls.password());
            properties.put("nifi.security.keyPasswd", tls.password());
            properties.put("nifi.security.truststore", "./conf/tls/truststore.p12");
            properties.put("nifi.security.truststoreType", "PKCS12");
            properties.put("nifi.security.truststorePasswd", tls.password());
            properties.put("nifi.security.user.authorizer", "managed-authorizer");
            properties.put("nifi.security.user.login.identity.provider", "");
            baseUri = URI.create("https://localhost:" + port);
        } else {
            // NiFi's own default, on a free port: the bootstrap generates keystore and truststore at first start
            properties.put("nifi.web.http.host", "");
            properties.put("nifi.web.http.port", "");
            properties.put("nifi.web.https.host", "localhost");
            properties.put("nifi.web.https.port", String.valueOf(port));
            properties.put("nifi.security.keystore", "./conf/keystore.p12");
            properties.put("nifi.security.keystoreType", "PKCS12");
            properties.put("nifi.security.keystorePasswd", "");
            properties.put("nifi.security.keyPasswd", "");
            properties.put("nifi.security.truststore", "./conf/truststore.p12");
            properties.put("nifi.security.truststoreType", "PKCS12");
            properties.put("nifi.security.truststorePasswd", "");
            properties.put("nifi.security.user.authorizer", "single-user-authorizer");
            properties.put("nifi.security.user.login.identity.provider", "single-user-provider");
            // an IP address in the URL gets "400 Invalid SNI": the certificate names localhost
            baseUri = URI.create("https://localhost:" + port);
        }
        properties.putAll(this.properties);
        PropertiesFile.read(home.resolve("conf/nifi.properties"))
                .set(properties)
                .write();
        for (final Map.Entry<String, String> file : confFiles.entrySet()) {
            Files.createDirectories(home.resolve(file.getKey()).getParent());
            Files.writeString(home.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
        }

        final Map<String, String> bootstrap = new LinkedHashMap<>(Map.of(
                "java.arg.2", "-Xms" + initialHeap,
                "java.arg.3", "-Xmx" + maxHeap,
                // the Snowflake driver's OCSP cache inside the copy, not under the user's home
                "java.arg.snowstreamOcspCache",
                        "-Dnet.snowflake.jdbc.ocspResponseCacheDir=" + home.resolve("work/snowflake-ocsp"),
                // NiFi 2's management server (which bin/nifi.sh status and stop talk to) defaults to 127.0.0.1:52020:
                // two NiFis on one machine (a cluster's nodes, parallel builds) must not share it
                "management.server.address", "http://127.0.0.1:" + freePort()));
        bootstrap.putAll(javaArguments);
        PropertiesFile.read(home.resolve("conf/bootstrap.conf")).set(bootstrap).write();

        if (security == Security.HTTPS_SINGLE_USER) {
            final NiFiSh credentials = nifiSh("set-single-user-credentials", USERNAME, password);
            if (credentials.exitCode() != 0) {
                throw new IllegalStateException("bin/nifi.sh set-single-user-credentials failed ("
                        + credentials.exitCode() + "):\n" + credentials.output());
            }
        }
    }

    // ---- start, stop, kill

    /** Starts NiFi with {@code bin/nifi.sh start} and waits until its REST API answers and the flow is loaded. */
    public void start() {
        launch();
        awaitFlowController();
    }

    /** {@code bin/nifi.sh start}, and a client for the REST API, without waiting for NiFi to answer. */
    void launch() {
        final NiFiSh started = nifiSh("start");
        if (started.exitCode() != 0) {
            throw new IllegalStateException(
                    "bin/nifi.sh start failed (" + started.exitCode() + "):\n" + started.output());
        }
        if (security == Security.HTTPS_SINGLE_USER) {
            sslContext = Await.until(
                    "NiFi's bootstrap to generate the keystore and truststore",
                    STARTUP_TIMEOUT,
                    this::trustGeneratedCertificate,
                    context -> context != null);
        } else if (security == Security.MUTUAL_TLS) {
            sslContext = tls.clientContext();
        }
        client = security == Security.HTTP ? NiFiClient.of(baseUri) : NiFiClient.of(baseUri, sslContext);
    }

    /** Waits until NiFi's REST API answers and its flow controller is initialized (in a cluster: the node connected). */
    void awaitFlowController() {
        try {
            Await.until("NiFi at " + baseUri + " to answer GET /nifi-api/flow/about", STARTUP_TIMEOUT, () -> {
                requireRunning();
                if (security == Security.HTTPS_SINGLE_USER) {
                    client.login(USERNAME, password);
                }
                return client.about().path("version").isTextual();
            });
            // the flow controller is initialized when the root group and the controller status answer
            Await.until(
                    "NiFi's flow controller to be initialized",
                    STARTUP_TIMEOUT,
                    () -> !client.rootGroupId().isEmpty()
                            && client.get("/flow/status").has("controllerStatus"));
        } catch (final AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nLast lines of nifi-app.log:\n" + appLogTail(60), e);
        }
    }

    /** Stops NiFi with {@code bin/nifi.sh stop}, waits until no process of the copy is left, kills any that is. */
    public void stop() {
        try {
            final NiFiSh stopped = nifiSh("stop");
            if (stopped.exitCode() != 0) {
                System.err.println("bin/nifi.sh stop exited with " + stopped.exitCode() + ":\n" + stopped.output());
            }
            awaitNoProcess(EXIT_TIMEOUT);
        } finally {
            killAll();
        }
    }

    /**
     * A crash: {@code kill -9} of NiFi's JVM. The bootstrap is killed the same way first, so that it does not restart
     * NiFi by itself; a host that lost power or an OOM killer taking the container looks like this. Start again with
     * {@link #start()}.
     */
    public void kill() {
        final List<NiFiProcess> processes = processes();
        processes.stream()
                .filter(process -> process.arguments().contains(BOOTSTRAP_CLASS))
                .forEach(NiFiProcess::kill);
        processes.stream()
                .filter(process -> process.arguments().contains(APPLICATION_CLASS))
                .forEach(NiFiProcess::kill);
        awaitNoProcess(EXIT_TIMEOUT);
    }

    /** An Error, not an exception: {@link Await} stops waiting at once. */
    private void requireRunning() {
        if (processes().isEmpty()) {
            throw new AssertionError("NiFi's processes from " + home + " are gone: it did not start. Last lines of"
                    + " nifi-app.log:\n" + appLogTail(40) + "\nnifi-bootstrap.log:\n"
                    + tail(home.resolve("logs/nifi-bootstrap.log"), 20));
        }
    }

    private void awaitNoProcess(final Duration timeout) {
        Await.until(
                "NiFi's processes from " + home + " to exit",
                timeout,
                () -> processes().isEmpty());
    }

    private void killAll() {
        if (home == null) {
            return;
        }
        for (final NiFiProcess process : processes()) {
            System.err.println("Killing NiFi process " + process.pid() + " left from " + home);
            process.kill();
        }
    }

    /** The bootstrap and NiFi's JVM of this copy: processes whose command line names the copy's directory. */
    private List<NiFiProcess> processes() {
        final String marker = home.toString() + '/';
        final List<NiFiProcess> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (final Path entry : entries.toList()) {
                final String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    final String commandLine =
                            new String(Files.readAllBytes(entry.resolve("cmdline")), StandardCharsets.UTF_8);
                    final long pid = Long.parseLong(name);
                    if (commandLine.contains(marker)
                            && pid != ProcessHandle.current().pid()) {
                        found.add(new NiFiProcess(pid, List.of(commandLine.split("\0"))));
                    }
                } catch (final IOException e) {
                    // the process ended while we looked
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private record NiFiProcess(long pid, List<String> arguments) {
        void kill() {
            ProcessHandle.of(pid).ifPresent(handle -> {
                handle.destroyForcibly();
                try {
                    handle.onExit().get(30, TimeUnit.SECONDS);
                } catch (final Exception e) {
                    System.err.println("Process " + pid + " did not exit after SIGKILL: " + e);
                }
            });
        }
    }

    // ---- bin/nifi.sh

    private record NiFiSh(int exitCode, String output) {}

    private NiFiSh nifiSh(final String... arguments) {
        final List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/nifi.sh").toString());
        command.addAll(List.of(arguments));
        final ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        final Map<String, String> env = builder.environment();
        // nifi-env.sh derives NIFI_HOME from the script's location: nothing may point it at the original installation
        env.keySet().removeIf(name -> name.startsWith("NIFI_"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.putAll(environment);
        try {
            final Path output = Files.createTempFile(home.resolve("logs"), "nifi-sh-" + arguments[0] + '-', ".out");
            // the bootstrap started in the background inherits these: a file, never a pipe nobody reads
            final Process process = builder.redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!process.waitFor(NIFI_SH_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "bin/nifi.sh " + arguments[0] + " did not return within " + NIFI_SH_TIMEOUT.toSeconds() + " s");
            }
            final String text = Files.readString(output, StandardCharsets.UTF_8);
            return new NiFiSh(
                    process.exitValue(),
                    arguments[0].equals("set-single-user-credentials") ? text.replace(password, "********") : text);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- HTTPS

    /** The truststore NiFi's bootstrap generated, once it and its password are written; null until then. */
    private SSLContext trustGeneratedCertificate() {
        final Path truststore = home.resolve("conf/truststore.p12");
        final Optional<String> password = PropertiesFile.read(home.resolve("conf/nifi.properties"))
                .get("nifi.security.truststorePasswd")
                .filter(value -> !value.isEmpty());
        if (!Files.isRegularFile(truststore) || password.isEmpty()) {
            return null;
        }
        try (InputStream in = Files.newInputStream(truststore)) {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.get().toCharArray());
            final TrustManagerFactory trust =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), new SecureRandom());
            writeCertificatePem(store);
            return context;
        } catch (final Exception e) {
            // written but not complete yet
            return null;
        }
    }

    private void writeCertificatePem(final KeyStore store) throws Exception {
        final StringBuilder pem = new StringBuilder();
        for (final String alias : Collections.list(store.aliases())) {
            final Certificate certificate = store.getCertificate(alias);
            pem.append("-----BEGIN CERTIFICATE-----\n")
                    .append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(certificate.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        Files.createDirectories(certificatePem().getParent());
        Files.writeString(certificatePem(), pem.toString(), StandardCharsets.US_ASCII);
    }

    // ---- files

    private void keepLogs() {
        final Path output = Path.of(System.getProperty("snowstream.system-tests.output", "target/system-tests"))
                .resolve(owner);
        try {
            deleteRecursively(output);
            copyRecursively(home.resolve("logs"), output.resolve("logs"), Set.of());
            copyRecursively(
                    home.resolve("conf"),
                    output.resolve("conf"),
                    Set.of(
                            "keystore.p12",
                            "truststore.p12",
                            "tls",
                            "flow.json.gz",
                            "archive",
                            "login-identity-providers.xml"));
        } catch (final IOException | UncheckedIOException e) {
            System.err.println("Could not keep NiFi's logs of " + owner + ": " + e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String randomHex(final int bytes) {
        final byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    static String tail(final Path file, final int lines) {
        try {
            if (!Files.isRegularFile(file)) {
                return "(no " + file.getFileName() + ")";
            }
            final List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (final IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static void copyRecursively(final Path source, final Path target, final Set<String> excluded)
            throws IOException {
        if (!Files.exists(source)) {
            return;
        }
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(final Path directory, final BasicFileAttributes attributes)
                    throws IOException {
                if (!directory.equals(source)
                        && excluded.contains(directory.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(
                        target.resolve(source.relativize(directory).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes) throws IOException {
                if (!excluded.contains(file.getFileName().toString())) {
                    Files.copy(
                            file,
                            target.resolve(source.relativize(file).toString()),
                            StandardCopyOption.COPY_ATTRIBUTES,
                            StandardCopyOption.REPLACE_EXISTING,
                            LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteRecursively(final Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path directory, final IOException e) throws IOException {
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
