package io.snowstream.nifi.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class S3ObjectUploadTest {

    @RegisterExtension
    static final S3MockServer S3 = new S3MockServer();

    private static final String BUCKET = "uploads";
    private static final int MIB = 1024 * 1024;
    private final RetryPolicy retryPolicy = new RetryPolicy(2, Duration.ofMillis(1), () -> true);

    @BeforeAll
    static void createBucket() {
        S3.createBucket(BUCKET);
    }

    @Test
    void objectWithinTheThresholdIsOnePutObject() throws Exception {
        final byte[] content = randomBytes(3 * MIB);
        final S3ObjectUpload upload = upload("small", 8 * MIB, 5 * MIB);
        upload.write(content);

        final S3ObjectUpload.UploadResult result = upload.complete();

        assertThat(result.uploadId()).isNull();
        assertThat(result.requests()).isEqualTo(1);
        assertThat(S3.content(BUCKET, "small")).isEqualTo(content);
    }

    @Test
    void objectAboveTheThresholdIsSentInParts() throws Exception {
        final byte[] content = randomBytes(13 * MIB + 17);
        final S3ObjectUpload upload = upload("large", 5 * MIB, 5 * MIB);
        for (int offset = 0; offset < content.length; offset += 100_000) {
            upload.write(content, offset, Math.min(100_000, content.length - offset));
        }

        final S3ObjectUpload.UploadResult result = upload.complete();

        assertThat(result.uploadId()).isNotNull();
        assertThat(result.parts()).isEqualTo(3);
        assertThat(result.requests()).isEqualTo(5);
        assertThat(result.bytes()).isEqualTo(content.length);
        assertThat(S3.content(BUCKET, "large")).isEqualTo(content);
        assertThat(S3.openMultipartUploads(BUCKET)).isEmpty();
    }

    @Test
    void thresholdAbovePartSizeSendsFullPartsAndTheRestAsTheLastPart() throws Exception {
        final byte[] content = randomBytes(17 * MIB);
        final S3ObjectUpload upload = upload("mixed", 12 * MIB, 5 * MIB);
        upload.write(content);

        final S3ObjectUpload.UploadResult result = upload.complete();

        // 12 MiB buffered, two 5 MiB parts sent, then the last 7 MiB as the final part
        assertThat(result.parts()).isEqualTo(3);
        assertThat(S3.content(BUCKET, "mixed")).isEqualTo(content);
    }

    @Test
    void partsNotAlignedWithTheBufferBlocksKeepEveryByteInOrder() throws Exception {
        final byte[] content = randomBytes(19 * MIB + 333);
        final int partSize = 5 * MIB + 12_345;
        final S3ObjectUpload upload = upload("unaligned", partSize, partSize);
        for (int offset = 0, chunk = 1; offset < content.length; offset += chunk, chunk = chunk * 3 % 700_001 + 1) {
            upload.write(content, offset, Math.min(chunk, content.length - offset));
        }

        final S3ObjectUpload.UploadResult result = upload.complete();

        assertThat(result.parts()).isEqualTo(4);
        assertThat(result.bytes()).isEqualTo(content.length);
        assertThat(S3.content(BUCKET, "unaligned")).isEqualTo(content);
    }

    @Test
    void abortRemovesTheUnfinishedMultipartUpload() throws Exception {
        final S3ObjectUpload upload = upload("abandoned", 5 * MIB, 5 * MIB);
        upload.write(randomBytes(11 * MIB));
        assertThat(S3.openMultipartUploads(BUCKET)).extracting(u -> u.key()).contains("abandoned");

        assertThat(upload.abort()).isTrue();

        assertThat(S3.openMultipartUploads(BUCKET)).extracting(u -> u.key()).doesNotContain("abandoned");
        assertThat(S3.objects(BUCKET)).extracting(o -> o.key()).doesNotContain("abandoned");
    }

    private S3ObjectUpload upload(final String key, final int threshold, final int partSize) {
        final ObjectTarget target = new ObjectTarget(
                BUCKET, key, "text/csv", "STANDARD", ServerSideEncryption.NONE, null, Map.of("record-count", "0"));
        return new S3ObjectUpload(S3.client(), target, retryPolicy, threshold, partSize);
    }

    private static byte[] randomBytes(final int length) {
        final byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }
}
