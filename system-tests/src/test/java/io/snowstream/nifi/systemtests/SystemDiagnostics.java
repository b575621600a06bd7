package io.snowstream.nifi.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * NiFi's JVM as {@code GET /nifi-api/system-diagnostics} reports it at one moment: heap used and maximum, and per
 * garbage collector the collections so far and the milliseconds they took (cumulative since NiFi started, so the
 * difference of two snapshots is what happened in between).
 */
record SystemDiagnostics(long nanos, long usedHeapBytes, long maxHeapBytes, Map<String, Collector> collectors) {

    /** One collector's cumulative figures. */
    record Collector(long count, long millis) {}

    static SystemDiagnostics of(final NiFiClient nifi) {
        final JsonNode snapshot =
                nifi.get("/system-diagnostics").path("systemDiagnostics").path("aggregateSnapshot");
        final Map<String, Collector> collectors = new LinkedHashMap<>();
        for (final JsonNode collector : snapshot.path("garbageCollection")) {
            collectors.put(
                    collector.path("name").asText(),
                    new Collector(
                            collector.path("collectionCount").asLong(),
                            collector.path("collectionMillis").asLong()));
        }
        return new SystemDiagnostics(
                System.nanoTime(),
                snapshot.path("usedHeapBytes").asLong(),
                snapshot.path("maxHeapBytes").asLong(),
                collectors);
    }

    /**
     * Milliseconds of stop-the-world collection between {@code earlier} and this snapshot: every collector except
     * G1's concurrent cycle (which runs beside the application threads; see {@link #concurrentMillisSince}).
     */
    long pauseMillisSince(final SystemDiagnostics earlier) {
        long millis = 0;
        for (final Map.Entry<String, Collector> collector : collectors.entrySet()) {
            if (!isConcurrent(collector.getKey())) {
                millis += collector.getValue().millis()
                        - earlier.collector(collector.getKey()).millis();
            }
        }
        return millis;
    }

    /** Milliseconds of concurrent collection (G1 Concurrent GC) between {@code earlier} and this snapshot. */
    long concurrentMillisSince(final SystemDiagnostics earlier) {
        long millis = 0;
        for (final Map.Entry<String, Collector> collector : collectors.entrySet()) {
            if (isConcurrent(collector.getKey())) {
                millis += collector.getValue().millis()
                        - earlier.collector(collector.getKey()).millis();
            }
        }
        return millis;
    }

    /** Collections (of every collector) between {@code earlier} and this snapshot. */
    long collectionsSince(final SystemDiagnostics earlier) {
        long count = 0;
        for (final Map.Entry<String, Collector> collector : collectors.entrySet()) {
            count += collector.getValue().count()
                    - earlier.collector(collector.getKey()).count();
        }
        return count;
    }

    private Collector collector(final String name) {
        return collectors.getOrDefault(name, new Collector(0, 0));
    }

    private static boolean isConcurrent(final String name) {
        return name.contains("Concurrent");
    }
}
