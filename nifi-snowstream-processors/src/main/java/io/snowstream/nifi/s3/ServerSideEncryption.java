package io.snowstream.nifi.s3;

/** Server-side encryption of the stored object. */
public enum ServerSideEncryption {
    NONE(null),
    /** S3-managed keys. */
    SSE_S3("AES256"),
    /** A KMS key: the account's S3 default key, or the key id given. */
    SSE_KMS("aws:kms");

    private final String headerValue;

    ServerSideEncryption(final String headerValue) {
        this.headerValue = headerValue;
    }

    /** The value of the {@code x-amz-server-side-encryption} header, or null for none. */
    public String headerValue() {
        return headerValue;
    }
}
