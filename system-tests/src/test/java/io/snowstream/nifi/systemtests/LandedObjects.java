package io.snowstream.nifi.systemtests;

import io.snowstream.nifi.customer.csv.CustomerCsvReader;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The objects a benchmarked flow stored under its prefix: listed while a round runs (an object is listed once its
 * upload completed: it has landed), and read back after the round to count its records, CSV-aware, with the
 * pipeline's own reader (gzip or plain, whichever the object is).
 */
final class LandedObjects {

    private static final int RECORD_LIMIT = 1 << 20;

    /** What one object holds: records (header excluded) and the bytes of its CSV (uncompressed). */
    record Count(long records, long csvBytes) {}

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    LandedObjects(final S3Client s3, final String bucket, final String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    /** The keys under the prefix now. */
    List<String> keys() {
        return s3.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    /** The records and CSV bytes of the objects with these keys. */
    Count count(final Iterable<String> keys) {
        long records = 0;
        long bytes = 0;
        for (final String key : keys) {
            final Count count = count(key);
            records += count.records();
            bytes += count.csvBytes();
        }
        return new Count(records, bytes);
    }

    Count count(final String key) {
        try (ResponseInputStream<GetObjectResponse> stored =
                        s3.getObject(request -> request.bucket(bucket).key(key));
                CountingInputStream csv =
                        new CountingInputStream(decompressed(new BufferedInputStream(stored, 1 << 16)))) {
            final CustomerCsvReader reader = new CustomerCsvReader(csv, RECORD_LIMIT);
            long lines = 0;
            CustomerCsvReader.Status status;
            while ((status = reader.next()) == CustomerCsvReader.Status.RECORD) {
                lines++;
            }
            if (status != CustomerCsvReader.Status.END_OF_INPUT) {
                throw new IllegalStateException(
                        key + " is not well-formed CSV: " + status + " at line " + reader.recordLine());
            }
            return new Count(Math.max(0, lines - 1), csv.count);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + key, e);
        }
    }

    /** Deletes every object under the prefix. */
    void deleteAll() {
        final List<String> keys = keys();
        for (int from = 0; from < keys.size(); from += 1000) {
            final List<ObjectIdentifier> batch = new ArrayList<>();
            keys.subList(from, Math.min(keys.size(), from + 1000))
                    .forEach(
                            key -> batch.add(ObjectIdentifier.builder().key(key).build()));
            s3.deleteObjects(request -> request.bucket(bucket).delete(delete -> delete.objects(batch)));
        }
    }

    static Set<String> difference(final Set<String> all, final Set<String> excluded) {
        final Set<String> rest = new java.util.LinkedHashSet<>(all);
        rest.removeAll(excluded);
        return rest;
    }

    private static InputStream decompressed(final BufferedInputStream in) throws IOException {
        in.mark(2);
        final int first = in.read();
        final int second = in.read();
        in.reset();
        return first == 0x1f && second == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }

    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(final InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            final int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(final byte[] buffer, final int offset, final int length) throws IOException {
            final int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
