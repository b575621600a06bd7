package io.snowstream.nifi.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * Streams one object to S3 while it is being written, holding at most one buffer in memory. An object that ends
 * within the multipart threshold goes up in a single PutObject; a larger one becomes a multipart upload whose
 * parts are sent as the buffer fills. {@link #complete()} returns only once S3 has acknowledged the whole object
 * with an ETag; {@link #abort()} removes the parts of an unfinished multipart upload so none are left billing.
 * Not thread-safe: one upload per thread.
 */
public final class S3ObjectUpload extends OutputStream {

    /** S3's lower bound for every part but the last. */
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    /** S3's upper bound on the number of parts of one object. */
    public static final int MAX_PARTS = 10_000;

    /** The unit the buffer grows and shrinks by. */
    private static final int BLOCK_SIZE = 1024 * 1024;

    private final S3Client client;
    private final ObjectTarget target;
    private final RetryPolicy retryPolicy;
    private final int threshold;
    private final int partSize;
    /** The most the buffer grows to: one whole small object, or one part plus what did not fill the last part. */
    private final int capacity;
    /**
     * The unsent bytes, in blocks allocated as the object grows, so that small objects stay small and growing never
     * copies what is already buffered; the blocks of sent parts are kept for reuse by the next parts.
     */
    private final List<byte[]> blocks = new ArrayList<>();

    private final List<byte[]> spareBlocks = new ArrayList<>();
    /** Where the first unsent byte is in the first block. */
    private int start;

    private int buffered;

    private String uploadId;
    private final List<CompletedPart> completedParts = new ArrayList<>();
    private long bytesWritten;
    private int requests;
    private boolean finished;

    public S3ObjectUpload(
            final S3Client client,
            final ObjectTarget target,
            final RetryPolicy retryPolicy,
            final int multipartThreshold,
            final int partSize) {
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("Part size must be at least " + MIN_PART_SIZE + " bytes");
        }
        this.client = client;
        this.target = target;
        this.retryPolicy = retryPolicy;
        this.threshold = multipartThreshold;
        this.partSize = partSize;
        this.capacity = Math.max(multipartThreshold, partSize);
    }

    @Override
    public void write(final int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(final byte[] bytes, final int offset, final int length) throws IOException {
        int position = offset;
        int remaining = length;
        while (remaining > 0) {
            if (buffered == capacity) {
                sendFullParts();
            }
            final long end = (long) start + buffered;
            final int blockIndex = (int) (end / BLOCK_SIZE);
            final int blockOffset = (int) (end % BLOCK_SIZE);
            if (blockIndex == blocks.size()) {
                blocks.add(spareBlocks.isEmpty() ? new byte[BLOCK_SIZE] : spareBlocks.removeLast());
            }
            final int chunk = Math.min(remaining, Math.min(BLOCK_SIZE - blockOffset, capacity - buffered));
            System.arraycopy(bytes, position, blocks.get(blockIndex), blockOffset, chunk);
            buffered += chunk;
            position += chunk;
            remaining -= chunk;
            bytesWritten += chunk;
        }
    }

    /** Sends what is left and completes the object; returns once S3 has stored it. */
    public UploadResult complete() throws S3UploadException {
        ensureOpen();
        finished = true;
        if (uploadId == null && buffered <= threshold) {
            return putWholeObject();
        }
        if (uploadId == null) {
            startMultipart();
        }
        if (buffered > 0 || completedParts.isEmpty()) {
            sendPart(buffered);
        }
        final CompleteMultipartUploadRequest request = CompleteMultipartUploadRequest.builder()
                .bucket(target.bucket())
                .key(target.key())
                .uploadId(uploadId)
                .multipartUpload(
                        CompletedMultipartUpload.builder().parts(completedParts).build())
                .build();
        final CompleteMultipartUploadResponse response =
                send("CompleteMultipartUpload", () -> client.completeMultipartUpload(request));
        return result(response.eTag(), response.versionId());
    }

    /**
     * Abandons the object: an unfinished multipart upload is aborted so its parts are deleted. Returns false when
     * the abort itself failed (the upload id is then in the exception the caller logs).
     */
    public boolean abort() {
        finished = true;
        if (uploadId == null) {
            return true;
        }
        final AbortMultipartUploadRequest request = AbortMultipartUploadRequest.builder()
                .bucket(target.bucket())
                .key(target.key())
                .uploadId(uploadId)
                .build();
        try {
            send("AbortMultipartUpload", () -> client.abortMultipartUpload(request));
            return true;
        } catch (final S3UploadException e) {
            return false;
        }
    }

    /** An unfinished multipart upload whose abort failed, as a later abort needs it. */
    public record OpenUpload(ObjectTarget target, String uploadId) {}

    /** This object's multipart upload, for an abort later; null while the object is small enough for one PutObject. */
    public OpenUpload openUpload() {
        return uploadId == null ? null : new OpenUpload(target, uploadId);
    }

    /**
     * Aborts an upload left open earlier, in one request (no retries: the bucket's lifecycle rule remains the last
     * resort). True when the upload is gone, also when S3 no longer knows it.
     */
    public static boolean abort(final S3Client client, final OpenUpload upload) {
        try {
            client.abortMultipartUpload(
                    request -> request.bucket(upload.target().bucket())
                            .key(upload.target().key())
                            .uploadId(upload.uploadId()));
            return true;
        } catch (final AwsServiceException e) {
            return e.statusCode() == 404;
        } catch (final SdkException | IllegalStateException e) {
            return false;
        }
    }

    /** The id of the multipart upload, or null while the object is small enough for one PutObject. */
    public String uploadId() {
        return uploadId;
    }

    /** Requests sent so far, retries included. */
    public int requests() {
        return requests;
    }

    private UploadResult putWholeObject() throws S3UploadException {
        final PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(target.bucket())
                .key(target.key())
                .contentType(target.contentType())
                .contentLength((long) buffered)
                .storageClass(target.storageClass())
                .metadata(target.metadata());
        encrypt(request::serverSideEncryption, request::ssekmsKeyId);
        final PutObjectRequest built = request.build();
        final RequestBody body = body(buffered);
        final PutObjectResponse response = send("PutObject", () -> client.putObject(built, body));
        return result(response.eTag(), response.versionId());
    }

    private void startMultipart() throws S3UploadException {
        final CreateMultipartUploadRequest.Builder request = CreateMultipartUploadRequest.builder()
                .bucket(target.bucket())
                .key(target.key())
                .contentType(target.contentType())
                .storageClass(target.storageClass())
                .metadata(target.metadata());
        encrypt(request::serverSideEncryption, request::ssekmsKeyId);
        final CreateMultipartUploadRequest built = request.build();
        uploadId = send("CreateMultipartUpload", () -> client.createMultipartUpload(built))
                .uploadId();
    }

    /** Sets the server-side encryption headers of the request that creates the object, whichever request that is. */
    private void encrypt(final Consumer<String> algorithm, final Consumer<String> kmsKeyId) {
        if (target.encryption().headerValue() == null) {
            return;
        }
        algorithm.accept(target.encryption().headerValue());
        if (target.encryption() == ServerSideEncryption.SSE_KMS && target.kmsKeyId() != null) {
            kmsKeyId.accept(target.kmsKeyId());
        }
    }

    private void sendFullParts() throws S3UploadException {
        ensureOpen();
        if (uploadId == null) {
            startMultipart();
        }
        while (buffered >= partSize) {
            sendPart(partSize);
        }
    }

    /** Sends the first {@code length} unsent bytes as the next part, then drops them from the buffer. */
    private void sendPart(final int length) throws S3UploadException {
        final int partNumber = completedParts.size() + 1;
        if (partNumber > MAX_PARTS) {
            throw new S3UploadException(
                    "Object needs more than " + MAX_PARTS + " parts: raise the part size",
                    S3UploadException.NO_STATUS,
                    "TooManyParts",
                    null);
        }
        final UploadPartRequest request = UploadPartRequest.builder()
                .bucket(target.bucket())
                .key(target.key())
                .uploadId(uploadId)
                .partNumber(partNumber)
                .contentLength((long) length)
                .build();
        final RequestBody body = body(length);
        final String eTag = send("UploadPart " + partNumber, () -> client.uploadPart(request, body))
                .eTag();
        completedParts.add(
                CompletedPart.builder().partNumber(partNumber).eTag(eTag).build());
        start += length;
        buffered -= length;
        while (start >= BLOCK_SIZE) {
            spareBlocks.add(blocks.removeFirst());
            start -= BLOCK_SIZE;
        }
    }

    /**
     * The first {@code length} unsent bytes as a body the SDK can read as often as it needs (each retry reads it
     * again) without a copy; the blocks stay untouched until the request has succeeded.
     */
    private RequestBody body(final int length) {
        final byte[][] unsent = blocks.toArray(byte[][]::new);
        final int first = start;
        return RequestBody.fromContentProvider(
                () -> new BlocksInputStream(unsent, first, length), length, target.contentType());
    }

    /** Reads {@code length} bytes from consecutive blocks, starting at {@code offset} in the first. */
    private static final class BlocksInputStream extends InputStream {
        private final byte[][] blocks;
        private int block;
        private int position;
        private int remaining;

        BlocksInputStream(final byte[][] blocks, final int offset, final int length) {
            this.blocks = blocks;
            this.position = offset;
            this.remaining = length;
        }

        @Override
        public int read() {
            final byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(final byte[] target, final int offset, final int length) {
            if (remaining == 0) {
                return length == 0 ? 0 : -1;
            }
            if (position == BLOCK_SIZE) {
                block++;
                position = 0;
            }
            final int chunk = Math.min(Math.min(length, remaining), BLOCK_SIZE - position);
            System.arraycopy(blocks[block], position, target, offset, chunk);
            position += chunk;
            remaining -= chunk;
            return chunk;
        }

        @Override
        public int available() {
            return remaining;
        }
    }

    private <T> T send(final String operation, final java.util.function.Supplier<T> request) throws S3UploadException {
        try {
            return retryPolicy.execute(() -> {
                requests++;
                return request.get();
            });
        } catch (final RuntimeException e) {
            throw S3UploadException.of(operation + " of " + target.transitUri(), e);
        }
    }

    private UploadResult result(final String eTag, final String versionId) throws S3UploadException {
        if (eTag == null || eTag.isBlank()) {
            throw new S3UploadException(
                    "S3 acknowledged " + target.transitUri() + " without an ETag",
                    S3UploadException.NO_STATUS,
                    "MissingETag",
                    null);
        }
        return new UploadResult(eTag, versionId, bytesWritten, uploadId, completedParts.size(), requests);
    }

    private void ensureOpen() {
        if (finished) {
            throw new IllegalStateException("Upload of " + target.transitUri() + " is already finished");
        }
    }

    /**
     * A stored object.
     *
     * @param uploadId the multipart upload id, or null for a single PutObject
     * @param parts the number of parts, 0 for a single PutObject
     * @param requests requests sent to S3 for it, retries included
     */
    public record UploadResult(String eTag, String versionId, long bytes, String uploadId, int parts, int requests) {}
}
