package io.snowstream.nifi.customer.csv;

import java.util.List;

/**
 * The columns of the customer change event, in the order every file of the pipeline carries them.
 */
public enum CustomerColumn {
    CUSTOMER_ID("customer_id"),
    FIRST_NAME("first_name"),
    LAST_NAME("last_name"),
    EMAIL("email"),
    STREET("street"),
    CITY("city"),
    STATE("state"),
    COUNTRY("country"),
    UPDATED_AT("updated_at"),
    OP("op");

    /** The eight columns of the original project's files, which had neither event time nor operation. */
    public static final List<CustomerColumn> LEGACY_COLUMNS =
            List.of(CUSTOMER_ID, FIRST_NAME, LAST_NAME, EMAIL, STREET, CITY, STATE, COUNTRY);

    public static final List<CustomerColumn> CANONICAL_COLUMNS = List.of(values());

    private final String headerName;

    CustomerColumn(final String headerName) {
        this.headerName = headerName;
    }

    public String headerName() {
        return headerName;
    }
}
