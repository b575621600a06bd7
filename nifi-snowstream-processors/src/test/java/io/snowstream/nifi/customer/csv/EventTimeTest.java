package io.snowstream.nifi.customer.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventTimeTest {

    @Test
    void formatsAndParsesTheDocumentedExample() {
        final long millis = Instant.parse("2026-11-23T10:15:30.123Z").toEpochMilli();

        assertThat(EventTime.format(millis)).isEqualTo("2026-11-23T10:15:30.123Z");
        assertThat(EventTime.parseCanonical("2026-11-23T10:15:30.123Z")).isEqualTo(millis);
    }

    @Test
    void agreesWithJavaTimeAcrossTheWholeRange() {
        final SplittableRandom random = new SplittableRandom(42);
        final long min = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
        final long max = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
        for (int i = 0; i < 100_000; i++) {
            final long millis = random.nextLong(min, max + 1);
            final String expected =
                    Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.MILLIS).toString();
            final String formatted = EventTime.format(millis);

            assertThat(formatted).hasSize(EventTime.LENGTH);
            // java.time drops a zero fraction; the canonical layout always keeps three digits
            assertThat(Instant.parse(formatted).toEpochMilli()).isEqualTo(millis);
            assertThat(EventTime.parseCanonical(formatted)).isEqualTo(millis);
            assertThat(expected.substring(0, 19)).isEqualTo(formatted.substring(0, 19));
        }
    }

    @Test
    void formatterReusingTheDateAgreesWithFormat() {
        final SplittableRandom random = new SplittableRandom(7);
        final EventTime.Formatter formatter = new EventTime.Formatter();
        final byte[] expected = new byte[EventTime.LENGTH];
        final byte[] actual = new byte[EventTime.LENGTH + 3];
        long millis = Instant.parse("2024-02-28T23:59:00Z").toEpochMilli();
        for (int i = 0; i < 200_000; i++) {
            // mostly small steps across day and leap-day boundaries, sometimes a jump back or far ahead
            millis += random.nextInt(10) == 0
                    ? random.nextLong(-86_400_000L * 400, 86_400_000L * 400)
                    : random.nextLong(0, 2_000);
            EventTime.format(millis, expected, 0);

            assertThat(formatter.format(millis, actual, 3)).isEqualTo(3 + EventTime.LENGTH);
            assertThat(java.util.Arrays.copyOfRange(actual, 3, actual.length)).isEqualTo(expected);
        }
    }

    @Test
    void keepsLeapDaysAndEpochBoundaries() {
        assertThat(EventTime.format(0)).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(EventTime.format(-1)).isEqualTo("1969-12-31T23:59:59.999Z");
        assertThat(EventTime.parseCanonical("2024-02-29T23:59:59.999Z"))
                .isEqualTo(Instant.parse("2024-02-29T23:59:59.999Z").toEpochMilli());
        assertThat(EventTime.parseCanonical("2000-02-29T00:00:00.000Z"))
                .isEqualTo(Instant.parse("2000-02-29T00:00:00Z").toEpochMilli());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-02-29T00:00:00.000Z", "1900-02-29T00:00:00.000Z", "2026-04-31T00:00:00.000Z",
                        "2026-13-01T00:00:00.000Z",
                "2026-00-10T00:00:00.000Z", "2026-11-23T24:00:00.000Z", "2026-11-23T10:60:00.000Z",
                        "2026-11-23T10:15:60.000Z",
                "2026-11-23T10:15:30.12Z", "2026-11-23T10:15:30.123", "2026-11-23 10:15:30.123Z",
                        "2026-11-23T10:15:30.123+",
                "2026-11-23T10:15:30Z", "2026-1a-23T10:15:30.123Z", "", "yesterday"
            })
    void rejectsAnythingThatIsNotACanonicalInstant(final String text) {
        assertThat(EventTime.parseCanonical(text)).isEqualTo(EventTime.INVALID);
    }

    @Test
    void refusesInstantsTheLayoutCannotExpress() {
        final long year10000 = Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli();

        assertThatThrownBy(() -> EventTime.format(year10000)).isInstanceOf(IllegalArgumentException.class);
    }
}
