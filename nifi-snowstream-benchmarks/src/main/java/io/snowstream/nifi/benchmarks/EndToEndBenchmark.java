package io.snowstream.nifi.benchmarks;

import io.snowstream.nifi.customer.csv.EventTime;
import io.snowstream.nifi.flows.definition.CustomerStreamFlow;
import io.snowstream.nifi.flows.run.EndToEndRun;
import io.snowstream.nifi.flows.run.InProcessFlow;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The flow file run end to end in one JVM (InProcessFlow: the four processors as nifi-mock runners wired along the
 * file's connections) against S3Mock and the loopback Snowflake stub, at two settings:
 * <ul>
 *   <li>throughput: the generator as fast as back-pressure lets it, until a fixed number of records has been
 *       stored, announced to Snowpipe and confirmed loaded; records per second through the whole flow;</li>
 *   <li>latency: the generator paced at a fixed offered rate; for every record, the time from its event time
 *       (updated_at, the wall clock when it was generated) to its object being stored in S3 and to that object being
 *       announced to Snowpipe (insertFiles), as p50 and p99, and the distribution as a PNG.</li>
 * </ul>
 * Arguments: the S3 endpoint (S3Mock), the flow file, the PNG to write.
 */
public final class EndToEndBenchmark {

    private static final int THROUGHPUT_RECORDS = 3_000_000;
    private static final int OFFERED_RECORDS_PER_SECOND = 20_000;
    private static final int RECORDS_PER_FLOWFILE = 1_000;
    private static final Duration DEFAULT_LATENCY_RUN = Duration.ofSeconds(70);
    private static final Duration LOW_LATENCY_RUN = Duration.ofSeconds(20);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);

    /** A named set of parameter values and how long its paced run lasts. */
    private record Setting(String name, Map<String, String> parameters, Duration latencyRun) {}

    /** Per-record latencies of one paced run, in milliseconds, sorted. */
    private record Latencies(long[] toObject, long[] toTrigger, double achievedRecordsPerSecond) {}

    private EndToEndBenchmark() {}

    public static void main(final String[] args) throws Exception {
        final URI s3Endpoint = URI.create(args[0]);
        final Path flowFile = Path.of(args[1]);
        final Path png = Path.of(args[2]);
        final List<Setting> settings = List.of(
                new Setting("default (batch age 1 min, 1,000,000 records)", Map.of(), DEFAULT_LATENCY_RUN),
                new Setting(
                        "low latency (batch age 1 sec, 10,000 records)",
                        Map.of("s3.batch.max.age", "1 sec", "s3.batch.max.records", "10000"),
                        LOW_LATENCY_RUN));

        System.out.printf(
                Locale.ROOT,
                "End to end: %s in one JVM (nifi-mock runners), S3Mock, Snowflake stub playing Snowpipe%n",
                flowFile);
        System.out.printf(
                Locale.ROOT,
                "%-48s %12s %12s %12s %12s %12s%n",
                "setting",
                "records/s",
                "object p50",
                "object p99",
                "trigger p50",
                "trigger p99");
        final Map<String, Latencies> distributions = new LinkedHashMap<>();
        int round = 0;
        for (final Setting setting : settings) {
            final double throughput = throughput(s3Endpoint, flowFile, "bench-" + round++, setting);
            final Latencies latencies = latencies(s3Endpoint, flowFile, "bench-" + round++, setting);
            distributions.put(setting.name(), latencies);
            System.out.printf(
                    Locale.ROOT,
                    "%-48s %12s %12s %12s %12s %12s%n",
                    setting.name(),
                    String.format(Locale.ROOT, "%,.0f", throughput),
                    seconds(percentile(latencies.toObject(), 50)),
                    seconds(percentile(latencies.toObject(), 99)),
                    seconds(percentile(latencies.toTrigger(), 50)),
                    seconds(percentile(latencies.toTrigger(), 99)));
        }
        System.out.printf(
                Locale.ROOT,
                "records/s: %,d records generated as fast as back-pressure allows (invalid share 0, so"
                        + " every object closes on its record bound), until all are stored, announced and confirmed.%n",
                THROUGHPUT_RECORDS);
        System.out.printf(
                Locale.ROOT,
                "latency: offered %,d records/s (%,d-record FlowFiles), invalid share 0.5%%; achieved: %s;"
                        + " from each record's updated_at to its object stored in S3 / announced to Snowpipe.%n",
                OFFERED_RECORDS_PER_SECOND,
                RECORDS_PER_FLOWFILE,
                String.join(
                        ", ",
                        distributions.values().stream()
                                .map(latencies ->
                                        String.format(Locale.ROOT, "%,.0f", latencies.achievedRecordsPerSecond()))
                                .toList()));
        plot(distributions, png);
        System.out.println("latency distribution written to " + png);
    }

    private static double throughput(
            final URI s3Endpoint, final Path flowFile, final String bucket, final Setting setting) throws Exception {
        createBucket(s3Endpoint, bucket);
        final Map<String, String> parameters = new LinkedHashMap<>(setting.parameters());
        parameters.put("generator.invalid.percentage", "0");
        parameters.put("generator.records.per.flowfile", String.valueOf(RECORDS_PER_FLOWFILE));
        try (EndToEndRun run = new EndToEndRun(flowFile, s3Endpoint, bucket, parameters)) {
            final InProcessFlow flow = run.flow();
            final long start = System.nanoTime();
            while (run.generatedRecords() < THROUGHPUT_RECORDS) {
                if (!flow.isBackPressured(CustomerStreamFlow.GENERATE)) {
                    run.generate();
                }
                flow.runPass();
            }
            run.drain(DRAIN_TIMEOUT);
            final double elapsedSeconds = (System.nanoTime() - start) / 1e9;
            final long loaded = run.loadedRows().values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            if (loaded != run.generatedRecords()) {
                throw new IllegalStateException("loaded " + loaded + " of " + run.generatedRecords() + " records");
            }
            return loaded / elapsedSeconds;
        }
    }

    private static Latencies latencies(
            final URI s3Endpoint, final Path flowFile, final String bucket, final Setting setting) throws Exception {
        createBucket(s3Endpoint, bucket);
        final Map<String, String> parameters = new LinkedHashMap<>(setting.parameters());
        parameters.put("generator.records.per.flowfile", String.valueOf(RECORDS_PER_FLOWFILE));
        final long periodNanos = 1_000_000_000L * RECORDS_PER_FLOWFILE / OFFERED_RECORDS_PER_SECOND;
        try (EndToEndRun run = new EndToEndRun(flowFile, s3Endpoint, bucket, parameters)) {
            final InProcessFlow flow = run.flow();
            final long start = System.nanoTime();
            final long end = start + setting.latencyRun().toNanos();
            long next = start;
            while (System.nanoTime() < end) {
                if (System.nanoTime() >= next && !flow.isBackPressured(CustomerStreamFlow.GENERATE)) {
                    run.generate();
                    next += periodNanos;
                }
                if (!flow.runPass()) {
                    Thread.sleep(1);
                }
            }
            final double achieved =
                    run.generatedRecords() / (setting.latencyRun().toNanos() / 1e9);
            run.drain(DRAIN_TIMEOUT);

            final Map<String, Instant> announced = run.announced();
            final long[] toObject = new long[(int) (run.generatedRecords() - run.generatedInvalidRecords())];
            final long[] toTrigger = new long[toObject.length];
            int recorded = 0;
            for (final EndToEndRun.StoredObject object : run.objects()) {
                final long announcedAt = announced.get(object.key()).toEpochMilli();
                for (final long eventTime : run.eventTimesOf(object.key())) {
                    if (eventTime == EventTime.INVALID) {
                        throw new IllegalStateException(
                                object.key() + " holds a record without a canonical updated_at");
                    }
                    toObject[recorded] = object.storedAtMillis() - eventTime;
                    toTrigger[recorded] = announcedAt - eventTime;
                    recorded++;
                }
            }
            if (recorded != toObject.length) {
                throw new IllegalStateException(
                        "found " + recorded + " valid records in S3, expected " + toObject.length);
            }
            Arrays.sort(toObject);
            Arrays.sort(toTrigger);
            return new Latencies(toObject, toTrigger, achieved);
        }
    }

    static void createBucket(final URI s3Endpoint, final String bucket) {
        try (S3Client s3 = S3Client.builder()
                .endpointOverride(s3Endpoint)
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench-secret")))
                .build()) {
            s3.createBucket(request -> request.bucket(bucket));
        }
    }

    private static long percentile(final long[] sorted, final int percent) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)];
    }

    private static String seconds(final long millis) {
        return String.format(Locale.ROOT, "%.3f s", millis / 1000.0);
    }

    /** The share of records (y) whose latency is at most x seconds, one curve per setting and measure. */
    private static void plot(final Map<String, Latencies> distributions, final Path png) throws Exception {
        final XYChart chart = new XYChartBuilder()
                .width(900)
                .height(600)
                .title("End to end: latency from a record's event time, 20,000 records/s offered")
                .xAxisTitle("latency (seconds, log scale)")
                .yAxisTitle("share of records (%)")
                .build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        distributions.forEach((setting, latencies) -> {
            addCdf(chart, setting + ": object stored", latencies.toObject());
            addCdf(chart, setting + ": Snowpipe announced", latencies.toTrigger());
        });
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void addCdf(final XYChart chart, final String name, final long[] sorted) {
        final int points = Math.min(500, sorted.length);
        final double[] x = new double[points];
        final double[] y = new double[points];
        for (int i = 0; i < points; i++) {
            final int index = (int) ((long) (sorted.length - 1) * i / Math.max(1, points - 1));
            // a log axis cannot show 0: a latency below a millisecond is drawn at one millisecond
            x[i] = Math.max(1, sorted[index]) / 1000.0;
            y[i] = 100.0 * (index + 1) / sorted.length;
        }
        chart.addSeries(name, x, y).setMarker(SeriesMarkers.NONE);
    }
}
