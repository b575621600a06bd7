package io.snowstream.nifi.s3;

import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * Whom the client trusts for TLS, and the certificate it shows when the store asks for one, in place of the JVM's
 * defaults: for an S3-compatible store with a private certificate authority.
 *
 * @param keyManager null when the client presents no certificate
 */
public record TlsTrust(X509TrustManager trustManager, X509KeyManager keyManager) {}
