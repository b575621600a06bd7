package io.snowstream.nifi.processors;

import io.snowstream.nifi.s3.S3MockServer;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;

/**
 * The PutS3Batch runner every S3Mock-backed test starts from: static test keys, path-style access, batches flushed on
 * every trigger and retries without a real back-off, so that a test sets only what it is about.
 */
public final class PutS3BatchRunners {

    private PutS3BatchRunners() {}

    /** A PutS3Batch runner writing to {@code bucket} on {@code s3}. */
    public static TestRunner against(final S3MockServer s3, final String bucket) {
        final TestRunner runner = TestRunners.newTestRunner(PutS3Batch.class);
        runner.setProperty(PutS3Batch.BUCKET, bucket);
        runner.setProperty(PutS3Batch.REGION, "us-east-1");
        runner.setProperty(PutS3Batch.CREDENTIALS_SOURCE, PutS3Batch.CREDENTIALS_STATIC_KEYS);
        runner.setProperty(PutS3Batch.ACCESS_KEY_ID, S3MockServer.ACCESS_KEY_ID);
        runner.setProperty(PutS3Batch.SECRET_ACCESS_KEY, S3MockServer.SECRET_ACCESS_KEY);
        runner.setProperty(PutS3Batch.ENDPOINT_OVERRIDE, s3.endpoint().toString());
        runner.setProperty(PutS3Batch.PATH_STYLE_ACCESS, "true");
        runner.setProperty(PutS3Batch.MAX_BATCH_AGE, "0 sec");
        runner.setProperty(PutS3Batch.INITIAL_RETRY_DELAY, "1 millis");
        return runner;
    }
}
