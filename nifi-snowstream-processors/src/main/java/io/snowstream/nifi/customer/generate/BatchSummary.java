package io.snowstream.nifi.customer.generate;

/**
 * What one batch contained: the event sequence numbers it covers and how many records of each kind it holds.
 * Updates and deletes that found no tracked customer to change were written as inserts and are counted as such.
 */
public record BatchSummary(
        long firstSequence, long lastSequence, long inserts, long updates, long deletes, long invalid) {

    public long records() {
        return inserts + updates + deletes + invalid;
    }
}
