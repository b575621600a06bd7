package io.snowstream.nifi.processors;

import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.s3.ForwardProxy;
import io.snowstream.nifi.s3.S3MockServer;
import io.snowstream.nifi.s3.StaticProxyService;
import java.io.IOException;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;
import org.apache.nifi.controller.AbstractControllerService;
import org.apache.nifi.proxy.ProxyConfiguration;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.ssl.SSLContextProvider;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PutS3Batch with NiFi's Proxy Configuration Service and SSL Context Service, against S3Mock (a real S3 API server):
 * through a loopback forward proxy that demands credentials, and over https with S3Mock's own certificate as the
 * only trusted authority. The two services are test implementations of NiFi's service interfaces (emulated), the
 * HTTP client, the proxy protocol and TLS are real.
 */
class PutS3BatchProxyAndTlsTest {

    @RegisterExtension
    static final S3MockServer S3 = new S3MockServer();

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static final String PROXY_USER = "proxy-user";
    private static final String PROXY_PASSWORD = "proxy-Passw0rd";

    private ForwardProxy proxy;
    private TestRunner runner;
    private String bucket;

    @BeforeEach
    void setUp() throws IOException {
        proxy = new ForwardProxy(PROXY_USER, PROXY_PASSWORD);
        bucket = "proxied-" + BUCKETS.incrementAndGet();
        S3.createBucket(bucket);
        runner = PutS3BatchRunners.against(S3, bucket);
        runner.setProperty(PutS3Batch.MAX_ATTEMPTS, "2");
    }

    @AfterEach
    void tearDown() throws IOException {
        proxy.close();
    }

    @Test
    void storesThroughAProxyThatDemandsCredentials() throws InitializationException {
        useProxy(PROXY_USER, PROXY_PASSWORD);

        enqueueOneRecord();
        runner.run();

        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_SUCCESS, 1);
        final String key = runner.getFlowFilesForRelationship(PutS3Batch.REL_SUCCESS)
                .getFirst()
                .getAttribute("s3.key");
        assertThat(S3.content(bucket, key)).isNotEmpty();
        assertThat(proxy.challenges())
                .as("the client first met the 407 challenge")
                .isPositive();
        assertThat(proxy.forwardedRequestLines())
                .anyMatch(line -> line.startsWith("PUT " + S3.endpoint() + "/" + bucket + "/" + key + " "));
    }

    @Test
    void aProxyRefusingTheCredentialsSendsTheBatchToFailureWithTheReason() throws InitializationException {
        useProxy(PROXY_USER, "not-the-password");

        enqueueOneRecord();
        runner.run();

        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_FAILURE, 1);
        final MockFlowFile input =
                runner.getFlowFilesForRelationship(PutS3Batch.REL_FAILURE).getFirst();
        assertThat(input.getAttribute("s3.errorMessage")).contains("407").doesNotContain("not-the-password");
        assertThat(proxy.forwardedRequestLines()).isEmpty();
        assertThat(S3.objects(bucket)).isEmpty();
    }

    @Test
    void storesOverHttpsTrustingOnlyTheStoresAuthorityTunnelledThroughTheProxy() throws Exception {
        runner.setProperty(PutS3Batch.ENDPOINT_OVERRIDE, S3.httpsEndpoint().toString());
        useTrust(trustOnly(S3.httpsEndpoint()));
        useProxy(PROXY_USER, PROXY_PASSWORD);

        enqueueOneRecord();
        runner.run();

        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_SUCCESS, 1);
        final MockFlowFile object =
                runner.getFlowFilesForRelationship(PutS3Batch.REL_SUCCESS).getFirst();
        assertThat(object.getAttribute("s3.url")).startsWith("https://localhost:");
        assertThat(S3.content(bucket, object.getAttribute("s3.key"))).isNotEmpty();
        assertThat(proxy.forwardedRequestLines())
                .contains("CONNECT localhost:" + S3.httpsEndpoint().getPort() + " HTTP/1.1");
    }

    @Test
    void withoutTheSslContextServiceTheStoresCertificateIsRefused() {
        runner.setProperty(PutS3Batch.ENDPOINT_OVERRIDE, S3.httpsEndpoint().toString());

        enqueueOneRecord();
        runner.run();

        runner.assertAllFlowFilesTransferred(PutS3Batch.REL_FAILURE, 1);
        assertThat(runner.getFlowFilesForRelationship(PutS3Batch.REL_FAILURE)
                        .getFirst()
                        .getAttribute("s3.errorMessage"))
                .containsIgnoringCase("certification path");
        assertThat(S3.objects(bucket)).isEmpty();
    }

    @Test
    void aSocksProxyIsRefusedAtValidation() throws InitializationException {
        final ProxyConfiguration socks = new ProxyConfiguration();
        socks.setProxyType(Proxy.Type.SOCKS);
        socks.setProxyServerHost(proxy.host());
        socks.setProxyServerPort(proxy.port());
        addProxyService(new StaticProxyService(socks));

        assertThat(ValidationMessages.of(runner)).anyMatch(message -> message.contains("SOCKS"));
    }

    private void useProxy(final String user, final String password) throws InitializationException {
        addProxyService(StaticProxyService.http(proxy.host(), proxy.port(), user, password));
        runner.assertValid();
    }

    private void addProxyService(final StaticProxyService service) throws InitializationException {
        runner.addControllerService("proxy", service);
        runner.enableControllerService(service);
        runner.setProperty(PutS3Batch.PROXY_CONFIGURATION_SERVICE, "proxy");
    }

    private void useTrust(final X509TrustManager trustManager) throws InitializationException {
        final TrustOnlySslContextProvider service = new TrustOnlySslContextProvider(trustManager);
        runner.addControllerService("tls", service);
        runner.enableControllerService(service);
        runner.setProperty(PutS3Batch.SSL_CONTEXT_SERVICE, "tls");
    }

    private void enqueueOneRecord() {
        runner.enqueue(
                (CustomerCsvFormat.HEADER + "\n1,Ada,Lovelace,ada@example.com,1 Main St,London,England,"
                                + "United Kingdom,2026-11-23T10:15:30.123Z,U\n")
                        .getBytes(StandardCharsets.UTF_8),
                Map.of("record.count", "1"));
    }

    /**
     * A trust store holding only the certificate the server presents, as a private CA's root would be: read from a
     * handshake that trusts anything, then used to trust nothing else.
     */
    private static X509TrustManager trustOnly(final URI server) throws GeneralSecurityException, IOException {
        final SSLContext anything = SSLContext.getInstance("TLS");
        anything.init(null, new TrustManager[] {new AcceptingTrustManager()}, null);
        final Certificate[] chain;
        try (SSLSocket socket =
                (SSLSocket) anything.getSocketFactory().createSocket(server.getHost(), server.getPort())) {
            socket.startHandshake();
            chain = socket.getSession().getPeerCertificates();
        }
        final KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
        trustStore.load(null, null);
        trustStore.setCertificateEntry("s3mock", chain[chain.length - 1]);
        final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trustStore);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }

    /** Only to read the server's certificate once; never handed to the processor. */
    private static final class AcceptingTrustManager implements X509TrustManager {
        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType) {}

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** NiFi's SSL Context Service interface with a trust store only, as for a store behind a private CA. */
    private static final class TrustOnlySslContextProvider extends AbstractControllerService
            implements SSLContextProvider {
        private final X509TrustManager trustManager;

        TrustOnlySslContextProvider(final X509TrustManager trustManager) {
            this.trustManager = trustManager;
        }

        @Override
        public SSLContext createContext() {
            try {
                final SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {trustManager}, null);
                return context;
            } catch (final GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Optional<X509ExtendedKeyManager> createKeyManager() {
            return Optional.empty();
        }

        @Override
        public X509TrustManager createTrustManager() {
            return trustManager;
        }
    }
}
