package io.snowstream.nifi.systemtests;

import io.snowstream.nifi.customer.csv.CustomerColumn;
import io.snowstream.nifi.customer.csv.CustomerCsvReader;
import io.snowstream.nifi.customer.csv.EventTime;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Reads back what PutS3Batch stored: the keys under a prefix, and each object's records. */
final class StoredObjects {

    private static final int RECORD_LIMIT = 1 << 20;
    private static final int EVENT_TIME_COLUMN = CustomerColumn.CANONICAL_COLUMNS.indexOf(CustomerColumn.UPDATED_AT);

    /**
     * One stored object: its records as their exact bytes (without the line end), their event times and their
     * customer ids (-1 where the first field is not one, as in a quarantined record).
     */
    record Content(String key, List<String> records, long[] eventTimes, long[] customerIds) {
        int recordCount() {
            return records.size();
        }
    }

    private StoredObjects() {}

    static List<String> keys(final S3Client s3, final String bucket, final String prefix) {
        return s3.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key)
                .sorted()
                .toList();
    }

    /**
     * The object's records (header excluded), read with the pipeline's own CSV reader. An event time is
     * {@link EventTime#INVALID} where a record has none in the canonical column (a quarantined record).
     */
    private static long customerId(final byte[] buffer, final int start, final int length) {
        if (length < 1 || length > 18) {
            return -1;
        }
        long id = 0;
        for (int i = start; i < start + length; i++) {
            if (buffer[i] < '0' || buffer[i] > '9') {
                return -1;
            }
            id = id * 10 + (buffer[i] - '0');
        }
        return id;
    }

    static Content read(final S3Client s3, final String bucket, final String key) {
        final byte[] stored = s3.getObject(request -> request.bucket(bucket).key(key), ResponseTransformer.toBytes())
                .asByteArray();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
            final CustomerCsvReader reader = new CustomerCsvReader(in, RECORD_LIMIT);
            final List<String> records = new ArrayList<>();
            final List<Long> times = new ArrayList<>();
            final List<Long> ids = new ArrayList<>();
            boolean header = true;
            CustomerCsvReader.Status status;
            while ((status = reader.next()) == CustomerCsvReader.Status.RECORD) {
                if (!header) {
                    final int start = reader.fieldStart(0);
                    final int end = reader.fieldEnd(reader.fieldCount() - 1);
                    records.add(new String(Arrays.copyOfRange(reader.buffer(), start, end), StandardCharsets.UTF_8));
                    times.add(
                            reader.fieldCount() > EVENT_TIME_COLUMN
                                    ? EventTime.parseCanonical(
                                            reader.buffer(),
                                            reader.fieldStart(EVENT_TIME_COLUMN),
                                            reader.fieldLength(EVENT_TIME_COLUMN))
                                    : EventTime.INVALID);
                    ids.add(customerId(reader.buffer(), reader.fieldStart(0), reader.fieldLength(0)));
                }
                header = false;
            }
            if (status != CustomerCsvReader.Status.END_OF_INPUT) {
                throw new IllegalStateException(
                        key + " is not well-formed CSV: " + status + " at line " + reader.recordLine());
            }
            return new Content(
                    key,
                    records,
                    times.stream().mapToLong(Long::longValue).toArray(),
                    ids.stream().mapToLong(Long::longValue).toArray());
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + key, e);
        }
    }
}
