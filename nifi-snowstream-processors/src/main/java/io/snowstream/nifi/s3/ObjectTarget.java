package io.snowstream.nifi.s3;

import java.util.Map;

/**
 * Where and how one object is stored.
 *
 * @param storageClass an S3 storage class name such as {@code STANDARD}
 * @param kmsKeyId the KMS key for {@link ServerSideEncryption#SSE_KMS}, or null for the account's default key
 * @param metadata user metadata, sent as {@code x-amz-meta-*} headers
 */
public record ObjectTarget(
        String bucket,
        String key,
        String contentType,
        String storageClass,
        ServerSideEncryption encryption,
        String kmsKeyId,
        Map<String, String> metadata) {

    public ObjectTarget {
        metadata = Map.copyOf(metadata);
    }

    /** The object's address in the form used for provenance transit URIs. */
    public String transitUri() {
        return "s3://" + bucket + "/" + key;
    }
}
