package io.snowstream.nifi.customer.csv;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one definition of the CSV the whole pipeline speaks: RFC 4180, UTF-8, comma separated, {@code "} quoting
 * only where a field needs it, LF line ends, one header line.
 */
public final class CustomerCsvFormat {

    public static final byte DELIMITER = ',';
    public static final byte QUOTE = '"';
    public static final byte LINE_FEED = '\n';
    public static final byte CARRIAGE_RETURN = '\r';

    public static final String MIME_TYPE = "text/csv";

    /** Insert or update: the record carries the customer's full current state. */
    public static final String OP_UPSERT = "U";
    /** Delete: only customer_id and updated_at are required. */
    public static final String OP_DELETE = "D";

    public static final String HEADER = header(CustomerColumn.CANONICAL_COLUMNS);
    public static final String LEGACY_HEADER = header(CustomerColumn.LEGACY_COLUMNS);

    /** The header line exactly as written, line feed included. */
    public static final byte[] HEADER_LINE = (HEADER + "\n").getBytes(StandardCharsets.US_ASCII);

    /** The columns in front of a rejected record's original fields, in order (ValidateCustomerRecord's invalid output). */
    public static final List<String> REJECTION_COLUMNS = List.of("error_code", "error_detail", "source_line");

    /** The header lines of rejected records, line feed included: the rejection columns, then the input's own header. */
    public static final List<byte[]> REJECTED_HEADER_LINES =
            List.of(rejectedHeaderLine(HEADER), rejectedHeaderLine(LEGACY_HEADER));

    public static final int COLUMN_COUNT = CustomerColumn.CANONICAL_COLUMNS.size();
    public static final int LEGACY_COLUMN_COUNT = CustomerColumn.LEGACY_COLUMNS.size();

    private CustomerCsvFormat() {}

    /** True when a field must be enclosed in quotes to survive a round trip. */
    public static boolean needsQuoting(final byte b) {
        return b == DELIMITER || b == QUOTE || b == LINE_FEED || b == CARRIAGE_RETURN;
    }

    private static byte[] rejectedHeaderLine(final String inputHeader) {
        return (String.join(",", REJECTION_COLUMNS) + "," + inputHeader + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static String header(final List<CustomerColumn> columns) {
        return columns.stream().map(CustomerColumn::headerName).collect(Collectors.joining(","));
    }
}
