package io.snowstream.nifi.s3;

/**
 * An HTTP proxy that every request to S3 and STS goes through: plain requests are forwarded, https ones tunnelled
 * with CONNECT.
 *
 * @param userName null when the proxy needs no credentials
 */
public record HttpProxy(String host, int port, String userName, String password) {

    /** Never prints the password, so settings are safe to log. */
    @Override
    public String toString() {
        return "HttpProxy[" + host + ':' + port + (userName == null ? "" : ", user " + userName) + "]";
    }
}
