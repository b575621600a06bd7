package io.snowstream.nifi.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeysTest {

    @Test
    void keepsAnOrdinaryKey() {
        assertThat(ObjectKeys.sanitize("customers/2026/11/23/10/customers-node1-abc.csv.gz"))
                .isEqualTo("customers/2026/11/23/10/customers-node1-abc.csv.gz");
    }

    @Test
    void removesLeadingSlashes() {
        assertThat(ObjectKeys.sanitize("//customers/a.csv")).isEqualTo("customers/a.csv");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "/",
                "customers/../a.csv",
                "../a.csv",
                "customers/./a.csv",
                "customers//a.csv",
                "customers/",
                "customers/a\u0000.csv",
                "customers/a\n.csv",
                "customers/\u007f.csv"
            })
    void refusesUnsafeKeys(final String key) {
        assertThatThrownBy(() -> ObjectKeys.sanitize(key)).isInstanceOf(ObjectKeys.InvalidObjectKeyException.class);
    }

    @Test
    void refusesKeysLongerThanS3Allows() {
        assertThatThrownBy(() -> ObjectKeys.sanitize("k/" + "\u00e9".repeat(512)))
                .isInstanceOf(ObjectKeys.InvalidObjectKeyException.class)
                .hasMessageContaining("1024");
    }

    @Test
    void requireSafeRefusesALeadingSlashInsteadOfRemovingIt() {
        assertThatThrownBy(() -> ObjectKeys.requireSafe("/customers/a.csv"))
                .isInstanceOf(ObjectKeys.InvalidObjectKeyException.class)
                .hasMessageContaining("starts with '/'");
        assertThat(ObjectKeys.requireSafe("customers/a.csv")).isEqualTo("customers/a.csv");
    }

    @Test
    void allowsDotsInsideSegments() {
        assertThat(ObjectKeys.sanitize("a..b/c.d..csv")).isEqualTo("a..b/c.d..csv");
    }
}
