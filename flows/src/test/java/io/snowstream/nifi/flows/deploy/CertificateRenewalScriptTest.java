package io.snowstream.nifi.flows.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/nifi/renew-generated-certificate.sh against key stores made with keytool the way NiFi 2.8's bootstrap makes
 * its self-signed one (issuer CN=localhost, DNS names localhost, the host name and the proxy hosts, 60 days), in a
 * NIFI_HOME laid out as the image's: what NiFi then does with the blanked properties (generate anew) is NiFi's own
 * behaviour, read from its bootstrap (SecurityApplicationPropertyHandler), not run here.
 */
class CertificateRenewalScriptTest {

    private static final Path SCRIPT =
            DeployScripts.REPOSITORY_ROOT.resolve("deploy/nifi/renew-generated-certificate.sh");
    private static final String PASSWORD = "generatedKeystorePassword1";

    @TempDir
    Path nifiHome;

    private void nifiWithCertificate(final String issuer, final int validityDays, final String... dnsNames)
            throws Exception {
        final Path conf = Files.createDirectories(nifiHome.resolve("conf"));
        final String san = "SAN="
                + String.join(
                        ",",
                        java.util.Arrays.stream(dnsNames)
                                .map(name -> "dns:" + name)
                                .toList());
        final Process keytool = new ProcessBuilder(
                        "keytool",
                        "-genkeypair",
                        "-alias",
                        "generated",
                        "-keyalg",
                        "EC",
                        "-dname",
                        issuer,
                        "-ext",
                        san,
                        "-validity",
                        String.valueOf(validityDays),
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        conf.resolve("keystore.p12").toString(),
                        "-storepass",
                        PASSWORD)
                .redirectErrorStream(true)
                .start();
        final String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor()).as(output).isZero();
        Files.writeString(conf.resolve("truststore.p12"), "trust store");
        Files.writeString(
                conf.resolve("nifi.properties"),
                String.join(
                        "\n",
                        List.of(
                                "nifi.web.https.port=8443",
                                "nifi.security.keystore=./conf/keystore.p12",
                                "nifi.security.keystoreType=PKCS12",
                                "nifi.security.keystorePasswd=" + PASSWORD,
                                "nifi.security.keyPasswd=" + PASSWORD,
                                "nifi.security.truststore=./conf/truststore.p12",
                                "nifi.security.truststoreType=PKCS12",
                                "nifi.security.truststorePasswd=trustPassword1",
                                "")));
    }

    private ScriptRun renew(final String hostname, final String proxyHosts) {
        return ScriptRun.run(
                SCRIPT,
                Map.of("NIFI_HOME", nifiHome.toString(), "HOSTNAME", hostname, "NIFI_WEB_PROXY_HOST", proxyHosts));
    }

    private String properties() throws IOException {
        return Files.readString(nifiHome.resolve("conf/nifi.properties"));
    }

    @Test
    void keepsAGeneratedCertificateThatNamesTheHostAndIsFarFromExpiry() throws Exception {
        nifiWithCertificate("CN=localhost", 60, "localhost", "nifi");

        final ScriptRun run = renew("nifi", "localhost:8443,nifi:8443");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(nifiHome.resolve("conf/keystore.p12")).exists();
        assertThat(properties()).contains("nifi.security.keystorePasswd=" + PASSWORD);
    }

    @Test
    void renewsTheGeneratedCertificateWhenTheHostNameChanged() throws Exception {
        nifiWithCertificate("CN=localhost", 60, "localhost", "ec2-203-0-113-7.eu-west-1.compute.amazonaws.com");

        final ScriptRun run = renew(
                "ec2-198-51-100-9.eu-west-1.compute.amazonaws.com",
                "localhost:8443,ec2-198-51-100-9.eu-west-1.compute.amazonaws.com:8443");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("does not name ec2-198-51-100-9.eu-west-1.compute.amazonaws.com");
        assertRemovedForNiFiToGenerateAgain();
    }

    @Test
    void renewsTheGeneratedCertificateBeforeItExpires() throws Exception {
        nifiWithCertificate("CN=localhost", 5, "localhost", "nifi");

        final ScriptRun run = renew("nifi", "localhost:8443,nifi:8443");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("it expires");
        assertRemovedForNiFiToGenerateAgain();
    }

    @Test
    void neverTouchesACertificateOfTheOperatorsOwn() throws Exception {
        nifiWithCertificate("CN=nifi.example.com, O=Example", 5, "nifi.example.com");

        final ScriptRun run = renew("nifi", "localhost:8443,nifi:8443");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(nifiHome.resolve("conf/keystore.p12")).exists();
        assertThat(properties()).contains("nifi.security.keystorePasswd=" + PASSWORD);
    }

    @Test
    void leavesAFirstStartToNiFi() throws IOException {
        Files.createDirectories(nifiHome.resolve("conf"));
        Files.writeString(
                nifiHome.resolve("conf/nifi.properties"),
                "nifi.security.keystore=./conf/keystore.p12\nnifi.security.keystorePasswd=\n");

        final ScriptRun run = renew("nifi", "");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).isEmpty();
    }

    /** What NiFi's bootstrap needs to generate a certificate: both stores absent and their passwords blank. */
    private void assertRemovedForNiFiToGenerateAgain() throws IOException {
        assertThat(nifiHome.resolve("conf/keystore.p12")).doesNotExist();
        assertThat(nifiHome.resolve("conf/truststore.p12")).doesNotExist();
        assertThat(properties())
                .contains(
                        "nifi.security.keystorePasswd=\n",
                        "nifi.security.keyPasswd=\n",
                        "nifi.security.truststorePasswd=\n",
                        "nifi.security.keystore=./conf/keystore.p12\n");
    }
}
