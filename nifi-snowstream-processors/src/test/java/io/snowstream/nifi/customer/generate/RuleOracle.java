package io.snowstream.nifi.customer.generate;

import io.snowstream.nifi.customer.csv.EventTime;
import io.snowstream.nifi.customer.validate.ViolationCode;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validator's rules restated independently and simply, as the generator's tests understand them from the
 * issue: which rules a generated record breaks. Not a validator: no normalization, no streaming, no details.
 */
final class RuleOracle {

    private static final int FIELD_LIMIT = 256;
    private static final long FUTURE_SKEW_MILLIS = 5 * 60_000;
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
    private static final Pattern PLAUSIBLE_EMAIL = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+");
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private RuleOracle() {}

    static Set<ViolationCode> violations(final GeneratedCsv.Row row) {
        final Set<ViolationCode> violations = EnumSet.noneOf(ViolationCode.class);
        if (!isUtf8(row.raw())) {
            violations.add(ViolationCode.INVALID_UTF8);
        }
        if (row.fields().size() != 10) {
            violations.add(ViolationCode.WRONG_FIELD_COUNT);
            return violations;
        }
        final String id = row.field(0);
        if (id.isEmpty()) {
            violations.add(ViolationCode.MISSING_ID);
        } else if (!INTEGER.matcher(id).matches()) {
            violations.add(ViolationCode.NON_INTEGER_ID);
        } else {
            final BigInteger value = new BigInteger(id);
            if (value.signum() < 0 || value.compareTo(LONG_MAX) > 0) {
                violations.add(ViolationCode.ID_OUT_OF_RANGE);
            } else if (!value.toString().equals(id)) {
                violations.add(ViolationCode.NON_CANONICAL_ID);
            }
        }
        final String op = row.op();
        if (!op.equals("U") && !op.equals("D")) {
            violations.add(ViolationCode.UNKNOWN_OP);
        }
        for (final String field : row.fields()) {
            if (field.codePointCount(0, field.length()) > FIELD_LIMIT) {
                violations.add(ViolationCode.FIELD_TOO_LONG);
            }
            if (field.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
                violations.add(ViolationCode.CONTROL_CHARACTER);
            }
        }
        if (op.equals("U") && row.fields().subList(1, 8).stream().anyMatch(String::isEmpty)
                || row.field(8).isEmpty()) {
            violations.add(ViolationCode.REQUIRED_FIELD_EMPTY);
        }
        final String email = row.field(3);
        if (!email.isEmpty() && !PLAUSIBLE_EMAIL.matcher(email).matches()) {
            violations.add(ViolationCode.MALFORMED_EMAIL);
        }
        final long eventTime = EventTime.parseCanonical(row.field(8));
        if (eventTime == EventTime.INVALID) {
            violations.add(ViolationCode.BAD_EVENT_TIME);
        } else if (eventTime > System.currentTimeMillis() + FUTURE_SKEW_MILLIS) {
            violations.add(ViolationCode.FUTURE_EVENT_TIME);
        }
        return violations;
    }

    private static boolean isUtf8(final byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (final CharacterCodingException e) {
            return false;
        }
    }
}
