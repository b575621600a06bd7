package io.snowstream.nifi.processors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.s3.FaultInjectingProxy;
import io.snowstream.nifi.s3.S3MockServer;
import io.snowstream.nifi.secrets.LogCapture;
import io.snowstream.nifi.snowflake.service.StandardSnowflakeConnectionService;
import io.snowstream.nifi.snowflake.stub.SnowflakeStub;
import io.snowstream.nifi.snowflake.stub.TestKeys;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.nifi.components.ConfigVerificationResult;
import org.apache.nifi.provenance.ProvenanceEventRecord;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.LogMessage;
import org.apache.nifi.util.MockComponentLog;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full runs with distinctive fake secrets configured, including the failing ones (403 from S3, 5xx until retries
 * are exhausted, a refused Snowflake login, a wrong passphrase): every log line (the component's, and whatever the
 * AWS SDK, the Snowflake driver and the pool write through SLF4J, java.util.logging or the console), every
 * attribute, every provenance event, every exception with its causes, every counter name and verification result is
 * collected, and no secret appears in any of them, raw or base64- or URL-encoded, nor any line of a private key's
 * PEM body. The key-pair JWTs the stub received are bearer credentials too, and are checked the same way.
 */
class SecretsLeakTest {

    @RegisterExtension
    static final S3MockServer S3 = new S3MockServer();

    private static final String AWS_ACCESS_KEY_ID = "AKIASNOWSTREAMLEAK01";
    /** Split so the repository scan does not take this fake for a committed key. */
    private static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG+" + "bPxRfiCYLEAKTEST42";

    private static final String SNOWFLAKE_PASSWORD = "Sn0wflake-P@ssw0rd-LEAK-4242";
    private static final String WRONG_PASSPHRASE = "Wr0ng-Passphrase-LEAK-7731";
    private static final String RECORD =
            "1,Ann,Lee,ann@example.com,1 Main St,Springfield,IL,US,2026-11-23T10:15:30.123Z,U\n";
    private static final byte[] CSV = (CustomerCsvFormat.HEADER + "\n" + RECORD).getBytes(StandardCharsets.UTF_8);
    private static final String BUCKET = "snowstream-landing";

    private static FaultInjectingProxy proxy;

    @BeforeAll
    static void startProxy() throws IOException {
        proxy = new FaultInjectingProxy(S3.endpoint());
        S3.createBucket(BUCKET);
    }

    @AfterAll
    static void stopProxy() {
        proxy.close();
    }

    @Test
    void putS3BatchRunsSucceedingAndFailingLeakNoAwsSecret() {
        final List<String> seen = new ArrayList<>();
        try (LogCapture capture = LogCapture.open()) {
            runPutS3Batch(seen, runner -> {});
            runPutS3Batch(seen, runner -> {
                proxy.requireAccessKeyId("the-real-key");
                runner.setProperty(
                        PutS3Batch.ENDPOINT_OVERRIDE, proxy.endpoint().toString());
            });
            runPutS3Batch(seen, runner -> {
                proxy.fail(request -> request.isObjectWrite(), 10, 500, "InternalError");
                runner.setProperty(
                        PutS3Batch.ENDPOINT_OVERRIDE, proxy.endpoint().toString());
            });
            runPutS3Batch(seen, runner -> runner.setProperty(PutS3Batch.OBJECT_KEY, "../${filename}"));
            runPutS3Batch(seen, runner -> runner.setProperty(PutS3Batch.BUCKET, "no-such-bucket"));
            seen.addAll(capture.lines());
        }

        assertThat(seen).as("failure attributes were collected").anyMatch(text -> text.contains("s3.statusCode=403"));
        assertThat(seen).as("retries were exhausted").anyMatch(text -> text.contains("s3.errorCode=InternalError"));
        assertThat(seen)
                .as("the AWS SDK's own debug logging was captured")
                .anyMatch(text -> text.startsWith("slf4j DEBUG software.amazon"));
        assertNoSecretIn(seen, Stream.of(AWS_SECRET).toList(), List.of());
    }

    private void runPutS3Batch(final List<String> seen, final Consumer<TestRunner> configure) {
        proxy.reset();
        final TestRunner runner = PutS3BatchRunners.against(S3, BUCKET);
        runner.setProperty(PutS3Batch.ACCESS_KEY_ID, AWS_ACCESS_KEY_ID);
        runner.setProperty(PutS3Batch.SECRET_ACCESS_KEY, AWS_SECRET);
        runner.setProperty(PutS3Batch.MAX_ATTEMPTS, "2");
        configure.accept(runner);
        runner.enqueue(CSV, Map.of("record.count", "1"));
        runner.run();

        final PutS3Batch processor = (PutS3Batch) runner.getProcessor();
        final MockComponentLog verificationLog = new MockComponentLog("verify", processor);
        for (final ConfigVerificationResult result :
                processor.verify(runner.getProcessContext(), verificationLog, Map.of())) {
            seen.add("verification: " + result.getVerificationStepName() + " " + result.getOutcome() + " "
                    + result.getExplanation());
        }
        collect(seen, runner, runner.getLogger(), verificationLog);
        collectFlowFiles(seen, runner, PutS3Batch.REL_SUCCESS.getName(), PutS3Batch.REL_FAILURE.getName());
    }

    @Test
    void snowflakeRunsWithKeyPairPasswordAndRefusalsLeakNoCredential(@TempDir final Path directory)
            throws IOException, InitializationException {
        final List<String> seen = new ArrayList<>();
        final List<String> tokens = new ArrayList<>();
        final Path encryptedKeyFile =
                Files.writeString(directory.resolve("rsa_key.p8"), TestKeys.encryptedPrivateKeyPem());
        try (LogCapture capture = LogCapture.open()) {
            runTrigger(
                    seen,
                    tokens,
                    "REFRESH",
                    "NONE",
                    false,
                    (runner, service) -> runner.setProperty(
                            service, StandardSnowflakeConnectionService.PRIVATE_KEY, TestKeys.privateKeyPem()));
            runTrigger(
                    seen,
                    tokens,
                    "INSERT_FILES",
                    "REST_LOAD_HISTORY",
                    false,
                    (runner, service) -> runner.setProperty(
                            service, StandardSnowflakeConnectionService.PRIVATE_KEY, TestKeys.privateKeyPem()));
            runTrigger(
                    seen,
                    tokens,
                    "REFRESH",
                    "NONE",
                    true,
                    (runner, service) -> runner.setProperty(
                            service, StandardSnowflakeConnectionService.PRIVATE_KEY, TestKeys.privateKeyPem()));
            runTrigger(seen, tokens, "REFRESH", "NONE", false, (runner, service) -> {
                runner.setProperty(
                        service, StandardSnowflakeConnectionService.PRIVATE_KEY_FILE, encryptedKeyFile.toString());
                runner.setProperty(
                        service, StandardSnowflakeConnectionService.PRIVATE_KEY_PASSPHRASE, TestKeys.PASSPHRASE);
            });
            runTrigger(seen, tokens, "REFRESH", "NONE", false, (runner, service) -> {
                runner.setProperty(service, StandardSnowflakeConnectionService.AUTHENTICATION_METHOD, "PASSWORD");
                runner.setProperty(service, StandardSnowflakeConnectionService.PASSWORD, SNOWFLAKE_PASSWORD);
            });
            runTrigger(seen, tokens, "REFRESH", "NONE", true, (runner, service) -> {
                runner.setProperty(service, StandardSnowflakeConnectionService.AUTHENTICATION_METHOD, "PASSWORD");
                runner.setProperty(service, StandardSnowflakeConnectionService.PASSWORD, SNOWFLAKE_PASSWORD);
            });
            wrongPassphrase(seen);
            seen.addAll(capture.lines());
        }

        assertThat(seen)
                .as("a refused login reached the attributes")
                .anyMatch(text -> text.contains("snowpipe.error.code=390100"));
        assertThat(seen).as("the wrong passphrase was reported").anyMatch(text -> text.contains("wrong passphrase"));
        assertThat(tokens).as("the REST API was called with key-pair JWTs").isNotEmpty();
        assertThat(seen)
                .as("the Snowflake driver's own logging was captured")
                .anyMatch(text -> text.startsWith("jul") && text.contains("net.snowflake"));
        final List<String> secrets =
                new ArrayList<>(List.of(SNOWFLAKE_PASSWORD, WRONG_PASSPHRASE, TestKeys.PASSPHRASE));
        secrets.addAll(tokens);
        assertNoSecretIn(seen, secrets, List.of(TestKeys.privateKeyPem(), TestKeys.encryptedPrivateKeyPem()));
    }

    @Test
    void theCheckCatchesEachEncodingOfASecret() {
        final String pemLine =
                TestKeys.privateKeyPem().lines().skip(3).findFirst().orElseThrow();
        final List<String> leaks = List.of(
                "raw " + AWS_SECRET,
                "base64 " + Base64.getEncoder().encodeToString(AWS_SECRET.getBytes(StandardCharsets.UTF_8)),
                "url " + URLEncoder.encode(AWS_SECRET, StandardCharsets.UTF_8),
                "one PEM line " + pemLine);
        final List<String> padding = java.util.Collections.nCopies(10, "harmless");
        for (final String leak : leaks) {
            final List<String> seen = new ArrayList<>(padding);
            seen.add(leak);
            assertThatThrownBy(() -> assertNoSecretIn(seen, List.of(AWS_SECRET), List.of(TestKeys.privateKeyPem())))
                    .as(leak)
                    .isInstanceOf(AssertionError.class);
        }
    }

    private interface ServiceSetup {
        void configure(TestRunner runner, StandardSnowflakeConnectionService service);
    }

    private void runTrigger(
            final List<String> seen,
            final List<String> tokens,
            final String notification,
            final String confirmation,
            final boolean refuseLogins,
            final ServiceSetup setup)
            throws IOException, InitializationException {
        final SnowflakeStub stub = SnowflakeStub.start("testacct", "loader", TestKeys.publicKey());
        try {
            if (refuseLogins) {
                stub.refuseLogins();
            }
            final TestRunner runner = SnowpipeRunners.against(stub, BUCKET);
            final StandardSnowflakeConnectionService service = SnowpipeRunners.service(runner);
            setup.configure(runner, service);
            runner.enableControllerService(service);
            runner.setProperty(TriggerSnowpipeRefresh.NOTIFICATION_METHOD, notification);
            runner.setProperty(TriggerSnowpipeRefresh.LOAD_CONFIRMATION, confirmation);
            stub.addLoadHistory("a.csv.gz", "LOADED", 1, 1, "2026-11-23T10:00:30.000Z", null);
            runner.enqueue(new byte[0], Map.of("s3.bucket", BUCKET, "s3.key", "customers/a.csv.gz"));
            runner.run();
            // the confirmation round: what waited on retry is looked up in the load history
            for (final MockFlowFile pending : runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_RETRY)) {
                runner.enqueue(pending.toByteArray(), pending.getAttributes());
            }
            runner.run();

            collect(seen, runner, runner.getLogger(), runner.getControllerServiceLogger("snowflake"));
            collectFlowFiles(
                    seen,
                    runner,
                    TriggerSnowpipeRefresh.REL_SUCCESS.getName(),
                    TriggerSnowpipeRefresh.REL_RETRY.getName(),
                    TriggerSnowpipeRefresh.REL_FAILURE.getName());
            stub.restRequests()
                    .forEach(request -> tokens.add(request.authorization().replaceFirst("^Bearer ", "")));
            runner.disableControllerService(service);
        } finally {
            stub.close();
        }
    }

    private void wrongPassphrase(final List<String> seen) throws InitializationException {
        final TestRunner runner = TestRunners.newTestRunner(TriggerSnowpipeRefresh.class);
        final StandardSnowflakeConnectionService service = new StandardSnowflakeConnectionService();
        runner.addControllerService("snowflake", service);
        runner.setProperty(service, StandardSnowflakeConnectionService.ACCOUNT_IDENTIFIER, "testacct");
        runner.setProperty(service, StandardSnowflakeConnectionService.USER, "loader");
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY, TestKeys.encryptedPrivateKeyPem());
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY_PASSPHRASE, WRONG_PASSPHRASE);
        assertThatThrownBy(() -> runner.enableControllerService(service))
                .satisfies(failure -> seen.add("exception: " + LogCapture.stackTrace(failure)));
        collect(seen, runner, runner.getControllerServiceLogger("snowflake"));
    }

    private static void collect(final List<String> seen, final TestRunner runner, final MockComponentLog... logs) {
        for (final MockComponentLog log : logs) {
            Stream.of(
                            log.getTraceMessages(),
                            log.getDebugMessages(),
                            log.getInfoMessages(),
                            log.getWarnMessages(),
                            log.getErrorMessages())
                    .flatMap(List::stream)
                    .map(SecretsLeakTest::describe)
                    .forEach(seen::add);
        }
        for (final ProvenanceEventRecord event : runner.getProvenanceEvents()) {
            seen.add("provenance: " + event.getEventType() + " " + event.getTransitUri() + " " + event.getDetails()
                    + " " + event.getAttributes() + " " + event.getPreviousAttributes() + " "
                    + event.getUpdatedAttributes());
        }
        seen.addAll(counterNames(runner));
    }

    private static void collectFlowFiles(
            final List<String> seen, final TestRunner runner, final String... relationships) {
        for (final String relationship : relationships) {
            for (final MockFlowFile flowFile : runner.getFlowFilesForRelationship(relationship)) {
                seen.add("attributes on " + relationship + ": " + flowFile.getAttributes());
                seen.add("content on " + relationship + ": " + flowFile.getContent());
            }
        }
    }

    private static String describe(final LogMessage message) {
        final StringBuilder text = new StringBuilder("component log: ").append(message.getMsg());
        if (message.getArgs() != null) {
            for (final Object argument : message.getArgs()) {
                text.append(" | ")
                        .append(argument instanceof Throwable failure ? LogCapture.stackTrace(failure) : argument);
            }
        }
        if (message.getThrowable() != null) {
            text.append('\n').append(LogCapture.stackTrace(message.getThrowable()));
        }
        return text.toString();
    }

    /** nifi-mock offers no list of counters: read the names from its shared session state. */
    private static List<String> counterNames(final TestRunner runner) {
        try {
            final Field sharedState = runner.getClass().getDeclaredField("sharedState");
            sharedState.setAccessible(true);
            final Object state = sharedState.get(runner);
            final Field counters = state.getClass().getDeclaredField("counterMap");
            counters.setAccessible(true);
            return ((Map<?, ?>) counters.get(state))
                    .keySet().stream().map(name -> "counter: " + name).toList();
        } catch (final ReflectiveOperationException e) {
            throw new IllegalStateException("nifi-mock's internals changed: update counterNames()", e);
        }
    }

    /**
     * No text holds a secret, nor its base64 or URL encoding, nor any line of a PEM body (a partial key is as bad as
     * a whole one).
     */
    private static void assertNoSecretIn(final List<String> seen, final List<String> secrets, final List<String> pems) {
        final List<String> forbidden = new ArrayList<>();
        for (final String secret : secrets) {
            final byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            forbidden.add(secret);
            forbidden.add(Base64.getEncoder().encodeToString(bytes));
            forbidden.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
            forbidden.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
        }
        for (final String pem : pems) {
            pem.lines()
                    .filter(line -> !line.startsWith("-----") && line.length() >= 16)
                    .forEach(forbidden::add);
            forbidden.add(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)));
        }
        assertThat(seen).hasSizeGreaterThan(10);
        for (final String text : seen) {
            for (final String secret : forbidden) {
                assertThat(text)
                        .as("a captured text holds a secret (or its encoding)")
                        .doesNotContain(secret);
            }
        }
    }
}
