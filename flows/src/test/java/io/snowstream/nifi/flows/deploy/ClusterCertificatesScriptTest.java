package io.snowstream.nifi.flows.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/cluster/make-certificates.sh, run with this JDK's keytool and java as the cluster-certificates service of
 * docker compose runs it: one CA, node keystores the CA certified for the names the nodes are reached by, a
 * truststore with the CA alone, the operator's certificate also as PEM; a second run changes nothing. (The stores
 * working in a real NiFi cluster is CustomerStreamClusterSystemTest's part: it makes its certificates with this script.)
 */
class ClusterCertificatesScriptTest {

    private static final Path SCRIPT = DeployScripts.REPOSITORY_ROOT.resolve("deploy/cluster/make-certificates.sh");

    @TempDir
    Path directory;

    @Test
    void makesOneCaNodeKeystoresTheTruststoreAndTheOperatorsCertificateOnce() throws Exception {
        final Map<String, String> jdk =
                Map.of("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        final ScriptRun run = ScriptRun.run(SCRIPT, jdk, directory.toString(), "snowstream-admin", "nifi-node-1");
        assertThat(run.exitCode()).as(run.output()).isZero();
        final char[] password =
                Files.readString(directory.resolve("store-password")).trim().toCharArray();
        assertThat(password).hasSizeGreaterThanOrEqualTo(20);
        assertThat(run.output()).doesNotContain(new String(password));
        final String sensitivePropertiesKey =
                Files.readString(directory.resolve("sensitive-properties-key")).trim();
        assertThat(sensitivePropertiesKey)
                .as("one key for every node, which NiFi accepts and start.sh can write")
                .hasSizeGreaterThanOrEqualTo(12)
                .doesNotContain("|", "&", "\\")
                .isNotEqualTo(new String(password));

        final KeyStore truststore = load(directory.resolve("truststore.p12"), password);
        assertThat(Collections.list(truststore.aliases())).hasSize(1);
        final X509Certificate ca = (X509Certificate)
                truststore.getCertificate(Collections.list(truststore.aliases()).getFirst());
        assertThat(truststore.isCertificateEntry(
                        Collections.list(truststore.aliases()).getFirst()))
                .isTrue();
        assertThat(ca.getBasicConstraints()).as("the CA may sign").isGreaterThanOrEqualTo(0);

        final KeyStore node = load(directory.resolve("nifi-node-1.p12"), password);
        final Certificate[] chain = node.getCertificateChain("nifi-node-1");
        assertThat(node.isKeyEntry("nifi-node-1")).isTrue();
        assertThat(chain).hasSize(2);
        final X509Certificate nodeCertificate = (X509Certificate) chain[0];
        nodeCertificate.verify(ca.getPublicKey());
        assertThat(nodeCertificate.getSubjectX500Principal().getName()).isEqualTo("CN=nifi-node-1");
        assertThat(nodeCertificate.getSubjectAlternativeNames())
                .extracting(name -> String.valueOf(name.get(1)))
                .containsExactlyInAnyOrder("nifi-node-1", "localhost", "127.0.0.1");
        assertThat(nodeCertificate.getExtendedKeyUsage())
                .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");

        final KeyStore admin = load(directory.resolve("snowstream-admin.p12"), password);
        ((X509Certificate) admin.getCertificate("snowstream-admin")).verify(ca.getPublicKey());
        final String pem =
                Files.readString(directory.resolve("snowstream-admin-key-and-chain.pem"), StandardCharsets.US_ASCII);
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
        final List<Certificate> pemChain = List.copyOf(CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(
                        pem.substring(pem.indexOf("-----BEGIN CERTIFICATE")).getBytes(StandardCharsets.US_ASCII))));
        assertThat(pemChain).isEqualTo(List.of(admin.getCertificateChain("snowstream-admin")));

        // re-run: the nodes keep their keys and identities
        final byte[] nodeBefore = Files.readAllBytes(directory.resolve("nifi-node-1.p12"));
        final byte[] caBefore = Files.readAllBytes(directory.resolve("ca.pem"));
        final ScriptRun again = ScriptRun.run(SCRIPT, jdk, directory.toString(), "snowstream-admin", "nifi-node-1");
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(Files.readAllBytes(directory.resolve("nifi-node-1.p12"))).isEqualTo(nodeBefore);
        assertThat(Files.readAllBytes(directory.resolve("ca.pem"))).isEqualTo(caBefore);
        assertThat(Files.readString(directory.resolve("sensitive-properties-key"))
                        .trim())
                .isEqualTo(sensitivePropertiesKey);
    }

    @Test
    void refusesToRunWithoutANode() {
        final ScriptRun run = ScriptRun.run(SCRIPT, Map.of(), directory.toString(), "snowstream-admin");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("usage:");
    }

    private static KeyStore load(final Path file, final char[] password) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return store;
        }
    }
}
