package io.snowstream.sql;

import java.util.Arrays;
import java.util.List;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;

/**
 * One change event as a row of the canonical CSV: an upsert carries every attribute (NULL where the field is
 * empty), a delete only its key and event time.
 */
record CustomerEvent(long customerId, List<String> attributes, String updatedAt, String op) {

    /** first_name, last_name, email, street, city, state, country. */
    static final int ATTRIBUTE_COUNT = 7;

    CustomerEvent {
        if (attributes.size() != ATTRIBUTE_COUNT) {
            throw new IllegalArgumentException("expected " + ATTRIBUTE_COUNT + " attributes: " + attributes);
        }
    }

    /** An upsert whose attributes are derived from a first name and an email; null values stay null. */
    static CustomerEvent upsert(final long customerId, final String updatedAt, final String firstName, final String email) {
        return upsert(customerId, updatedAt, firstName, "Lovelace", email, "12 St James's Square", "London", "LND", "GB");
    }

    static CustomerEvent upsert(final long customerId, final String updatedAt, final String... attributes) {
        return new CustomerEvent(customerId, Arrays.asList(attributes), updatedAt, CustomerCsvFormat.OP_UPSERT);
    }

    static CustomerEvent delete(final long customerId, final String updatedAt) {
        return new CustomerEvent(customerId, Arrays.asList(new String[ATTRIBUTE_COUNT]), updatedAt, CustomerCsvFormat.OP_DELETE);
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
