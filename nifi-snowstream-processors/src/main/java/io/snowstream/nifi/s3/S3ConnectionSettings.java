package io.snowstream.nifi.s3;

import java.net.URI;
import java.time.Duration;

/**
 * Everything one S3 client is built from.
 *
 * @param endpointOverride the endpoint of an S3-compatible store (MinIO, LocalStack), or null for AWS itself
 * @param pathStyleAccess address buckets as {@code endpoint/bucket/key} rather than {@code bucket.endpoint/key}
 * @param timeout connection and socket timeout of every request
 * @param proxy the proxy between NiFi and S3, or null to connect directly
 * @param tlsTrust the TLS trust and client certificate, or null for the JVM's defaults
 */
public record S3ConnectionSettings(
        String region,
        URI endpointOverride,
        boolean pathStyleAccess,
        Duration timeout,
        CredentialsSettings credentials,
        HttpProxy proxy,
        TlsTrust tlsTrust) {}
