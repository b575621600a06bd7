package io.snowstream.nifi.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import io.snowstream.nifi.snowflake.stub.SnowflakeStub;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Plays Snowpipe behind the loopback Snowflake stub while NiFi runs: every file the flow announces, by Snowpipe REST
 * {@code insertFiles} or by {@code ALTER PIPE ... REFRESH PREFIX}, is loaded once (Snowpipe's load metadata skips a
 * file it already loaded): it appears {@code LOADED} in the pipe's load history, with every record of the S3 object
 * as a row, which TriggerSnowpipeRefresh then reads back. It counts how often each file was announced.
 */
final class SnowpipePlayer implements AutoCloseable {

    private static final Pattern REFRESH = Pattern.compile(
            "ALTER PIPE .* REFRESH PREFIX = '((?:[^']|'')*)'", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private final SnowflakeStub snowflake;
    private final Supplier<S3Client> s3;
    private final String bucket;
    private final String stagePrefix;
    private final Thread thread;
    private volatile boolean running = true;

    private int restRequestsSeen;
    private int statementsSeen;
    private final Map<String, AtomicInteger> insertFilesAnnouncements = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> refreshAnnouncements = new ConcurrentHashMap<>();
    private final Map<String, Long> loadedRows = new ConcurrentHashMap<>();
    private final AtomicInteger refreshStatements = new AtomicInteger();

    /**
     * @param s3          where the objects are (a supplier: a test may replace the S3 server)
     * @param stagePrefix the stage location's prefix in {@code bucket}, e.g. {@code customers/}
     */
    SnowpipePlayer(
            final SnowflakeStub snowflake, final Supplier<S3Client> s3, final String bucket, final String stagePrefix) {
        this.snowflake = snowflake;
        this.s3 = s3;
        this.bucket = bucket;
        this.stagePrefix = stagePrefix;
        this.thread = new Thread(this::run, "snowpipe-player");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                playInsertFiles();
                playRefreshes();
            } catch (final RuntimeException e) {
                // S3 away (an outage test): the files stay pending and are loaded on a later round
            }
            Await.sleep(java.time.Duration.ofMillis(200));
        }
    }

    private void playInsertFiles() {
        final List<SnowflakeStub.RestRequest> requests = snowflake.restRequests();
        for (; restRequestsSeen < requests.size(); restRequestsSeen++) {
            final SnowflakeStub.RestRequest request = requests.get(restRequestsSeen);
            if (!request.path().endsWith("/insertFiles")) {
                continue;
            }
            for (final JsonNode file : request.body().path("files")) {
                final String path = file.path("path").asText();
                insertFilesAnnouncements
                        .computeIfAbsent(path, ignored -> new AtomicInteger())
                        .incrementAndGet();
            }
        }
        insertFilesAnnouncements.keySet().forEach(this::load);
    }

    private void playRefreshes() {
        final List<SnowflakeStub.Statement> statements = snowflake.statements();
        for (; statementsSeen < statements.size(); statementsSeen++) {
            final Matcher refresh =
                    REFRESH.matcher(statements.get(statementsSeen).sql());
            if (!refresh.find()) {
                continue;
            }
            refreshStatements.incrementAndGet();
            final String prefix = refresh.group(1).replace("''", "'");
            // as Snowflake does: every file under the prefix that the pipe has not loaded yet
            for (final String key : StoredObjects.keys(s3.get(), bucket, stagePrefix + prefix)) {
                final String path = key.substring(stagePrefix.length());
                refreshAnnouncements
                        .computeIfAbsent(path, ignored -> new AtomicInteger())
                        .incrementAndGet();
            }
        }
        refreshAnnouncements.keySet().forEach(this::load);
    }

    private void load(final String path) {
        if (loadedRows.containsKey(path)) {
            return;
        }
        final long rows =
                StoredObjects.read(s3.get(), bucket, stagePrefix + path).recordCount();
        snowflake.addLoadHistory(path, "LOADED", rows, rows, Instant.now().toString(), null);
        loadedRows.put(path, rows);
    }

    /** How often each file (path relative to the stage) was named in an insertFiles call. */
    Map<String, Integer> insertFilesAnnouncements() {
        return snapshot(insertFilesAnnouncements);
    }

    /** How often each file was under the prefix of an ALTER PIPE REFRESH. */
    Map<String, Integer> refreshAnnouncements() {
        return snapshot(refreshAnnouncements);
    }

    int refreshStatements() {
        return refreshStatements.get();
    }

    /** The files Snowpipe loaded, with their rows. */
    Map<String, Long> loadedRows() {
        return Map.copyOf(loadedRows);
    }

    private static Map<String, Integer> snapshot(final Map<String, AtomicInteger> counts) {
        final Map<String, Integer> copy = new java.util.HashMap<>();
        counts.forEach((path, count) -> copy.put(path, count.get()));
        return copy;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
