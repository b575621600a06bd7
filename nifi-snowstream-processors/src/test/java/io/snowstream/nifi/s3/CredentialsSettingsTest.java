package io.snowstream.nifi.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CredentialsSettingsTest {

    @Test
    void printingTheSettingsNeverShowsTheSecretKey() {
        final CredentialsSettings settings = new CredentialsSettings(
                CredentialsSettings.Source.STATIC_KEYS,
                "AKIAEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "arn:aws:iam::123456789012:role/loader",
                "ext",
                "nifi");

        assertThat(settings.toString())
                .doesNotContain("wJalrXUtnFEMI")
                .contains("AKIAEXAMPLE")
                .contains("role/loader");
        assertThat(settings.assumesRole()).isTrue();
    }
}
