package io.snowstream.nifi.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.processors.PutS3Batch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * How long a stop takes while S3 answers every request with 503 SlowDown, with PutS3Batch's own retry policy beside
 * the AWS SDK's standard retry strategy configured to the same bounds (10 attempts, back-off from 1 s doubling up to
 * 10 s, half of it random), in the same run against the same loopback server.
 * <ul>
 *   <li>ours: PutS3Batch in nifi-mock, stopped as NiFi stops it (unscheduled: {@code isScheduled()} turns false
 *       and {@code @OnUnscheduled} closes the client); the figure is the time until its trigger has returned;</li>
 *   <li>SDK: a PutObject through an S3 client whose retries are the SDK's standard strategy at those bounds,
 *       stopped the only way a processor could stop it (NiFi does not interrupt its threads): the client is closed;
 *       the figure is the time until the call has returned.</li>
 * </ul>
 * Both are stopped right after the server has answered the fourth attempt, so that the pause before the fifth
 * (between 4 and 8 s at these bounds) has just begun. Usage: {@code RetryStopBenchmark [rounds]}
 */
public final class RetryStopBenchmark {

    private static final int MAX_ATTEMPTS = 10;
    private static final Duration INITIAL_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_DELAY = Duration.ofSeconds(10);
    private static final int STOP_AFTER_ATTEMPTS = 4;
    private static final String BUCKET = "benchmark";
    private static final byte[] SLOW_DOWN = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                    + "<Message>Please reduce your request rate.</Message></Error>")
            .getBytes(StandardCharsets.UTF_8);
    private static final String CSV = CustomerCsvFormat.HEADER
            + "\n1,Ada,Lovelace,ada@example.com,1 Main St,London,LDN,GB,2026-11-23T10:15:30.123Z,U\n";

    private final HttpServer server;
    private final AtomicInteger answered = new AtomicInteger();
    private final URI endpoint;

    private RetryStopBenchmark() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", this::slowDown);
        server.setExecutor(null);
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public static void main(final String[] args) throws Exception {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        final RetryStopBenchmark benchmark = new RetryStopBenchmark();
        try {
            final List<Double> ours = new ArrayList<>();
            final List<Double> sdk = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                ours.add(benchmark.stopPutS3Batch());
                sdk.add(benchmark.stopSdkStandardStrategy());
            }
            System.out.printf(
                    Locale.ROOT,
                    "Stop while S3 answers 503 SlowDown (%d attempts, back-off 1 s doubling to 10 s,"
                            + " half random; stopped after attempt %d), %d rounds, seconds from stop to the call's return:%n",
                    MAX_ATTEMPTS,
                    STOP_AFTER_ATTEMPTS,
                    rounds);
            System.out.printf(Locale.ROOT, "  %-46s %s%n", "PutS3Batch, its own RetryPolicy:", summary(ours));
            System.out.printf(Locale.ROOT, "  %-46s %s%n", "SDK StandardRetryStrategy, same bounds:", summary(sdk));
        } finally {
            benchmark.server.stop(0);
        }
    }

    private void slowDown(final HttpExchange exchange) throws IOException {
        try (exchange;
                InputStream body = exchange.getRequestBody()) {
            body.transferTo(OutputStream.nullOutputStream());
            exchange.getResponseHeaders().set("Content-Type", "application/xml");
            exchange.sendResponseHeaders(503, SLOW_DOWN.length);
            exchange.getResponseBody().write(SLOW_DOWN);
        }
        answered.incrementAndGet();
    }

    /** PutS3Batch in nifi-mock with one FlowFile queued, unscheduled once the server has answered enough attempts. */
    private double stopPutS3Batch() throws InterruptedException {
        final TestRunner runner = TestRunners.newTestRunner(PutS3Batch.class);
        runner.setProperty("Bucket", BUCKET);
        runner.setProperty("Region", "us-east-1");
        runner.setProperty("Credentials Source", "static-keys");
        runner.setProperty("Access Key ID", "benchmark");
        runner.setProperty("Secret Access Key", "benchmark");
        runner.setProperty("Endpoint Override URL", endpoint.toString());
        runner.setProperty("Use Path-Style Access", "true");
        runner.setProperty("Max Batch Age", "0 sec");
        runner.setProperty("Max Request Attempts", Integer.toString(MAX_ATTEMPTS));
        runner.setProperty("Initial Retry Delay", INITIAL_DELAY.toMillis() + " millis");
        runner.enqueue(CSV);
        answered.set(0);
        final Thread trigger = Thread.ofPlatform().start(() -> runner.run(1, false, true));
        awaitAttempts(trigger);
        final long stop = System.nanoTime();
        runner.unSchedule();
        trigger.join();
        final double seconds = (System.nanoTime() - stop) / 1e9;
        if (runner.getQueueSize().getObjectCount() != 1) {
            throw new IllegalStateException("the stopped batch did not return to the queue");
        }
        runner.stop();
        return seconds;
    }

    /** A PutObject retried by the SDK's standard strategy at the same bounds, stopped by closing its client. */
    private double stopSdkStandardStrategy() throws InterruptedException {
        final BackoffStrategy backoff = BackoffStrategy.exponentialDelayHalfJitter(INITIAL_DELAY, MAX_DELAY);
        final S3Client client = S3Client.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("benchmark", "benchmark")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(
                        override -> override.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(MAX_ATTEMPTS)
                                .backoffStrategy(backoff)
                                .throttlingBackoffStrategy(backoff)
                                // the token bucket would end retries on its own after a few failures: off, so the
                                // bounds are exact
                                .circuitBreakerEnabled(false)
                                .build()))
                .build();
        answered.set(0);
        final Thread call = Thread.ofPlatform().start(() -> {
            try {
                client.putObject(request -> request.bucket(BUCKET).key("stop.csv"), RequestBody.fromString(CSV));
            } catch (final RuntimeException expected) {
                // the call ends with the last failure: what matters here is when
            }
        });
        awaitAttempts(call);
        final long stop = System.nanoTime();
        client.close();
        call.join();
        return (System.nanoTime() - stop) / 1e9;
    }

    private void awaitAttempts(final Thread retrying) throws InterruptedException {
        while (answered.get() < STOP_AFTER_ATTEMPTS) {
            if (!retrying.isAlive()) {
                throw new IllegalStateException(
                        "the upload ended after " + answered.get() + " attempts, before the stop");
            }
            Thread.sleep(5);
        }
    }

    private static String summary(final List<Double> seconds) {
        final List<Double> sorted = new ArrayList<>(seconds);
        Collections.sort(sorted);
        return String.format(
                Locale.ROOT,
                "median %.2f s, min %.2f s, max %.2f s",
                sorted.get(sorted.size() / 2),
                sorted.getFirst(),
                sorted.getLast());
    }
}
