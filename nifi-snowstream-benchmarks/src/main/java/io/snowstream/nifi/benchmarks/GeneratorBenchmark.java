package io.snowstream.nifi.benchmarks;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.customer.csv.CustomerCsvWriter;
import io.snowstream.nifi.customer.csv.EventTime;
import io.snowstream.nifi.customer.generate.ChangeStreamGenerator;
import io.snowstream.nifi.customer.generate.GeneratorSettings;
import io.snowstream.nifi.customer.generate.GeneratorState;
import net.datafaker.Faker;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Records per second of GenerateFakeCustomers' generator beside two baselines measured in the same run: naive
 * per-field Datafaker calls writing the same ten columns, and the original project's Python Faker script writing
 * its eight columns. Run with {@code ./benchmarks.sh generator} (one core, warm JIT).
 *
 * <p>Arguments: the Python interpreter and the path of {@code faker_customers.py}; without them the Python
 * baseline is skipped with a message.</p>
 */
public final class GeneratorBenchmark {

    private static final int RECORDS_PER_ROUND = 1_000_000;
    private static final int NAIVE_RECORDS_PER_ROUND = 100_000;
    private static final int PYTHON_RECORDS_PER_ROUND = 5_000;
    private static final long START = EventTime.parseCanonical("2026-01-01T00:00:00.000Z");

    private GeneratorBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        final Measurement measurement = new Measurement(5, 7);
        final CountingSink sink = new CountingSink();

        // realistic variety: a change stream with updates and deletes, over a population of 10,000 tracked customers
        final GeneratorSettings settings = new GeneratorSettings(Locale.US, true, 70, 25, 5, 0, 10_000, START, 1);
        final ChangeStreamGenerator generator = ChangeStreamGenerator.create(settings, GeneratorState.initial(42, Locale.US), System::currentTimeMillis);
        final Measurement.Round ourRound = () -> generator.writeBatch(sink, RECORDS_PER_ROUND).records();
        final double ours = measurement.medianRate(ourRound);
        final double oursCpu = measurement.medianCpuRate(ourRound);
        sink.bytes = 0;
        generator.writeBatch(sink, RECORDS_PER_ROUND);
        final double bytesPerRecord = (double) sink.bytes / RECORDS_PER_ROUND;

        final Faker faker = new Faker(Locale.US, new Random(42));
        final Measurement.Round naiveRound = () -> naiveDatafaker(faker, sink, NAIVE_RECORDS_PER_ROUND);
        final double naive = measurement.medianRate(naiveRound);
        final double naiveCpu = measurement.medianCpuRate(naiveRound);

        System.out.println("GenerateFakeCustomers: customer records per second on one core, warm (median of 7 rounds)");
        System.out.println(String.format(Locale.ROOT, "%-51s%24s%24s", "", "wall clock", "per CPU second"));
        System.out.println("  snowstream generator (change stream, 10 columns) " + Measurement.perSecond(ours, "records")
            + Measurement.perSecond(oursCpu, "records") + String.format(Locale.ROOT, "  (%.0f bytes/record)", bytesPerRecord));
        System.out.println("  naive Datafaker per field (same 10 columns)      " + Measurement.perSecond(naive, "records")
            + Measurement.perSecond(naiveCpu, "records"));
        if (args.length >= 2) {
            final double[] pythonRates = pythonFaker(args[0], Path.of(args[1]));
            final double python = pythonRates[0];
            System.out.println("  original: Python Faker (8 legacy columns)        " + Measurement.perSecond(python, "records")
                + Measurement.perSecond(pythonRates[1], "records"));
            System.out.println(String.format(Locale.ROOT, "  speed-up (wall clock): %.0fx naive Datafaker, %.0fx Python Faker", ours / naive, ours / python));
        } else {
            System.out.println("  original: Python Faker: skipped (no interpreter given)");
            System.out.println(String.format(Locale.ROOT, "  speed-up (wall clock): %.0fx naive Datafaker", ours / naive));
        }
    }

    /** One Datafaker call per field, as NiFi's GenerateRecord or a first attempt would do it. */
    private static long naiveDatafaker(final Faker faker, final OutputStream sink, final int records) {
        try (CustomerCsvWriter writer = new CustomerCsvWriter(sink)) {
            writer.writeHeader();
            for (int i = 0; i < records; i++) {
                writer.field(i);
                writer.field(faker.name().firstName());
                writer.field(faker.name().lastName());
                writer.field(faker.internet().emailAddress());
                writer.field(faker.address().streetAddress());
                writer.field(faker.address().city());
                writer.field(faker.address().state());
                writer.field(faker.address().country());
                writer.eventTimeField(START + i);
                writer.field(CustomerCsvFormat.OP_UPSERT);
                writer.endRecord();
            }
        }
        return records;
    }

    /** The Python baseline's median rates: by the wall clock, then per CPU second. */
    private static double[] pythonFaker(final String python, final Path script) throws IOException, InterruptedException {
        final Process process = new ProcessBuilder(python, script.toString(), Integer.toString(PYTHON_RECORDS_PER_ROUND), "5")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("The Python Faker baseline failed: " + output);
        }
        final String[] rates = output.split(" ");
        return new double[] {Double.parseDouble(rates[0]), Double.parseDouble(rates[1])};
    }

    /** Discards what it is given, counting bytes so the JIT cannot drop the work. */
    private static final class CountingSink extends OutputStream {
        private long bytes;

        @Override
        public void write(final int b) {
            bytes++;
        }

        @Override
        public void write(final byte[] b, final int off, final int len) {
            bytes += len;
        }
    }
}
