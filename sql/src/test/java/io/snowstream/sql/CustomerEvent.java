package io.snowstream.sql;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import java.util.Arrays;
import java.util.List;

/**
 * One change event as a row of the canonical CSV: an upsert carries every attribute (NULL where the field is
 * empty), a delete only its key and event time. A row the pipe must still load but the change processing must set
 * aside carries an op other than U or D, or an eleventh field ({@code extraField}, null when the row has ten).
 */
record CustomerEvent(long customerId, List<String> attributes, String updatedAt, String op, String extraField) {

    /** first_name, last_name, email, street, city, state, country. */
    static final int ATTRIBUTE_COUNT = 7;

    CustomerEvent {
        if (attributes.size() != ATTRIBUTE_COUNT) {
            throw new IllegalArgumentException("expected " + ATTRIBUTE_COUNT + " attributes: " + attributes);
        }
    }

    /** An upsert whose attributes are derived from a first name and an email; null values stay null. */
    static CustomerEvent upsert(
            final long customerId, final String updatedAt, final String firstName, final String email) {
        return upsert(
                customerId, updatedAt, firstName, "Lovelace", email, "12 St James's Square", "London", "LND", "GB");
    }

    static CustomerEvent upsert(final long customerId, final String updatedAt, final String... attributes) {
        return new CustomerEvent(customerId, Arrays.asList(attributes), updatedAt, CustomerCsvFormat.OP_UPSERT, null);
    }

    static CustomerEvent delete(final long customerId, final String updatedAt) {
        return new CustomerEvent(
                customerId, Arrays.asList(new String[ATTRIBUTE_COUNT]), updatedAt, CustomerCsvFormat.OP_DELETE, null);
    }

    /** The same row with another op, e.g. one the change processing does not know. */
    CustomerEvent withOp(final String otherOp) {
        return new CustomerEvent(customerId, attributes, updatedAt, otherOp, extraField);
    }

    /** The same row with an eleventh field. */
    CustomerEvent withExtraField(final String field) {
        return new CustomerEvent(customerId, attributes, updatedAt, op, field);
    }

    /** U or D with ten fields: what the change processing applies (unless it comes too late). */
    boolean isApplicable() {
        return (CustomerCsvFormat.OP_UPSERT.equals(op) || isDelete()) && extraField == null;
    }

    boolean isDelete() {
        return CustomerCsvFormat.OP_DELETE.equals(op);
    }

    String firstName() {
        return attributes.get(0);
    }

    String email() {
        return attributes.get(2);
    }
}
