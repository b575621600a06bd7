package io.snowstream.nifi.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A diagnostic for the NiFi flow benchmark (off unless {@code -Dsnowstream.benchmark.utilization=true}): which
 * processor of a flow is the bottleneck. A background thread asks NiFi for the group's status ten times a second and
 * counts, per processor, the polls that found one of its threads active; the share of polls is how busy the processor
 * was. The polls cost NiFi's web server some CPU, which is why the measured runs leave it off.
 */
final class ProcessorUtilization implements AutoCloseable {

    private static final boolean ENABLED = Boolean.getBoolean("snowstream.benchmark.utilization");
    private static final Duration INTERVAL = Duration.ofMillis(100);

    private final NiFiClient nifi;
    private final String groupId;
    private final Map<String, Integer> active = new TreeMap<>();
    private final Thread poller;
    private volatile boolean running = true;
    private int polls;

    private ProcessorUtilization(final NiFiClient nifi, final String groupId, final boolean enabled) {
        this.nifi = nifi;
        this.groupId = groupId;
        if (enabled) {
            poller = new Thread(this::poll, "processor-utilization");
            poller.setDaemon(true);
            poller.start();
        } else {
            poller = null;
        }
    }

    /** Starts polling the group's status when the diagnostic is on; otherwise an instance that measures nothing. */
    static ProcessorUtilization startIfEnabled(final NiFiClient nifi, final String groupId) {
        return new ProcessorUtilization(nifi, groupId, ENABLED);
    }

    private void poll() {
        while (running) {
            try {
                final JsonNode status = nifi.groupStatus(groupId);
                synchronized (active) {
                    polls++;
                    for (final JsonNode processor : status.path("processorStatusSnapshots")) {
                        final JsonNode snapshot = processor.path("processorStatusSnapshot");
                        active.merge(
                                snapshot.path("name").asText(),
                                snapshot.path("activeThreadCount").asInt() > 0 ? 1 : 0,
                                Integer::sum);
                    }
                }
                Thread.sleep(INTERVAL.toMillis());
            } catch (final InterruptedException e) {
                return;
            } catch (final RuntimeException e) {
                // a failed poll is left out of the count
            }
        }
    }

    /** Stops polling; the share of polls that found each processor active, busiest first (empty when off). */
    Map<String, Double> shares() {
        close();
        final Map<String, Double> shares = new LinkedHashMap<>();
        synchronized (active) {
            final int total = Math.max(1, polls);
            active.entrySet().stream()
                    .filter(entry -> entry.getValue() > 0)
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .forEach(entry -> shares.put(entry.getKey(), (double) entry.getValue() / total));
        }
        return shares;
    }

    @Override
    public void close() {
        running = false;
        if (poller != null) {
            poller.interrupt();
            try {
                poller.join(5_000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
