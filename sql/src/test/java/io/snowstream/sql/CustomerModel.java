package io.snowstream.sql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.snowstream.sql.Warehouse.CustomerRow;
import io.snowstream.sql.Warehouse.HistoryRow;

/**
 * The SCD semantics of README.md written as plainly as possible, to check the SQL against: every table is a function
 * of the set of events received so far, whatever their batches and arrival order.
 */
final class CustomerModel {

    private record Received(CustomerEvent event, String sourceFile, long sourceRow) {
    }

    private static final Comparator<Received> TIE_BREAK =
            Comparator.comparing(Received::sourceFile).thenComparingLong(Received::sourceRow);
    private static final List<String> NO_ATTRIBUTES = Arrays.asList(new String[CustomerEvent.ATTRIBUTE_COUNT]);

    private final Map<Long, List<Received>> eventsByCustomer = new TreeMap<>();

    /** Receives the events of one file, numbered from row 1 as the warehouse loads them. */
    void receive(final String sourceFile, final List<CustomerEvent> events) {
        long row = 1;
        for (final CustomerEvent event : events) {
            eventsByCustomer.computeIfAbsent(event.customerId(), id -> new ArrayList<>()).add(new Received(event, sourceFile, row++));
        }
    }

    List<HistoryRow> history() {
        final List<HistoryRow> history = new ArrayList<>();
        eventsByCustomer.forEach((customerId, events) -> history.addAll(chain(customerId, events)));
        return history;
    }

    List<CustomerRow> customers() {
        final List<CustomerRow> customers = new ArrayList<>();
        for (final HistoryRow version : history()) {
            if (version.current() && !version.deleted()) {
                customers.add(new CustomerRow(version.customerId(), version.attributes(), version.validFrom(),
                        version.sourceFile(), version.sourceRow()));
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
            chain.add(new HistoryRow(customerId, event.isDelete() ? NO_ATTRIBUTES : event.attributes(), event.updatedAt(),
                    current ? null : versionStarts.get(i + 1).event().updatedAt(), current, event.isDelete(),
                    start.sourceFile(), start.sourceRow()));
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
