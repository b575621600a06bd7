package io.snowstream.nifi.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS material of a test cluster, made by the project's own {@code deploy/cluster/make-certificates.sh} (what
 * {@code docker compose --profile cluster} runs) with the JDK's keytool: one CA, a PKCS12 keystore per node (valid for
 * localhost and 127.0.0.1, server and client authentication), one truststore with the CA alone, and the admin's client
 * certificate, also as PEM for curl. Every store has the one password the script generated.
 */
final class TestCertificateAuthority {

    /** keytool's key generation is slow on a loaded machine: five key pairs. */
    private static final long TIMEOUT_MINUTES = 15;

    private final Path directory;
    private final String password;

    private TestCertificateAuthority(final Path directory, final String password) {
        this.directory = directory;
        this.password = password;
    }

    /** Runs the script in {@code directory} for the admin {@code admin} and the nodes {@code nodes}. */
    static TestCertificateAuthority create(final Path directory, final String admin, final List<String> nodes) {
        final Path repository = Path.of(System.getProperty("snowstream.repository.root", ".."))
                .toAbsolutePath()
                .normalize();
        final List<String> command = new ArrayList<>(List.of(
                "bash",
                repository.resolve("deploy/cluster/make-certificates.sh").toString(),
                directory.toString(),
                admin));
        command.addAll(nodes);
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // the script's keytool and java: the JDK the tests run on
        builder.environment()
                .put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        try {
            final Process process = builder.start();
            process.getOutputStream().close();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("deploy/cluster/make-certificates.sh failed: " + output);
            }
            return new TestCertificateAuthority(
                    directory,
                    Files.readString(directory.resolve("store-password")).trim());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String password() {
        return password;
    }

    /** The truststore every party uses: the CA's certificate, nothing else. */
    Path truststore() {
        return directory.resolve("truststore.p12");
    }

    /** The CA's certificate as PEM, for curl's {@code --cacert}. */
    Path caCertificatePem() {
        return directory.resolve("ca.pem");
    }

    /** The PKCS12 keystore of a node or of the admin. */
    Path keystore(final String name) {
        return directory.resolve(name + ".p12");
    }

    /** The admin's key and certificate chain as PEM, for curl's {@code --cert}. */
    Path pem(final String admin) {
        return directory.resolve(admin + "-key-and-chain.pem");
    }

    /** The distinguished name NiFi sees for the certificate of {@code name}: its user identity. */
    static String identity(final String name) {
        return "CN=" + name;
    }

    /** A client's TLS context: the key of {@code name}'s keystore and trust in the CA alone. */
    SSLContext clientContext(final String name) {
        try {
            final KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(keystore(name)), password.toCharArray());
            final TrustManagerFactory trust =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(truststore()));
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), new SecureRandom());
            return context;
        } catch (final Exception e) {
            throw new IllegalStateException("cannot build a TLS context for " + name, e);
        }
    }

    private KeyStore load(final Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            return store;
        }
    }
}
