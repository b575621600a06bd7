package io.snowstream.nifi.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UtcInstantsTest {

    @ParameterizedTest
    @ValueSource(strings = {"2026-01-01T00:00:00Z", "2026-01-01T00:00:00.000Z", " 2026-01-01T00:00:00.0Z "})
    void readsAUtcInstantWithOrWithoutMilliseconds(final String value) {
        assertThat(UtcInstants.toEpochMillis(value)).isEqualTo(1_767_225_600_000L);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-01-01",
                "2026-01-01 00:00:00Z",
                "2026-01-01T00:00Z",
                "2026-01-01T00:00:00",
                "2026-01-01T00:00:00+00:00",
                "2026-01-01T00:00:00.0001Z",
                "2026-02-30T00:00:00Z",
                "2026-13-01T00:00:00Z",
                "+10000-01-01T00:00:00Z",
                "yesterday",
                ""
            })
    void refusesEverythingElse(final String value) {
        assertThatThrownBy(() -> UtcInstants.toEpochMillis(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ISO-8601 UTC instant");
    }
}
