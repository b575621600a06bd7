package io.snowstream.nifi.customer.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.nifi.customer.csv.CustomerColumn;
import io.snowstream.nifi.customer.csv.CustomerCsvReader;
import io.snowstream.nifi.customer.csv.EventTime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecordRulesTest {

    private static final long NOW = EventTime.parseCanonical("2026-11-24T00:00:00.000Z");
    private static final long LEGACY_TIME = EventTime.parseCanonical("2026-11-20T08:00:00.000Z");
    private static final String VALID =
            "42,Ada,Lovelace,ada@example.com,12 Square,London,England,United Kingdom,2026-11-23T10:15:30.123Z,U";

    private RecordRules rules = new RecordRules(ValidationSettings.defaults());
    private CustomerCsvReader reader;

    @Test
    void acceptsACanonicalRecordAndExposesItsValues() throws IOException {
        assertThat(check(VALID)).isTrue();
        assertThat(rules.customerId()).isEqualTo(42);
        assertThat(rules.eventTime()).isEqualTo(EventTime.parseCanonical("2026-11-23T10:15:30.123Z"));
        assertThat(rules.eventTimeCanonical()).isTrue();
        assertThat(rules.isDelete()).isFalse();
        assertThat(value(CustomerColumn.CITY)).isEqualTo("London");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
        WRONG_FIELD_COUNT    | 42,Ada,Lovelace                                                                   | expected 10 fields, found 3
        MISSING_ID           | ,Ada,L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U                        | customer_id is empty
        NON_INTEGER_ID       | 4.2,Ada,L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U                     | customer_id '4.2' is not an integer
        NON_INTEGER_ID       | -,Ada,L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U                       | customer_id '-' is not an integer
        ID_OUT_OF_RANGE      | -5,Ada,L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U                      | is negative
        ID_OUT_OF_RANGE      | 9223372036854775808,Ada,L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U     | does not fit a signed 64-bit integer
        NON_CANONICAL_ID     | 007,Ada,L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U                     | customer_id '007' is not written canonically (no sign, no leading zeros): it would be read as customer 7
        NON_CANONICAL_ID     | 00,Ada,L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U                      | it would be read as customer 0
        NON_CANONICAL_ID     | -0,,,,,,,,2026-11-23T10:15:30.123Z,D                                             | customer_id '-0' is not written canonically
        REQUIRED_FIELD_EMPTY | 1,Ada,,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U                        | required field last_name is empty (op U)
        REQUIRED_FIELD_EMPTY | 1,Ada,L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,                        | required field op is empty
        REQUIRED_FIELD_EMPTY | 1,,,,,,,,,D                                                                      | required field updated_at is empty (op D)
        UNKNOWN_OP           | 1,Ada,L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,X                       | op 'X' is neither U nor D
        UNKNOWN_OP           | 1,Ada,L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,UPSERT                  | op 'UPSERT' is neither U nor D
        MALFORMED_EMAIL      | 1,Ada,L,ada.example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U                     | email 'ada.example.com' is not a plausible address
        MALFORMED_EMAIL      | 1,Ada,L,a@@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U                      | not a plausible address
        MALFORMED_EMAIL      | 1,Ada,L,a@example,s,c,st,co,2026-11-23T10:15:30.123Z,U                           | not a plausible address
        MALFORMED_EMAIL      | 1,Ada,L,a b@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U                     | not a plausible address
        MALFORMED_EMAIL      | 1,Ada,L,a..b@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U                    | not a plausible address
        MALFORMED_EMAIL      | 1,Ada,L,a@example.com.,s,c,st,co,2026-11-23T10:15:30.123Z,U                      | not a plausible address
        MALFORMED_EMAIL      | 1,,,not-an-email,,,,,2026-11-23T10:15:30.123Z,D                                  | not a plausible address
        BAD_EVENT_TIME       | 1,Ada,L,a@example.com,s,c,st,co,yesterday,U                                      | updated_at 'yesterday' is not an ISO-8601 date-time with an offset
        BAD_EVENT_TIME       | 1,Ada,L,a@example.com,s,c,st,co,2026-02-30T10:15:30.123Z,U                       | is not an ISO-8601
        BAD_EVENT_TIME       | 1,Ada,L,a@example.com,s,c,st,co,2026-11-23T10:15:30,U                            | is not an ISO-8601
        BAD_EVENT_TIME       | 1,Ada,L,a@example.com,s,c,st,co,2024-10-07 09:30:06.729,U                        | is not an ISO-8601
        BAD_EVENT_TIME       | 1,Ada,L,a@example.com,s,c,st,co,2024-10-07  09:30:06.729Z,U                      | is not an ISO-8601
        BAD_EVENT_TIME       | 1,Ada,L,a@example.com,s,c,st,co,2024-10-07T 09:30:06.729Z,U                      | is not an ISO-8601
        BAD_EVENT_TIME       | 1,Ada,L,a@example.com,s,c,st,co,2024-10-0709:30:06.729Z,U                        | is not an ISO-8601
        BAD_EVENT_TIME       | 1,Ada,L,a@example.com,s,c,st,co,2024-10-07 09:30:06.729 Z Z,U                    | is not an ISO-8601
        BAD_EVENT_TIME       | 1,Ada,L,a@example.com,s,c,st,co,2024-10-07 09:30:06.729 CET,U                    | is not an ISO-8601
        BAD_EVENT_TIME       | 1,Ada,L,a@example.com,s,c,st,co,2024-02-30 09:30:06.729 +0000,U                  | is not an ISO-8601
        BAD_EVENT_TIME       | 1,Ada,L,a@example.com,s,c,st,co,1970-01-01T00:00:00.000Z,U                       | before the oldest plausible event time 2000-01-01T00:00:00.000Z
        FUTURE_EVENT_TIME    | 1,Ada,L,a@example.com,s,c,st,co,2026-11-24T00:05:00.001Z,U                       | is more than 300000 ms after the processing time 2026-11-24T00:00:00.000Z
        FUTURE_EVENT_TIME    | 1,Ada,L,a@example.com,s,c,st,co,+12026-11-24T00:00:00Z,U                         | after the processing time
        """)
    void rejectsWithTheRuleCodeAndAClearDetail(final ViolationCode code, final String record, final String detail)
            throws IOException {
        assertThat(check(record)).isFalse();
        assertThat(rules.violation()).isEqualTo(code);
        assertThat(rules.detail()).contains(detail);
    }

    @Test
    void acceptsAnEventTimeExactlyAtTheAllowedSkew() throws IOException {
        assertThat(check("1,Ada,L,a@example.com,s,c,st,co,2026-11-24T00:05:00.000Z,U"))
                .isTrue();
    }

    @Test
    void rejectsControlCharactersButAllowsTabAndLineBreaks() throws IOException {
        assertThat(check("1,Ada,L,a@example.com,s,c\u001Bx,st,co,2026-11-23T10:15:30.123Z,U"))
                .isFalse();
        assertThat(rules.violation()).isEqualTo(ViolationCode.CONTROL_CHARACTER);
        assertThat(rules.detail()).isEqualTo("field city holds the control character U+001B at character 2");

        assertThat(check("1,Ada,L,a@example.com,s,c\u0085x,st,co,2026-11-23T10:15:30.123Z,U"))
                .isFalse();
        assertThat(rules.detail()).contains("U+0085");

        assertThat(check("1,Ada,L,a@example.com,\"1 Main St\nApt\t2\",c,st,co,2026-11-23T10:15:30.123Z,U"))
                .isTrue();
    }

    @Test
    void rejectsInvalidUtf8NamingFieldAndByte() throws IOException {
        final byte[][] invalid = {
            {(byte) 0xC3, '('}, // truncated two-byte sequence
            {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // UTF-16 surrogate
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
            {(byte) 0xFF},
        };
        for (final byte[] bytes : invalid) {
            assertThat(checkBytes(recordWithCity(bytes))).isFalse();
            assertThat(rules.violation()).isEqualTo(ViolationCode.INVALID_UTF8);
            assertThat(rules.detail()).startsWith("field city holds bytes that are not UTF-8 at byte 2 (0x");
        }
    }

    @Test
    void acceptsMultiByteUtf8AndCountsLengthInCharacters() throws IOException {
        rules = new RecordRules(new ValidationSettings(24, 300_000, 0, true, 1 << 20));
        assertThat(check("1,Zoë,Łódź,a@ex.io,s,c,st,co,2026-11-23T10:15:30.123Z,U"))
                .isTrue();
        assertThat(check("1," + "ł".repeat(24) + ",L,a@ex.io,s,c,st,co,2026-11-23T10:15:30.123Z,U"))
                .isTrue();
        assertThat(check("1," + "😀".repeat(24) + ",L,a@ex.io,s,c,st,co,2026-11-23T10:15:30.123Z,U"))
                .isTrue();
        assertThat(check("1,A," + "ł".repeat(25) + ",a@ex.io,s,c,st,co,2026-11-23T10:15:30.123Z,U"))
                .isFalse();
        assertThat(rules.violation()).isEqualTo(ViolationCode.FIELD_TOO_LONG);
        assertThat(rules.detail()).isEqualTo("field last_name has 25 characters, more than the limit of 24");
    }

    @Test
    void appliesTheFieldLengthLimitToAsciiAtTheBoundary() throws IOException {
        final String fits = "x".repeat(256);
        assertThat(check("1," + fits + ",L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U"))
                .isTrue();
        assertThat(check("1," + fits + "x,L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U"))
                .isFalse();
        assertThat(rules.violation()).isEqualTo(ViolationCode.FIELD_TOO_LONG);
    }

    @Test
    void aDeleteNeedsOnlyIdAndEventTime() throws IOException {
        assertThat(check("7,,,,,,,,2026-11-23T10:15:30.123Z,D")).isTrue();
        assertThat(rules.isDelete()).isTrue();
    }

    @Test
    void normalizesTrimsCaseAndLenientEventTimes() throws IOException {
        assertThat(check(" 42 , Ada ,L, Ada.Lovelace@Example.COM ,s,c,st,co, 2026-11-23T11:15:30+01:00 , u "))
                .isTrue();
        assertThat(rules.customerId()).isEqualTo(42);
        assertThat(value(CustomerColumn.FIRST_NAME)).isEqualTo("Ada");
        assertThat(rules.eventTimeCanonical()).isFalse();
        assertThat(EventTime.format(rules.eventTime())).isEqualTo("2026-11-23T10:15:30.000Z");
        rules.normalizeEmail(reader.buffer());
        assertThat(value(CustomerColumn.EMAIL)).isEqualTo("ada.lovelace@example.com");

        assertThat(check("1,A,L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123456789Z,d"))
                .isTrue();
        assertThat(EventTime.format(rules.eventTime())).isEqualTo("2026-11-23T10:15:30.123Z");
        assertThat(rules.isDelete()).isTrue();
    }

    /** Snowflake's own TIMESTAMP output, SQL and spreadsheet exports: unambiguous because each names its offset. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        2024-10-07 09:30:06.729 Z        | 2024-10-07T09:30:06.729Z
        2024-10-07 09:30:06.729 +0000    | 2024-10-07T09:30:06.729Z
        2024-10-07 09:30:06.729+0000     | 2024-10-07T09:30:06.729Z
        2024-10-07 09:30:06.729 +00:00   | 2024-10-07T09:30:06.729Z
        2024-10-07 09:30:06.729+00:00    | 2024-10-07T09:30:06.729Z
        2024-10-07 09:30:06.729+00       | 2024-10-07T09:30:06.729Z
        2024-10-07 09:30:06.729000 UTC   | 2024-10-07T09:30:06.729Z
        2024-10-07T09:30:06.729+0000     | 2024-10-07T09:30:06.729Z
        2024-10-07T09:30:06.729 Z        | 2024-10-07T09:30:06.729Z
        2024-10-07 09:30:06Z             | 2024-10-07T09:30:06.000Z
        2024-10-07 09:30Z                | 2024-10-07T09:30:00.000Z
        2024-10-07 11:30:06.729 +0200    | 2024-10-07T09:30:06.729Z
        2024-10-07T04:30:06.729-05:00    | 2024-10-07T09:30:06.729Z
        """)
    void acceptsTheTimestampShapesSnowflakeAndExportsWriteWhenTheyNameTheirOffset(
            final String written, final String canonical) throws IOException {
        assertThat(check("1,Ada,L,a@example.com,s,c,st,co," + written + ",U"))
                .as(rules.detail())
                .isTrue();
        assertThat(EventTime.format(rules.eventTime())).isEqualTo(canonical);
    }

    @Test
    void lowerCasesTheWholeEmailOrNothing() throws IOException {
        assertThat(check("1,José,Pérez,JOSÉ.PÉREZ@EXAMPLE.ES,s,c,st,co,2026-11-23T10:15:30.123Z,U"))
                .isTrue();
        assertThat(rules.normalizeEmail(reader.buffer())).isEqualTo("josé.pérez@example.es");

        assertThat(check("1,Ada,L,ADA@EXAMPLE.COM,s,c,st,co,2026-11-23T10:15:30.123Z,U"))
                .isTrue();
        assertThat(rules.normalizeEmail(reader.buffer()))
                .as("ASCII: lower-cased in place")
                .isNull();
        assertThat(value(CustomerColumn.EMAIL)).isEqualTo("ada@example.com");

        rules = new RecordRules(new ValidationSettings(256, 300_000, 0, false, 1 << 20));
        assertThat(check("1,José,Pérez,JOSÉ.PÉREZ@EXAMPLE.ES,s,c,st,co,2026-11-23T10:15:30.123Z,U"))
                .isTrue();
        assertThat(rules.normalizeEmail(reader.buffer())).isNull();
        assertThat(value(CustomerColumn.EMAIL))
                .as("not normalizing: not at all")
                .isEqualTo("JOSÉ.PÉREZ@EXAMPLE.ES");
    }

    @Test
    void acceptsCanonicalIdsAndTrimsSpacesAroundThem() throws IOException {
        assertThat(check("0,Ada,L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U"))
                .isTrue();
        assertThat(rules.customerId()).isZero();
        assertThat(check(" 7 ,Ada,L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U"))
                .isTrue();
        assertThat(rules.customerId()).isEqualTo(7);
        assertThat(check("9223372036854775807,Ada,L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U"))
                .isTrue();
        assertThat(rules.customerId()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void withoutNormalizationValuesMustAlreadyBeCanonical() throws IOException {
        rules = new RecordRules(new ValidationSettings(256, 300_000, 0, false, 1 << 20));
        assertThat(check(" 42,Ada,L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U"))
                .isFalse();
        assertThat(rules.violation()).isEqualTo(ViolationCode.NON_INTEGER_ID);
        assertThat(check("42,Ada,L,a@example.com,s,c,st,co,2026-11-23T10:15:30.123Z,u"))
                .isFalse();
        assertThat(rules.violation()).isEqualTo(ViolationCode.UNKNOWN_OP);
        assertThat(check("42,Ada,L,a@example.com,s,c,st,co,2026-11-23T10:15:30Z,U"))
                .isFalse();
        assertThat(rules.detail()).contains("is not a canonical UTC time");
        assertThat(check("42,Ada,L,a@example.com,s,c,st,co,2024-10-07 09:30:06.729 Z,U"))
                .isFalse();
        assertThat(rules.violation()).isEqualTo(ViolationCode.BAD_EVENT_TIME);
        assertThat(check("42,Ada,L,Ada@Example.com,s,c,st,co,2026-11-23T10:15:30.123Z,U"))
                .isTrue();
        rules.normalizeEmail(reader.buffer());
        assertThat(value(CustomerColumn.EMAIL)).isEqualTo("Ada@Example.com");
    }

    @Test
    void upgradesLegacyRecordsWithTheGivenEventTimeAsUpserts() throws IOException {
        reader = reader("42,Ada,Lovelace,ada@example.com,12 Square,London,England,United Kingdom");
        assertThat(rules.check(reader, InputLayout.LEGACY, LEGACY_TIME, NOW)).isTrue();
        assertThat(rules.eventTime()).isEqualTo(LEGACY_TIME);
        assertThat(rules.isDelete()).isFalse();

        reader = reader("42,Ada,,ada@example.com,12 Square,London,England,United Kingdom");
        assertThat(rules.check(reader, InputLayout.LEGACY, LEGACY_TIME, NOW)).isFalse();
        assertThat(rules.violation()).isEqualTo(ViolationCode.REQUIRED_FIELD_EMPTY);
    }

    @Test
    void keepsFormulaLookingValuesAsData() throws IOException {
        assertThat(
                        check(
                                "1,\"=HYPERLINK(\"\"http://x\"\")\",+SUM(A1),a@example.com,@cmd,-2+3,st,co,2026-11-23T10:15:30.123Z,U"))
                .isTrue();
        assertThat(value(CustomerColumn.FIRST_NAME)).isEqualTo("=HYPERLINK(\"http://x\")");
    }

    private static byte[] recordWithCity(final byte[] cityTail) {
        final ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.writeBytes("1,Ada,L,a@example.com,s,c".getBytes(StandardCharsets.US_ASCII));
        record.writeBytes(cityTail);
        record.writeBytes(",st,co,2026-11-23T10:15:30.123Z,U".getBytes(StandardCharsets.US_ASCII));
        return record.toByteArray();
    }

    private boolean check(final String record) throws IOException {
        return checkBytes(record.getBytes(StandardCharsets.UTF_8));
    }

    private boolean checkBytes(final byte[] record) throws IOException {
        reader = reader(record);
        return rules.check(reader, InputLayout.CANONICAL, LEGACY_TIME, NOW);
    }

    private String value(final CustomerColumn column) {
        return new String(
                reader.buffer(),
                rules.valueStart(column),
                rules.valueEnd(column) - rules.valueStart(column),
                StandardCharsets.UTF_8);
    }

    private static CustomerCsvReader reader(final String record) throws IOException {
        return reader(record.getBytes(StandardCharsets.UTF_8));
    }

    private static CustomerCsvReader reader(final byte[] record) throws IOException {
        final CustomerCsvReader reader = new CustomerCsvReader(new ByteArrayInputStream(record), 1 << 20);
        assertThat(reader.next()).isEqualTo(CustomerCsvReader.Status.RECORD);
        return reader;
    }
}
