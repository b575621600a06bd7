package io.snowstream.nifi.customer.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AsciiFoldingTest {

    @ParameterizedTest
    @CsvSource({
        "Ada, ada",
        "Zoë, zoe",
        "Clémence, clemence",
        "Straße, strasse",
        "Łódź, lodz",
        "O'Brien, obrien",
        "Müller-Lüdenscheidt, mullerludenscheidt",
        "Ærøskøbing, aeroskobing",
        "Œuvre, oeuvre",
        "van der Berg, vanderberg",
        "大沢, ''"
    })
    void keepsOnlyLowerCaseLettersAndDigits(final String name, final String expected) {
        assertThat(new String(AsciiFolding.fold(name), StandardCharsets.US_ASCII))
                .isEqualTo(expected);
    }
}
