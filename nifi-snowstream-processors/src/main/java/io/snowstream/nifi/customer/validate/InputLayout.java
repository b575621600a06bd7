package io.snowstream.nifi.customer.validate;

import io.snowstream.nifi.customer.csv.CustomerColumn;
import io.snowstream.nifi.customer.csv.CustomerCsvReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The two headers the validator accepts: the pipeline's canonical ten columns, and the original project's eight
 * columns without updated_at and op, which are upgraded on the way through.
 */
public enum InputLayout {
    CANONICAL(CustomerColumn.CANONICAL_COLUMNS),
    LEGACY(CustomerColumn.LEGACY_COLUMNS);

    private final List<CustomerColumn> columns;

    InputLayout(final List<CustomerColumn> columns) {
        this.columns = columns;
    }

    public List<CustomerColumn> columns() {
        return columns;
    }

    public int columnCount() {
        return columns.size();
    }

    /** The layout whose header the reader's current record is (names compared trimmed and ignoring case), or null. */
    public static InputLayout ofHeader(final CustomerCsvReader header) {
        for (final InputLayout layout : values()) {
            if (layout.matches(header)) {
                return layout;
            }
        }
        return null;
    }

    private boolean matches(final CustomerCsvReader header) {
        if (header.fieldCount() != columns.size()) {
            return false;
        }
        for (int i = 0; i < columns.size(); i++) {
            final String name =
                    new String(header.buffer(), header.fieldStart(i), header.fieldLength(i), StandardCharsets.UTF_8);
            if (!name.strip().equalsIgnoreCase(columns.get(i).headerName())) {
                return false;
            }
        }
        return true;
    }
}
