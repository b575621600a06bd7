package io.snowstream.nifi.processors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.snowstream.nifi.snowflake.service.StandardSnowflakeConnectionService;
import io.snowstream.nifi.snowflake.stub.SnowflakeStub;
import io.snowstream.nifi.snowflake.stub.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.util.MockFlowFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input for TriggerSnowpipeRefresh and StandardSnowflakeConnectionService, with the real Snowflake JDBC
 * driver against the loopback stub: SQL-injection attempts in every value that reaches a statement, checked against
 * the exact SQL text the stub received; keys outside the stage; absurd properties; broken key material.
 */
class TriggerSnowpipeRefreshHostileInputTest extends SnowpipeStubFixture {

    private static final String PIPE_SQL = "ALTER PIPE \"ANALYTICS\".\"RAW\".\"CUSTOMER_PIPE\" REFRESH PREFIX = ";

    /** An s3.key attribute and either the exact literal Snowflake must receive or the refusal message. */
    record KeyCase(String name, String key, String expectedLiteral, String refusal) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<KeyCase> keyCases() {
        return List.of(
                new KeyCase("single quote closes nothing", "customers/o'brien.csv.gz", "'o''brien.csv.gz'", null),
                new KeyCase(
                        "quote then statement",
                        "customers/x'; DROP TABLE customer; --.csv",
                        "'x''; DROP TABLE customer; --.csv'",
                        null),
                new KeyCase("backslash cannot escape the closing quote", "customers/x\\", "'x\\\\'", null),
                new KeyCase("backslash-quote", "customers/x\\'; DROP PIPE p; --", "'x\\\\''; DROP PIPE p; --'", null),
                new KeyCase("semicolon", "customers/a;b.csv", "'a;b.csv'", null),
                new KeyCase("line comment", "customers/a--b.csv", "'a--b.csv'", null),
                new KeyCase("block comment", "customers/a/* x */b.csv", "'a/* x */b.csv'", null),
                new KeyCase("dollar quoting", "customers/$$; DROP TABLE t; $$.csv", "'$$; DROP TABLE t; $$.csv'", null),
                new KeyCase(
                        "unicode quotes are ordinary characters",
                        "customers/\u2018x\u2019\u02BC\uFF07.csv",
                        "'\u2018x\u2019\u02BC\uFF07.csv'",
                        null),
                new KeyCase("double quotes", "customers/\"x\".csv", "'\"x\".csv'", null),
                new KeyCase(
                        "NUL cannot be put in a literal",
                        "customers/a\u0000'; DROP TABLE t; --",
                        null,
                        "control character U+0000"),
                new KeyCase("line feed", "customers/a\n'; DROP TABLE t; --", null, "control character U+000A"),
                new KeyCase(
                        "parent segment climbs out of the stage",
                        "customers/../private/x.csv.gz",
                        null,
                        "has a '..' segment"),
                new KeyCase("empty segment", "customers//x.csv.gz", null, "empty path segment"),
                new KeyCase("leading slash names another object", "/customers/x.csv.gz", null, "starts with '/'"),
                new KeyCase("the stage folder itself", "customers/", null, "ends with '/'"),
                new KeyCase(
                        "a sibling folder sharing the prefix",
                        "customers-private/x.csv.gz",
                        null,
                        "is not under the pipe's stage location"),
                new KeyCase(
                        "outside the stage prefix",
                        "private/x.csv.gz",
                        null,
                        "is not under the pipe's stage location"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyCases")
    void s3KeysReachSnowflakeOnlyAsAnEscapedLiteralOrAreRefused(final KeyCase keyCase) {
        runner.enableControllerService(service);
        runner.enqueue(new byte[0], Map.of("s3.bucket", BUCKET, "s3.key", keyCase.key()));

        assertThatCode(runner::run).doesNotThrowAnyException();

        assertThat(runner.getQueueSize().getObjectCount()).isZero();
        if (keyCase.refusal() == null) {
            runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_SUCCESS, 1);
            assertThat(stub.statements())
                    .extracting(SnowflakeStub.Statement::sql)
                    .containsExactly(PIPE_SQL + keyCase.expectedLiteral());
            return;
        }
        runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_FAILURE, 1);
        final MockFlowFile failed = runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_FAILURE)
                .getFirst();
        assertThat(failed.getAttribute("snowpipe.error.message")).contains(keyCase.refusal());
        assertThat(failed.isPenalized()).isTrue();
        assertThat(stub.statements()).isEmpty();
    }

    /** The same keys through the other two paths to Snowflake: a JSON body and a JSON bind, never SQL text. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedHostileKeys")
    void hostileKeysTravelTheRestApiAsJsonAndCopyHistoryAsABind(final KeyCase keyCase) throws IOException {
        runner.setProperty(TriggerSnowpipeRefresh.NOTIFICATION_METHOD, "INSERT_FILES");
        runner.setProperty(TriggerSnowpipeRefresh.LOAD_CONFIRMATION, "COPY_HISTORY");
        runner.setProperty(TriggerSnowpipeRefresh.TARGET_TABLE, "customer_raw");
        runner.enableControllerService(service);
        runner.enqueue(new byte[0], Map.of("s3.bucket", BUCKET, "s3.key", keyCase.key()));
        final String path = keyCase.key().substring("customers/".length());

        assertThatCode(runner::run).doesNotThrowAnyException();

        runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_RETRY, 1);
        assertThat(stub.restRequests())
                .singleElement()
                .satisfies(request -> assertThat(
                                request.body().path("files").get(0).path("path").asText())
                        .isEqualTo(path));
        final MockFlowFile pending = runner.getFlowFilesForRelationship(TriggerSnowpipeRefresh.REL_RETRY)
                .getFirst();
        runner.clearTransferState();
        runner.enqueue(pending.toByteArray(), pending.getAttributes());

        assertThatCode(runner::run).doesNotThrowAnyException();

        assertThat(runner.getQueueSize().getObjectCount()).isZero();
        assertThat(stub.statements()).singleElement().satisfies(query -> {
            assertThat(query.sql()).startsWith("SELECT FILE_NAME").doesNotContain(path);
            final JsonNode files = new ObjectMapper().readTree(query.bindings().get(2));
            assertThat(files).hasSize(1);
            assertThat(files.get(0).asText()).isEqualTo(path);
        });
    }

    static Stream<KeyCase> acceptedHostileKeys() {
        return keyCases().stream().filter(keyCase -> keyCase.refusal() == null);
    }

    @ParameterizedTest(name = "bucket {0}")
    @MethodSource("foreignBuckets")
    void objectsInAnotherBucketAreNotAnnounced(final String bucket) {
        runner.enableControllerService(service);
        final Map<String, String> attributes = new HashMap<>();
        attributes.put("s3.key", "customers/x.csv.gz");
        attributes.put("s3.bucket", bucket);
        runner.enqueue(new byte[0], attributes);

        assertThatCode(runner::run).doesNotThrowAnyException();

        runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_FAILURE, 1);
        assertThat(stub.statements()).isEmpty();
    }

    static List<String> foreignBuckets() {
        return List.of(BUCKET + "-evil", "SNOWSTREAM-LANDING", BUCKET + "/customers", "", BUCKET + "\u0000");
    }

    /** Identifiers that are valid reach the statement quoted, whatever they hold. */
    @ParameterizedTest(name = "pipe {0}")
    @MethodSource("acceptedIdentifiers")
    void identifiersAreAlwaysQuotedInTheStatement(final String pipe, final String expectedSql) {
        runner.setProperty(TriggerSnowpipeRefresh.PIPE_NAME, pipe);
        runner.enableControllerService(service);
        runner.enqueue(new byte[0], Map.of("s3.bucket", BUCKET, "s3.key", "customers/a.csv.gz"));

        assertThatCode(runner::run).doesNotThrowAnyException();

        runner.assertAllFlowFilesTransferred(TriggerSnowpipeRefresh.REL_SUCCESS, 1);
        assertThat(stub.statements().getFirst().sql())
                .isEqualTo("ALTER PIPE \"ANALYTICS\".\"RAW\"." + expectedSql + " REFRESH PREFIX = 'a.csv.gz'");
    }

    static List<Object[]> acceptedIdentifiers() {
        return List.of(
                new Object[] {"select", "\"SELECT\""},
                new Object[] {"\"My Pipe\"", "\"My Pipe\""},
                new Object[] {"\"a.b\"", "\"a.b\""},
                new Object[] {"\"x\"\"; DROP TABLE t; --\"", "\"x\"\"; DROP TABLE t; --\""},
                new Object[] {"\"Kunden\u00c4nderungen\"", "\"Kunden\u00c4nderungen\""},
                new Object[] {"p".repeat(255), '"' + "P".repeat(255) + '"'});
    }

    @ParameterizedTest(name = "{0} = \"{1}\"")
    @MethodSource("refusedProperties")
    void absurdOrHostilePropertiesAreRefusedAtValidation(
            final String property, final String value, final String fragment) {
        final PropertyDescriptor descriptor = runner.getProcessor().getPropertyDescriptor(property);
        runner.setProperty(descriptor, value);

        assertThat(ValidationMessages.of(runner))
                .anySatisfy(message -> assertThat(message).contains(property).contains(fragment));
    }

    static List<Object[]> refusedProperties() {
        final String notAnIdentifier = "is not a Snowflake identifier";
        return List.of(
                new Object[] {"Pipe", "customer_pipe; DROP TABLE customer", notAnIdentifier},
                new Object[] {"Pipe", "p' OR '1'='1", notAnIdentifier},
                new Object[] {"Pipe", "\"half\"quoted\"", "must be doubled"},
                new Object[] {"Pipe", "\"\"", "1 to 255"},
                new Object[] {"Pipe", '"' + "x".repeat(256) + '"', "1 to 255"},
                new Object[] {"Pipe", "p".repeat(256), notAnIdentifier},
                new Object[] {"Pipe", "\"a\u0000b\"", "control characters"},
                new Object[] {"Pipe", "${absent.variable}", notAnIdentifier},
                new Object[] {"Database", "analytics.raw", notAnIdentifier},
                new Object[] {"Database", "my database", notAnIdentifier},
                new Object[] {"Database", "1analytics", notAnIdentifier},
                new Object[] {"Schema", "raw/* */", notAnIdentifier},
                new Object[] {"Schema", "raw--", notAnIdentifier},
                new Object[] {"Stage Location", "gcs://bucket/customers/", "must start with s3://"},
                new Object[] {"Stage Location", "S3://bucket/customers/", "must start with s3://"},
                new Object[] {"Stage Location", "file:///etc/", "must start with s3://"},
                new Object[] {"Stage Location", "s3://Bad_Bucket/customers/", "is not an S3 bucket name"},
                new Object[] {"Stage Location", "s3://bucket//customers/", "empty segments"},
                new Object[] {"Stage Location", "s3://", "is not an S3 bucket name"},
                new Object[] {"Batch Size", "0", "between 1 and 5000"},
                new Object[] {"Batch Size", "-1", "between 1 and 5000"},
                new Object[] {"Batch Size", "5001", "between 1 and 5000"},
                new Object[] {"Event Time Attribute", "", "Invalid attribute key"});
    }

    @ParameterizedTest(name = "{0} = \"{1}\"")
    @MethodSource("refusedServiceProperties")
    void absurdServicePropertiesAreRefusedAtValidation(
            final String property, final String value, final String fragment) {
        final PropertyDescriptor descriptor = service.getPropertyDescriptor(property);

        assertThat(ValidationMessages.describe(runner.setProperty(service, descriptor, value)))
                .contains(fragment);
        runner.assertNotValid(service);
    }

    static List<Object[]> refusedServiceProperties() {
        return List.of(
                new Object[] {"Login Timeout", "0 sec", "range"},
                new Object[] {"Login Timeout", "1 hour", "range"},
                new Object[] {"Network Timeout", "0 sec", "range"},
                new Object[] {"Max HTTP Retries", "0", "between 1 and 20"},
                new Object[] {"Max HTTP Retries", "21", "between 1 and 20"},
                new Object[] {"Max Pool Size", "0", "between 1 and 64"},
                new Object[] {"Max Pool Size", "-4", "between 1 and 64"},
                new Object[] {"Account Identifier", "acct; DROP", "match"},
                new Object[] {"Account Identifier", "../evil", "match"},
                new Object[] {"Account Identifier", "${absent.variable}", "match"},
                new Object[] {"User", "${absent.variable}", "User: "},
                new Object[] {"Role", "${absent.variable}", "white space"},
                new Object[] {"Account URL", "${absent.variable}", "URL"},
                new Object[] {"Private Key File", "${absent.variable}", "Private Key File: "},
                new Object[] {"Account URL", "not a url", "URL"},
                new Object[] {"Private Key File", "/no/such/rsa_key.p8", "does not exist"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenKeys")
    void brokenKeyMaterialStopsEnablingWithAClearMessage(
            final String name, final String pem, final String passphrase, final String fragment) {
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY, pem);
        if (passphrase != null) {
            runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY_PASSPHRASE, passphrase);
        }

        assertThatThrownBy(() -> runner.enableControllerService(service)).hasStackTraceContaining(fragment);
        assertThat(stub.logins()).isZero();
    }

    static List<Object[]> brokenKeys() {
        final String body =
                TestKeys.privateKeyPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return List.of(
                new Object[] {"not PEM at all", "hello", null, "no PKCS#8 PEM private key found"},
                new Object[] {
                    "PKCS#1 key",
                    "-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----\n",
                    null,
                    "PKCS#1 form"
                },
                new Object[] {
                    "PEM with a damaged body",
                    "-----BEGIN PRIVATE KEY-----\n" + body.substring(0, 201) + "\n-----END PRIVATE KEY-----\n",
                    null,
                    "not valid base64"
                },
                new Object[] {
                    "PEM with a body cut at a base64 boundary",
                    "-----BEGIN PRIVATE KEY-----\n" + body.substring(0, 200) + "\n-----END PRIVATE KEY-----\n",
                    null,
                    "not a valid PKCS#8 RSA key"
                },
                new Object[] {
                    "certificate instead of a key",
                    "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n",
                    null,
                    "no PKCS#8 PEM private key found"
                },
                new Object[] {
                    "encrypted key without passphrase", TestKeys.encryptedPrivateKeyPem(), null, "set the passphrase"
                },
                new Object[] {
                    "encrypted key with a wrong passphrase",
                    TestKeys.encryptedPrivateKeyPem(),
                    "not-it",
                    "wrong passphrase"
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenKeyFiles")
    void keyFilesThatCannotBeReadStopEnablingWithAClearMessage(
            final String name,
            final String relativePath,
            final String content,
            final String fragment,
            @TempDir final Path directory)
            throws IOException {
        final Path file = directory.resolve(relativePath);
        if (content == null) {
            Files.createDirectories(file);
        } else {
            Files.writeString(file, content);
        }
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY_FILE, file.toString());
        runner.removeProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY);

        assertThatThrownBy(() -> runner.enableControllerService(service)).hasStackTraceContaining(fragment);
    }

    static List<Object[]> brokenKeyFiles() {
        return List.of(
                new Object[] {"a directory as key file", "keys", null, "could not read the private key file"},
                new Object[] {"an empty key file", "empty.p8", "", "no PKCS#8 PEM private key found"},
                new Object[] {
                    "a public key file",
                    "rsa_key.pub",
                    "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
                    "no PKCS#8 PEM private key found"
                });
    }
}
