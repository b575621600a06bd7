package io.snowstream.nifi.s3;

import java.io.IOException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * An upload that did not end in a durably stored object, with what S3 said about it in the vocabulary of NiFi's
 * {@code s3.statusCode}, {@code s3.errorCode} and {@code s3.errorMessage} attributes.
 */
public final class S3UploadException extends IOException {

    /** Status code when the failure never reached S3 (connection refused, timeout, ...). */
    public static final int NO_STATUS = -1;

    private final int statusCode;
    private final String errorCode;

    public S3UploadException(
            final String message, final int statusCode, final String errorCode, final Throwable cause) {
        super(message, cause);
        this.statusCode = statusCode;
        this.errorCode = errorCode;
    }

    /** Translates whatever the SDK threw for a request into the S3 vocabulary. */
    public static S3UploadException of(final String operation, final RuntimeException failure) {
        if (failure instanceof AwsServiceException service) {
            final String code = service.awsErrorDetails() == null
                    ? null
                    : service.awsErrorDetails().errorCode();
            final String message = service.awsErrorDetails() == null
                            || service.awsErrorDetails().errorMessage() == null
                    ? service.getMessage()
                    : service.awsErrorDetails().errorMessage();
            return new S3UploadException(operation + " failed: " + message, service.statusCode(), code, failure);
        }
        return new S3UploadException(
                operation + " failed: " + failure.getMessage(),
                NO_STATUS,
                failure.getClass().getSimpleName(),
                failure);
    }

    public int statusCode() {
        return statusCode;
    }

    /** S3's error code (e.g. {@code NoSuchBucket}), or the exception type when S3 gave none. */
    public String errorCode() {
        return errorCode;
    }
}
