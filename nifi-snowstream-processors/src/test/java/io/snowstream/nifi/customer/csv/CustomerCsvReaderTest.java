package io.snowstream.nifi.customer.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CustomerCsvReaderTest {

    private static final int NO_LIMIT = Integer.MAX_VALUE - 64;

    /** Every test runs once with whole reads and once with one byte per read, to cross every buffer boundary. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void splitsPlainRecordsOnLineFeeds(final boolean byteByByte) throws IOException {
        assertThat(records("a,b,c\nd,e,f\n", byteByByte))
                .containsExactly(List.of("a", "b", "c"), List.of("d", "e", "f"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void unquotesCommasDoubledQuotesAndLineBreaksInsideQuotes(final boolean byteByByte) throws IOException {
        final String csv = "\"Apt 4, Main St\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rlf\r\nend\",\"\"\n";
        assertThat(records(csv, byteByByte))
                .containsExactly(List.of("Apt 4, Main St", "say \"hi\"", "two\nlines", "cr\rlf\r\nend", ""));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void acceptsCrlfAndLoneCrLineEndsAndAMissingFinalLineEnd(final boolean byteByByte) throws IOException {
        assertThat(records("a,b\r\nc,d\re,f", byteByByte))
                .containsExactly(List.of("a", "b"), List.of("c", "d"), List.of("e", "f"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void skipsUtf8ByteOrderMarkOnlyAtTheStart(final boolean byteByByte) throws IOException {
        final String csv = "\uFEFFid,name\n\uFEFFx,y\n";
        assertThat(records(csv, byteByByte)).containsExactly(List.of("id", "name"), List.of("\uFEFFx", "y"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void skipsEmptyLinesButCountsThem(final boolean byteByByte) throws IOException {
        final CustomerCsvReader reader = reader("h\r\n\r\n\na\n\n\"b\nc\"\nd", byteByByte);
        final List<Long> lines = new ArrayList<>();
        while (reader.next() == CustomerCsvReader.Status.RECORD) {
            lines.add(reader.recordLine());
        }
        assertThat(lines).containsExactly(1L, 4L, 6L, 8L);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void skipsBlankLinesOfSpacesAndTabsLikeEmptyOnes(final boolean byteByByte) throws IOException {
        final CustomerCsvReader reader = reader("h\n   \n\t \r\na\n\"  \"\n  x\n \t ", byteByByte);
        final List<String> records = new ArrayList<>();
        while (reader.next() == CustomerCsvReader.Status.RECORD) {
            records.add(reader.recordLine() + ":"
                    + new String(reader.buffer(), reader.fieldStart(0), reader.fieldLength(0), StandardCharsets.UTF_8));
        }
        // a quoted blank value and a value with spaces around it are data; a line of nothing but blanks is not
        assertThat(records).containsExactly("1:h", "4:a", "5:  ", "6:  x");
    }

    @Test
    void keepsNulAndInvalidUtf8BytesAsTheyAre() throws IOException {
        final byte[] input = {'a', 0, 'b', ',', (byte) 0xC3, (byte) 0x28, '\n'};
        final CustomerCsvReader reader = new CustomerCsvReader(new ByteArrayInputStream(input), NO_LIMIT);

        assertThat(reader.next()).isEqualTo(CustomerCsvReader.Status.RECORD);
        assertThat(field(reader, 0)).containsExactly('a', 0, 'b');
        assertThat(field(reader, 1)).containsExactly((byte) 0xC3, (byte) 0x28);
    }

    @Test
    void keepsTextAfterAClosingQuoteAndStrayQuotesLiterally() throws IOException {
        assertThat(records("\"ab\"cd,O\"Brien\n", false)).containsExactly(List.of("abcd", "O\"Brien"));
    }

    @Test
    void reportsAnUnterminatedQuoteAtTheEndWithTheLineItStartedOn() throws IOException {
        final CustomerCsvReader reader = reader("a,b\nc,\"d\ne\n", false);
        assertThat(reader.next()).isEqualTo(CustomerCsvReader.Status.RECORD);
        assertThat(reader.next()).isEqualTo(CustomerCsvReader.Status.UNTERMINATED_QUOTE);
        assertThat(reader.recordLine()).isEqualTo(2);
    }

    @Test
    void reportsARecordLargerThanTheLimitInsteadOfBufferingIt() throws IOException {
        final CustomerCsvReader reader = new CustomerCsvReader(
                new ByteArrayInputStream(("ok\n" + "x".repeat(5000) + "\n").getBytes(StandardCharsets.US_ASCII)), 4096);
        assertThat(reader.next()).isEqualTo(CustomerCsvReader.Status.RECORD);
        assertThat(reader.next()).isEqualTo(CustomerCsvReader.Status.RECORD_TOO_LARGE);
        assertThat(reader.recordLine()).isEqualTo(2);
    }

    @Test
    void readsOnAfterARecordLargerThanTheLimit() throws IOException {
        final String tooLarge = "\"" + "x".repeat(3000) + "\n" + "y".repeat(3000) + "\",z";
        final CustomerCsvReader reader = new CustomerCsvReader(
                new ByteArrayInputStream(("ok\n" + tooLarge + "\nnext,1\n").getBytes(StandardCharsets.US_ASCII)), 4096);
        assertThat(reader.next()).isEqualTo(CustomerCsvReader.Status.RECORD);
        assertThat(reader.next()).isEqualTo(CustomerCsvReader.Status.RECORD_TOO_LARGE);
        assertThat(reader.next()).isEqualTo(CustomerCsvReader.Status.RECORD);
        assertThat(reader.recordLine()).isEqualTo(4);
        assertThat(field(reader, 0)).containsExactly('n', 'e', 'x', 't');
        assertThat(reader.next()).isEqualTo(CustomerCsvReader.Status.END_OF_INPUT);
    }

    @Test
    void countsDelimitersTowardsTheLimit() throws IOException {
        final CustomerCsvReader reader = new CustomerCsvReader(
                new ByteArrayInputStream(",".repeat(10_000).getBytes(StandardCharsets.US_ASCII)), 4096);
        assertThat(reader.next()).isEqualTo(CustomerCsvReader.Status.RECORD_TOO_LARGE);
    }

    @Test
    void readsARecordUpToTheLimitExactly() throws IOException {
        final String field = "y".repeat(4096);
        assertThat(records(field + "\n", false)).containsExactly(List.of(field));
        final CustomerCsvReader reader =
                new CustomerCsvReader(new ByteArrayInputStream(field.getBytes(StandardCharsets.US_ASCII)), 4096);
        assertThat(reader.next()).isEqualTo(CustomerCsvReader.Status.RECORD);
        assertThat(reader.fieldLength(0)).isEqualTo(4096);
    }

    @Test
    void endsAtOnceOnEmptyInput() throws IOException {
        assertThat(reader("", false).next()).isEqualTo(CustomerCsvReader.Status.END_OF_INPUT);
        assertThat(reader("\uFEFF\n\n", false).next()).isEqualTo(CustomerCsvReader.Status.END_OF_INPUT);
    }

    private static byte[] field(final CustomerCsvReader reader, final int field) {
        return java.util.Arrays.copyOfRange(reader.buffer(), reader.fieldStart(field), reader.fieldEnd(field));
    }

    private static List<List<String>> records(final String csv, final boolean byteByByte) throws IOException {
        final CustomerCsvReader reader = reader(csv, byteByByte);
        final List<List<String>> records = new ArrayList<>();
        CustomerCsvReader.Status status;
        while ((status = reader.next()) == CustomerCsvReader.Status.RECORD) {
            final List<String> fields = new ArrayList<>();
            for (int i = 0; i < reader.fieldCount(); i++) {
                fields.add(new String(
                        reader.buffer(), reader.fieldStart(i), reader.fieldLength(i), StandardCharsets.UTF_8));
            }
            records.add(fields);
        }
        assertThat(status).isEqualTo(CustomerCsvReader.Status.END_OF_INPUT);
        return records;
    }

    private static CustomerCsvReader reader(final String csv, final boolean byteByByte) {
        final InputStream bytes = new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8));
        return new CustomerCsvReader(byteByByte ? new OneByteAtATime(bytes) : bytes, NO_LIMIT);
    }

    private static final class OneByteAtATime extends FilterInputStream {
        OneByteAtATime(final InputStream in) {
            super(in);
        }

        @Override
        public int read(final byte[] buffer, final int offset, final int length) throws IOException {
            return super.read(buffer, offset, Math.min(1, length));
        }
    }
}
