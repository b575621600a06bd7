package io.snowstream.nifi.benchmarks;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.customer.csv.CustomerCsvWriter;
import io.snowstream.nifi.customer.csv.EventTime;
import io.snowstream.nifi.customer.generate.ChangeStreamGenerator;
import io.snowstream.nifi.customer.generate.GeneratorSettings;
import io.snowstream.nifi.customer.generate.GeneratorState;
import io.snowstream.nifi.customer.generate.ValuePools;
import io.snowstream.nifi.processors.GenerateFakeCustomers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import net.datafaker.Faker;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;

/**
 * Records per second of GenerateFakeCustomers, the processor itself (under nifi-mock: emulated, not in a NiFi) and
 * its domain generator alone, beside three baselines measured in the same run: a Datafaker generator drawing from
 * pools of the same sizes as ours (the peer of the same variety), naive per-field Datafaker calls (unbounded draws,
 * more variety), both writing the same ten columns, and the original project's Python Faker script writing its
 * eight columns. Run with {@code ./benchmarks.sh generator} (one core, warm JIT).
 *
 * <p>Arguments: the Python interpreter and the path of {@code faker_customers.py}; without them the Python
 * baseline is skipped with a message.</p>
 */
public final class GeneratorBenchmark {

    private static final int RECORDS_PER_ROUND = 1_000_000;
    private static final int POOLED_RECORDS_PER_ROUND = 1_000_000;
    private static final int NAIVE_RECORDS_PER_ROUND = 100_000;
    private static final int PYTHON_RECORDS_PER_ROUND = 5_000;
    private static final long START = EventTime.parseCanonical("2026-01-01T00:00:00.000Z");

    private GeneratorBenchmark() {}

    public static void main(final String[] args) throws Exception {
        final Measurement measurement = new Measurement(5, 7);
        final CountingSink sink = new CountingSink();

        // the processor as NiFi runs it, one FlowFile of a million records per trigger, with the same settings
        final TestRunner processor = generatorRunner();
        final Measurement.Round processorRound = () -> oneFlowFile(processor);
        final double throughProcessor = measurement.medianRate(processorRound);
        final double throughProcessorCpu = measurement.medianCpuRate(processorRound);
        processor.stop();

        // realistic variety: a change stream with updates and deletes, over a population of 10,000 tracked customers
        final GeneratorSettings settings = new GeneratorSettings(Locale.US, true, 70, 25, 5, 0, 10_000, START, 1);
        final ChangeStreamGenerator generator = ChangeStreamGenerator.create(
                settings, GeneratorState.initial(42, Locale.US), System::currentTimeMillis);
        final Measurement.Round ourRound =
                () -> generator.writeBatch(sink, RECORDS_PER_ROUND).records();
        final double ours = measurement.medianRate(ourRound);
        final double oursCpu = measurement.medianCpuRate(ourRound);
        sink.bytes = 0;
        generator.writeBatch(sink, RECORDS_PER_ROUND);
        final double bytesPerRecord = (double) sink.bytes / RECORDS_PER_ROUND;

        final PooledPeer pooled = new PooledPeer(new Faker(Locale.US, new Random(42)), Locale.US);
        final Measurement.Round pooledRound = () -> pooled.write(sink, POOLED_RECORDS_PER_ROUND);
        final double pooledRate = measurement.medianRate(pooledRound);
        final double pooledCpu = measurement.medianCpuRate(pooledRound);

        final Faker faker = new Faker(Locale.US, new Random(42));
        final Measurement.Round naiveRound = () -> naiveDatafaker(faker, sink, NAIVE_RECORDS_PER_ROUND);
        final double naive = measurement.medianRate(naiveRound);
        final double naiveCpu = measurement.medianCpuRate(naiveRound);

        System.out.println("GenerateFakeCustomers: customer records per second on one core, warm (median of 7 rounds)");
        System.out.println(String.format(Locale.ROOT, "%-59s%24s%24s", "", "wall clock", "per CPU second"));
        System.out.println("  GenerateFakeCustomers processor (nifi-mock, emulated)    "
                + Measurement.perSecond(throughProcessor, "records")
                + Measurement.perSecond(throughProcessorCpu, "records"));
        System.out.println("  its domain generator alone (change stream, 10 columns)   "
                + Measurement.perSecond(ours, "records") + Measurement.perSecond(oursCpu, "records")
                + String.format(Locale.ROOT, "  (%.0f bytes/record)", bytesPerRecord));
        System.out.println("  peer, same value pools: Datafaker drawn into pools of    "
                + Measurement.perSecond(pooledRate, "records") + Measurement.perSecond(pooledCpu, "records"));
        System.out.println(String.format(
                Locale.ROOT,
                "    the same sizes (%,d first, %,d last names, %,d streets, %,d cities), picked per record, inserts only",
                ValuePools.FIRST_NAMES,
                ValuePools.LAST_NAMES,
                ValuePools.STREETS,
                ValuePools.CITIES));
        System.out.println("  naive Datafaker per field (unbounded draws: more variety)"
                + Measurement.perSecond(naive, "records") + Measurement.perSecond(naiveCpu, "records"));
        System.out.println(String.format(
                Locale.ROOT,
                "  processor / same-pools peer: %.2fx by the wall clock, %.2fx per CPU second",
                throughProcessor / pooledRate,
                throughProcessorCpu / pooledCpu));
        if (args.length >= 2) {
            final double[] pythonRates = pythonFaker(args[0], Path.of(args[1]));
            final double python = pythonRates[0];
            System.out.println("  original: Python Faker (8 legacy columns)        "
                    + Measurement.perSecond(python, "records") + Measurement.perSecond(pythonRates[1], "records"));
            System.out.println(String.format(
                    Locale.ROOT,
                    "  processor speed-up (wall clock): %.0fx naive Datafaker, %.0fx Python Faker",
                    throughProcessor / naive,
                    throughProcessor / python));
        } else {
            System.out.println("  original: Python Faker: skipped (no interpreter given)");
            System.out.println(String.format(
                    Locale.ROOT, "  processor speed-up (wall clock): %.0fx naive Datafaker", throughProcessor / naive));
        }
    }

    private static TestRunner generatorRunner() {
        final TestRunner runner = TestRunners.newTestRunner(GenerateFakeCustomers.class);
        runner.setProperty("Seed", "42");
        runner.setProperty("Locale", "en-US");
        runner.setProperty("Records per FlowFile", Integer.toString(RECORDS_PER_ROUND));
        runner.setProperty("Insert Percentage", "70");
        runner.setProperty("Update Percentage", "25");
        runner.setProperty("Delete Percentage", "5");
        runner.setProperty("Tracked Customers", "10000");
        // a simulated time far enough in the past that no event waits for the clock
        runner.setProperty("Simulated Start Time", "2000-01-01T00:00:00Z");
        runner.run(1, false, true);
        runner.clearTransferState();
        return runner;
    }

    /**
     * One trigger of the processor, as the runner's run() makes it but on the calling thread, so that the per CPU
     * second figure counts it: the records of the FlowFile it wrote.
     */
    private static long oneFlowFile(final TestRunner runner) {
        runner.getProcessor().onTrigger(runner.getProcessContext(), runner.getProcessSessionFactory());
        final List<MockFlowFile> written = runner.getFlowFilesForRelationship("success");
        if (written.size() != 1) {
            throw new IllegalStateException(
                    "GenerateFakeCustomers wrote " + written.size() + " FlowFiles in one trigger");
        }
        final long records = Long.parseLong(written.getFirst().getAttribute("record.count"));
        runner.clearTransferState();
        runner.clearProvenanceEvents();
        return records;
    }

    /**
     * The peer of the same variety: a straightforward generator that draws pools of the same sizes as
     * GenerateFakeCustomers' from Datafaker once, then picks each field of each record from them with a PRNG and
     * writes Strings. Every record is an insert: no updates, no state, so it does less than ours.
     */
    private static final class PooledPeer {
        private final Random random = new Random(42);
        private final String[] firstNames;
        private final String[] lastNames;
        private final String[] streets;
        private final String[] cities;
        private final String[] states;
        private final String[] domains;
        private final String country;

        PooledPeer(final Faker faker, final Locale locale) {
            firstNames = distinct(ValuePools.FIRST_NAMES, () -> faker.name().firstName());
            lastNames = distinct(ValuePools.LAST_NAMES, () -> faker.name().lastName());
            streets = distinct(ValuePools.STREETS, () -> faker.address().streetAddress());
            cities = distinct(ValuePools.CITIES, () -> faker.address().city());
            states = new String[cities.length];
            for (int i = 0; i < cities.length; i++) {
                states[i] = faker.address().state();
            }
            domains =
                    distinct(ValuePools.COMPANY_DOMAINS, () -> faker.internet().domainName());
            country = locale.getDisplayCountry(Locale.ENGLISH);
        }

        long write(final OutputStream sink, final int records) {
            try (CustomerCsvWriter writer = new CustomerCsvWriter(sink)) {
                writer.writeHeader();
                for (int i = 0; i < records; i++) {
                    final String first = firstNames[random.nextInt(firstNames.length)];
                    final String last = lastNames[random.nextInt(lastNames.length)];
                    final int city = random.nextInt(cities.length);
                    writer.field(i);
                    writer.field(first);
                    writer.field(last);
                    writer.field((first + "." + last).toLowerCase(Locale.ROOT).replace(' ', '.') + "@"
                            + domains[random.nextInt(domains.length)]);
                    writer.field(streets[random.nextInt(streets.length)]);
                    writer.field(cities[city]);
                    writer.field(states[city]);
                    writer.field(country);
                    writer.eventTimeField(START + i);
                    writer.field(CustomerCsvFormat.OP_UPSERT);
                    writer.endRecord();
                }
            }
            return records;
        }

        private static String[] distinct(final int wanted, final Supplier<String> draw) {
            final Set<String> values = new LinkedHashSet<>();
            for (int attempt = 0; attempt < wanted * 4 && values.size() < wanted; attempt++) {
                values.add(draw.get());
            }
            return new ArrayList<>(values).toArray(String[]::new);
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
    private static double[] pythonFaker(final String python, final Path script)
            throws IOException, InterruptedException {
        final Process process = new ProcessBuilder(
                        python, script.toString(), Integer.toString(PYTHON_RECORDS_PER_ROUND), "5")
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
