package io.snowstream.nifi.benchmarks;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import io.snowstream.nifi.customer.csv.CustomerCsvWriter;
import io.snowstream.nifi.customer.csv.EventTime;
import io.snowstream.nifi.customer.validate.CustomerFileValidator;
import io.snowstream.nifi.customer.validate.ValidationOutcome;
import io.snowstream.nifi.customer.validate.ValidationSettings;
import io.snowstream.nifi.processors.ValidateCustomerRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import net.datafaker.Faker;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;

/**
 * ValidateCustomerRecord's throughput on valid canonical CSV beside its practical limit, FastCSV parsing and
 * re-writing the same bytes, both on one core in the same run; and, in the {@code heap} mode, the peak heap while
 * a generated 1 GB input streams through the validator (run it with a small -Xmx).
 *
 * <p>Usage: {@code ValidatorBenchmark throughput [megabytes]} or {@code ValidatorBenchmark heap [megabytes]}.
 */
public final class ValidatorBenchmark {

    private static final long NOW = System.currentTimeMillis();
    private static final long LEGACY_EVENT_TIME = NOW;
    private static final int POOL_SIZE = 4096;

    private ValidatorBenchmark() {}

    public static void main(final String[] args) throws Exception {
        final String mode = args.length > 0 ? args[0] : "throughput";
        switch (mode) {
            case "throughput" -> throughput(args.length > 1 ? Integer.parseInt(args[1]) : 128);
            case "heap" -> heap(args.length > 1 ? Integer.parseInt(args[1]) : 1024);
            default -> throw new IllegalArgumentException("unknown mode: " + mode + " (expected throughput or heap)");
        }
    }

    private static void throughput(final int megabytes) throws Exception {
        final byte[] csv = generate(megabytes * 1_000_000L);
        final ValidationOutcome check = validate(new ByteArrayInputStream(csv));
        if (check.isFailure() || check.invalidCount() != 0) {
            throw new IllegalStateException("the generated input is not all valid: " + check);
        }
        System.out.printf(
                Locale.ROOT,
                "ValidateCustomerRecord on %,d bytes of valid canonical CSV (%,d records), one core%n",
                csv.length,
                check.validCount());

        final double[] rates = new Measurement(8, 7)
                .interleavedMedianRates(
                        () -> {
                            validate(new ByteArrayInputStream(csv));
                            return csv.length;
                        },
                        () -> {
                            fastCsvParseAndRewrite(csv);
                            return csv.length;
                        });
        final double ours = rates[0];
        final double fastCsv = rates[1];
        final double processor = new Measurement(1, 3).medianRate(() -> throughProcessor(csv));

        System.out.println(
                "  validator (domain path, streams to both outputs) " + Measurement.megabytesPerSecond(ours));
        System.out.println(
                "  validator through the processor (nifi-mock)      " + Measurement.megabytesPerSecond(processor));
        System.out.println(
                "  FastCSV 4 parse + re-write (peer baseline)       " + Measurement.megabytesPerSecond(fastCsv));
        System.out.printf(
                Locale.ROOT,
                "  ratio validator / FastCSV                        %10.2f  (target >= 0.50; and >= 150 MB/s)%n",
                ours / fastCsv);
    }

    private static void heap(final int megabytes) throws IOException {
        final byte[] chunk = generate(8_000_000);
        final int headerLength = new String(chunk, 0, 200, StandardCharsets.US_ASCII).indexOf('\n') + 1;
        // whole repetitions of the chunk's records, so the input ends on a record boundary
        final long recordBytes = chunk.length - headerLength;
        final long total =
                headerLength + (megabytes * 1_000_000L - headerLength + recordBytes - 1) / recordBytes * recordBytes;
        final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .toList();
        System.gc();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        final long start = System.nanoTime();
        final ValidationOutcome result = validate(new RepeatingInput(chunk, headerLength, total));
        final long elapsed = System.nanoTime() - start;
        final long peak = heapPools.stream()
                .mapToLong(pool -> pool.getPeakUsage().getUsed())
                .sum();
        System.out.printf(
                Locale.ROOT,
                "Heap while streaming %,d bytes (%,d records, %,d valid) through the validator%n",
                total,
                result.recordCount(),
                result.validCount());
        System.out.printf(
                Locale.ROOT,
                "  max heap (-Xmx) %,d MB; peak heap used %,d MB (sum of per-pool peaks; the input "
                        + "chunk it repeats is %,d MB of that); %s%n",
                Runtime.getRuntime().maxMemory() >> 20,
                peak >> 20,
                chunk.length >> 20,
                Measurement.megabytesPerSecond(total * 1e9 / elapsed));
    }

    private static ValidationOutcome validate(final InputStream input) throws IOException {
        return new CustomerFileValidator(ValidationSettings.defaults())
                .validate(
                        input,
                        OutputStream.nullOutputStream(),
                        OutputStream.nullOutputStream(),
                        LEGACY_EVENT_TIME,
                        NOW);
    }

    private static void fastCsvParseAndRewrite(final byte[] csv) throws IOException {
        try (CsvReader<CsvRecord> reader =
                        CsvReader.builder().ofCsvRecord(new ByteArrayInputStream(csv), StandardCharsets.UTF_8);
                CsvWriter writer = CsvWriter.builder()
                        .lineDelimiter(LineDelimiter.LF)
                        .build(OutputStream.nullOutputStream(), StandardCharsets.UTF_8)) {
            for (final CsvRecord record : reader) {
                writer.writeRecord(record.getFields());
            }
        }
    }

    private static long throughProcessor(final byte[] csv) {
        final TestRunner runner = TestRunners.newTestRunner(ValidateCustomerRecord.class);
        runner.enqueue(csv);
        runner.run();
        runner.assertAllFlowFilesTransferred(ValidateCustomerRecord.REL_VALID, 1);
        return csv.length;
    }

    /** Realistic valid customer CSV: Datafaker values from seeded pools, some streets quoted, 5 % deletes. */
    static byte[] generate(final long bytes) {
        final Faker faker = new Faker(Locale.US, new Random(20261124));
        final String[] firstNames = pool(() -> faker.name().firstName());
        final String[] lastNames = pool(() -> faker.name().lastName());
        final String[] streets = pool(() -> faker.address().streetAddress()
                + (faker.random().nextInt(10) == 0 ? ", Apt " + faker.number().numberBetween(1, 400) : ""));
        final String[] cities = pool(() -> faker.address().city());
        final String[] states = pool(() -> faker.address().state());
        final String[] countries = pool(() -> faker.address().country());
        final Random random = new Random(7);
        final ByteArrayOutputStream out =
                new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 64, bytes + 1024));
        final long firstEventTime = EventTime.parseCanonical("2025-01-01T00:00:00.000Z");
        try (CustomerCsvWriter writer = new CustomerCsvWriter(out)) {
            writer.writeHeader();
            for (long id = 1; writer.bytesWritten() < bytes; id++) {
                final String first = firstNames[random.nextInt(POOL_SIZE)];
                final String last = lastNames[random.nextInt(POOL_SIZE)];
                final boolean delete = random.nextInt(20) == 0;
                writer.field(id);
                writer.field(delete ? "" : first);
                writer.field(delete ? "" : last);
                writer.field(
                        delete
                                ? ""
                                : (first + "." + last + "@example.com")
                                        .toLowerCase(Locale.ROOT)
                                        .replace(' ', '-')
                                        .replace("'", ""));
                writer.field(delete ? "" : streets[random.nextInt(POOL_SIZE)]);
                writer.field(delete ? "" : cities[random.nextInt(POOL_SIZE)]);
                writer.field(delete ? "" : states[random.nextInt(POOL_SIZE)]);
                writer.field(delete ? "" : countries[random.nextInt(POOL_SIZE)]);
                writer.eventTimeField(firstEventTime + id * 37);
                writer.field(delete ? "D" : "U");
                writer.endRecord();
            }
        }
        return out.toByteArray();
    }

    private static String[] pool(final java.util.function.Supplier<String> values) {
        final String[] pool = new String[POOL_SIZE];
        for (int i = 0; i < POOL_SIZE; i++) {
            pool[i] = values.get();
        }
        return pool;
    }

    /** A header followed by the records of one chunk repeated until the total size: a large input without its memory. */
    private static final class RepeatingInput extends InputStream {
        private final byte[] chunk;
        private final int recordsStart;
        private final long total;
        private long delivered;
        private int position;

        RepeatingInput(final byte[] chunk, final int recordsStart, final long total) {
            this.chunk = chunk;
            this.recordsStart = recordsStart;
            this.total = total;
        }

        @Override
        public int read() {
            final byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(final byte[] target, final int offset, final int length) {
            if (delivered >= total) {
                return -1;
            }
            if (position == chunk.length) {
                position = recordsStart;
            }
            final int count = (int) Math.min(Math.min(length, chunk.length - position), total - delivered);
            System.arraycopy(chunk, position, target, offset, count);
            position += count;
            delivered += count;
            return count;
        }
    }
}
