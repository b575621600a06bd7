package io.snowstream.nifi.s3;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.apache.ProxyConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetUrlRequest;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;

/**
 * One S3 client with everything it owns (HTTP connection pool, STS client, credentials refresher), built once per
 * configuration and closed as a whole. The SDK's own retries are switched off: {@link RetryPolicy} is the single
 * place that decides what is retried, per request, so its bounds hold exactly.
 */
public final class S3Connection implements AutoCloseable {

    private final S3Client client;
    private final List<AutoCloseable> owned;

    private S3Connection(final S3Client client, final List<AutoCloseable> owned) {
        this.client = client;
        this.owned = owned;
    }

    public static S3Connection open(final S3ConnectionSettings settings) {
        final List<AutoCloseable> owned = new ArrayList<>();
        try {
            final SdkHttpClient httpClient = httpClient(settings);
            owned.add(httpClient);
            final Region region = Region.of(settings.region());
            final AwsCredentialsProvider credentials =
                    credentialsProvider(settings.credentials(), region, httpClient, owned);
            final S3ClientBuilder builder = S3Client.builder()
                    .region(region)
                    .httpClient(httpClient)
                    .credentialsProvider(credentials)
                    .forcePathStyle(settings.pathStyleAccess())
                    .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry()));
            if (settings.endpointOverride() != null) {
                builder.endpointOverride(settings.endpointOverride());
            }
            final S3Client client = builder.build();
            owned.addFirst(client);
            return new S3Connection(client, owned);
        } catch (final RuntimeException e) {
            closeAll(owned, e);
            throw e;
        }
    }

    /** One HTTP client for S3 and STS alike, so that both go through the same proxy and trust the same CAs. */
    private static SdkHttpClient httpClient(final S3ConnectionSettings settings) {
        final ApacheHttpClient.Builder builder =
                ApacheHttpClient.builder().connectionTimeout(settings.timeout()).socketTimeout(settings.timeout());
        final HttpProxy proxy = settings.proxy();
        if (proxy != null) {
            final ProxyConfiguration.Builder configuration = ProxyConfiguration.builder()
                    .endpoint(URI.create("http://" + proxy.host() + ':' + proxy.port()))
                    // the proxy configured in NiFi is the only one: none from the JVM's properties or the environment
                    .useSystemPropertyValues(false)
                    .useEnvironmentVariableValues(false);
            if (proxy.userName() != null) {
                configuration.username(proxy.userName()).password(proxy.password());
            }
            builder.proxyConfiguration(configuration.build());
        }
        final TlsTrust tls = settings.tlsTrust();
        if (tls != null) {
            builder.tlsTrustManagersProvider(() -> new TrustManager[] {tls.trustManager()});
            if (tls.keyManager() != null) {
                builder.tlsKeyManagersProvider(() -> new KeyManager[] {tls.keyManager()});
            }
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentialsProvider(
            final CredentialsSettings settings,
            final Region region,
            final SdkHttpClient httpClient,
            final List<AutoCloseable> owned) {
        final AwsCredentialsProvider base;
        if (settings.source() == CredentialsSettings.Source.STATIC_KEYS) {
            base = StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()));
        } else {
            final DefaultCredentialsProvider chain =
                    DefaultCredentialsProvider.builder().build();
            owned.addFirst(chain);
            base = chain;
        }
        if (!settings.assumesRole()) {
            return base;
        }
        final StsClient sts = StsClient.builder()
                .region(region)
                .httpClient(httpClient)
                .credentialsProvider(base)
                .build();
        owned.addFirst(sts);
        final AssumeRoleRequest.Builder assumeRole =
                AssumeRoleRequest.builder().roleArn(settings.roleArn()).roleSessionName(settings.sessionName());
        if (settings.externalId() != null && !settings.externalId().isBlank()) {
            assumeRole.externalId(settings.externalId());
        }
        final StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(assumeRole.build())
                .build();
        owned.addFirst(provider);
        return provider;
    }

    public S3Client client() {
        return client;
    }

    /** The object's HTTP(S) URL as the client addresses it (endpoint override and path style included). */
    public String url(final String bucket, final String key) {
        return client.utilities()
                .getUrl(GetUrlRequest.builder().bucket(bucket).key(key).build())
                .toExternalForm();
    }

    @Override
    public void close() {
        closeAll(owned, null);
    }

    private static void closeAll(final List<AutoCloseable> resources, final RuntimeException primary) {
        for (final AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (final Exception e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                }
            }
        }
    }
}
