package io.snowstream.nifi.snowflake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SnowflakeIdentifierTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "customer_pipe|CUSTOMER_PIPE|\"CUSTOMER_PIPE\"|CUSTOMER_PIPE",
                "_x$1|_X$1|\"_X$1\"|_X$1",
                "\"Customer Pipe\"|Customer Pipe|\"Customer Pipe\"|\"Customer Pipe\"",
                "\"say \"\"hi\"\"\"|say \"hi\"|\"say \"\"hi\"\"\"|\"say \"\"hi\"\"\"",
                "\"UPPER\"|UPPER|\"UPPER\"|UPPER",
                "\"lower\"|lower|\"lower\"|\"lower\""
            })
    void resolvesAndRendersLikeSnowflake(
            final String written, final String resolved, final String sql, final String canonical) {
        final SnowflakeIdentifier identifier = SnowflakeIdentifier.parse(written);
        assertThat(identifier.resolvedName()).isEqualTo(resolved);
        assertThat(identifier.toSql()).isEqualTo(sql);
        assertThat(identifier.toCanonical()).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "1pipe",
                "pipe name",
                "db.pipe",
                "pipe;drop",
                "pipe'",
                "\"\"",
                "\"a\"b\"",
                "\"unterminated",
                "pipe--",
                "\"line\nbreak\""
            })
    void rejectsWhatIsNotAnIdentifier(final String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> SnowflakeIdentifier.parse(text));
    }

    @Test
    void quotedAndUnquotedFormsOfTheSameNameAreEqual() {
        assertThat(SnowflakeIdentifier.parse("raw")).isEqualTo(SnowflakeIdentifier.parse("\"RAW\""));
        assertThat(SnowflakeIdentifier.parse("raw")).isNotEqualTo(SnowflakeIdentifier.parse("\"raw\""));
    }

    @Test
    void qualifiedNamesJoinTheirParts() {
        final QualifiedName pipe = QualifiedName.parse("analytics", "\"Raw Data\"", "customer_pipe");
        assertThat(pipe.toSql()).isEqualTo("\"ANALYTICS\".\"Raw Data\".\"CUSTOMER_PIPE\"");
        assertThat(pipe.toCanonical()).isEqualTo("ANALYTICS.\"Raw Data\".CUSTOMER_PIPE");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "plain/path.csv|'plain/path.csv'",
                "it's|'it''s'",
                "back\\slash|'back\\\\slash'",
                "\\'; DROP TABLE x; --|'\\\\''; DROP TABLE x; --'"
            })
    void literalsReadBackAsTheValue(final String value, final String literal) {
        assertThat(SqlLiteral.quote(value)).isEqualTo(literal);
    }

    @Test
    void literalsRejectNul() {
        assertThatIllegalArgumentException().isThrownBy(() -> SqlLiteral.quote("a\0b"));
    }
}
