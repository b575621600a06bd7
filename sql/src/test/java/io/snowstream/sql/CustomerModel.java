package io.snowstream.sql;

import io.snowstream.sql.Warehouse.CustomerRow;
import io.snowstream.sql.Warehouse.HistoryRow;
import io.snowstream.sql.Warehouse.QuarantinedEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The SCD semantics of README.md written as plainly as possible, to check the SQL against: every table is a function
 * of the set of events applied so far, whatever their batches and arrival order. An event is applied unless it is
 * quarantined: an op other than U or D, an eleventh field, or an event time not after the newest purged event of
 * its key (purged: its file aged beyond the retention before the previous run).
 */
final class CustomerModel {

    private record Received(CustomerEvent event, String sourceFile, long sourceRow) {}

    /** What one run of the change processing did: events applied (re-deliveries included) and newly quarantined. */
    record RunCounts(long events, long quarantined) {}

    private static final Comparator<Received> TIE_BREAK =
            Comparator.comparing(Received::sourceFile).thenComparingLong(Received::sourceRow);
    private static final List<String> NO_ATTRIBUTES = Arrays.asList(new String[CustomerEvent.ATTRIBUTE_COUNT]);

    private final Map<Long, List<Received>> appliedByCustomer = new TreeMap<>();
    private final Set<Received> applied = new HashSet<>();
    private final Map<String, List<Received>> rawByFile = new LinkedHashMap<>();
    private final List<Received> delivered = new ArrayList<>();
    private final Set<String> aged = new HashSet<>();
    private final Map<Long, String> purgedThrough = new HashMap<>();
    private final Map<Received, String> quarantined = new HashMap<>();

    /** Receives the events of one file, numbered from row 1 as the warehouse loads them; the stream delivers them. */
    void receive(final String sourceFile, final List<CustomerEvent> events) {
        final List<Received> rows = new ArrayList<>();
        long row = 1;
        for (final CustomerEvent event : events) {
            rows.add(new Received(event, sourceFile, row++));
        }
        rawByFile.put(sourceFile, rows);
        delivered.addAll(rows);
    }

    /** The stream delivers a file's rows again, those still in customer_raw; returns how many. */
    int redeliver(final String sourceFile) {
        final List<Received> rows = rawByFile.getOrDefault(sourceFile, List.of());
        delivered.addAll(rows);
        return rows.size();
    }

    /** The file's raw rows get older than the retention: the next run purges them after applying its batch. */
    void ageBeyondRetention(final String sourceFile) {
        if (rawByFile.containsKey(sourceFile)) {
            aged.add(sourceFile);
        }
    }

    /** One run: the delivered events are applied or quarantined, then the aged raw rows are purged. */
    RunCounts apply() {
        long events = 0;
        long newlyQuarantined = 0;
        for (final Received received : delivered) {
            final String reason = quarantineReason(received.event());
            if (reason == null) {
                events++;
                if (applied.add(received)) {
                    appliedByCustomer
                            .computeIfAbsent(received.event().customerId(), id -> new ArrayList<>())
                            .add(received);
                }
            } else if (!quarantined.containsKey(received)) {
                quarantined.put(received, reason);
                newlyQuarantined++;
            }
        }
        delivered.clear();
        for (final String file : aged) {
            for (final Received purged : rawByFile.remove(file)) {
                if (purged.event().isApplicable()) {
                    purgedThrough.merge(
                            purged.event().customerId(),
                            purged.event().updatedAt(),
                            (a, b) -> a.compareTo(b) >= 0 ? a : b);
                }
            }
        }
        aged.clear();
        return new RunCounts(events, newlyQuarantined);
    }

    private String quarantineReason(final CustomerEvent event) {
        if (!event.op().equals("U") && !event.isDelete()) {
            return "UNKNOWN_OP";
        }
        if (event.extraField() != null) {
            return "EXTRA_FIELD";
        }
        final String horizon = purgedThrough.get(event.customerId());
        // canonical event times sort as text in time order
        return horizon != null && event.updatedAt().compareTo(horizon) <= 0 ? "OLDER_THAN_PURGED_EVENTS" : null;
    }

    long rawRowCount() {
        return rawByFile.values().stream().mapToLong(List::size).sum();
    }

    List<QuarantinedEvent> quarantined() {
        return quarantined.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(TIE_BREAK))
                .map(entry -> new QuarantinedEvent(
                        entry.getKey().sourceFile(),
                        entry.getKey().sourceRow(),
                        entry.getKey().event().customerId(),
                        entry.getKey().event().op(),
                        entry.getKey().event().updatedAt(),
                        entry.getValue()))
                .toList();
    }

    List<HistoryRow> history() {
        final List<HistoryRow> history = new ArrayList<>();
        appliedByCustomer.forEach((customerId, events) -> history.addAll(chain(customerId, events)));
        return history;
    }

    List<CustomerRow> customers() {
        final List<CustomerRow> customers = new ArrayList<>();
        for (final HistoryRow version : history()) {
            if (version.current() && !version.deleted()) {
                customers.add(new CustomerRow(
                        version.customerId(),
                        version.attributes(),
                        version.validFrom(),
                        version.sourceFile(),
                        version.sourceRow()));
            }
        }
        return customers;
    }

    private static List<HistoryRow> chain(final long customerId, final List<Received> events) {
        // one winner per event time: the first by file, then row
        final TreeMap<String, Received> winners = new TreeMap<>();
        for (final Received received : events) {
            winners.merge(received.event().updatedAt(), received, (a, b) -> TIE_BREAK.compare(a, b) <= 0 ? a : b);
        }
        // a run of equal states is one version, starting at its first event
        final List<Received> versionStarts = new ArrayList<>();
        for (final Received winner : winners.values()) {
            if (versionStarts.isEmpty() || !sameState(versionStarts.getLast().event(), winner.event())) {
                versionStarts.add(winner);
            }
        }
        final List<HistoryRow> chain = new ArrayList<>();
        for (int i = 0; i < versionStarts.size(); i++) {
            final Received start = versionStarts.get(i);
            final boolean current = i == versionStarts.size() - 1;
            final CustomerEvent event = start.event();
            chain.add(new HistoryRow(
                    customerId,
                    event.isDelete() ? NO_ATTRIBUTES : event.attributes(),
                    event.updatedAt(),
                    current ? null : versionStarts.get(i + 1).event().updatedAt(),
                    current,
                    event.isDelete(),
                    start.sourceFile(),
                    start.sourceRow()));
        }
        return chain;
    }

    private static boolean sameState(final CustomerEvent a, final CustomerEvent b) {
        if (a.isDelete() || b.isDelete()) {
            return a.isDelete() && b.isDelete();
        }
        return Objects.equals(a.attributes(), b.attributes());
    }
}
