package io.snowstream.nifi.snowflake.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.snowstream.nifi.snowflake.stub.TestKeys;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class KeyPairAuthTest {

    @Test
    void anEncryptedKeyOpensToTheSameKeyAsThePlainOne() {
        final PrivateKey encrypted =
                PrivateKeys.read(TestKeys.encryptedPrivateKeyPem(), TestKeys.PASSPHRASE.toCharArray());
        assertThat(encrypted.getEncoded()).isEqualTo(TestKeys.privateKey().getEncoded());
    }

    @Test
    void aWrongOrMissingPassphraseIsReportedWithoutTheKey() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PrivateKeys.read(TestKeys.encryptedPrivateKeyPem(), "wrong".toCharArray()))
                .withMessageContaining("wrong passphrase")
                .withMessageNotContaining("MII");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PrivateKeys.read(TestKeys.encryptedPrivateKeyPem(), null))
                .withMessageContaining("set the passphrase");
    }

    @Test
    void otherFormsAreRejectedWithAHint() {
        assertThatIllegalArgumentException()
                .isThrownBy(() ->
                        PrivateKeys.read("-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----", null))
                .withMessageContaining("openssl pkcs8 -topk8");
        assertThatIllegalArgumentException().isThrownBy(() -> PrivateKeys.read("not a key", null));
        assertThatIllegalArgumentException()
                .isThrownBy(
                        () -> PrivateKeys.read("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", null));
    }

    @Test
    void tokensCarrySnowflakesClaimsAndVerifyWithThePublicKey() throws Exception {
        final Instant now = Instant.parse("2026-11-23T10:00:00Z");
        final KeyPairJwt jwt =
                new KeyPairJwt("myorg-myaccount", "loader", TestKeys.privateKey(), Clock.fixed(now, ZoneOffset.UTC));

        final SignedJWT token = SignedJWT.parse(jwt.token());

        assertThat(token.verify(new RSASSAVerifier((RSAPublicKey) TestKeys.publicKey())))
                .isTrue();
        assertThat(token.getJWTClaimsSet().getSubject()).isEqualTo("MYORG-MYACCOUNT.LOADER");
        assertThat(token.getJWTClaimsSet().getIssuer())
                .isEqualTo("MYORG-MYACCOUNT.LOADER." + KeyPairJwt.fingerprint(TestKeys.privateKey()));
        assertThat(Duration.between(
                        token.getJWTClaimsSet().getIssueTime().toInstant(),
                        token.getJWTClaimsSet().getExpirationTime().toInstant()))
                .isLessThanOrEqualTo(Duration.ofHours(1));
    }

    @Test
    void theLegacyLocatorDropsItsRegion() {
        assertThat(KeyPairJwt.accountForJwt("xy12345.eu-west-1")).isEqualTo("XY12345");
    }

    @Test
    void tokensAreReusedUntilShortlyBeforeExpiry() throws ParseException {
        final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
        final KeyPairJwt jwt = new KeyPairJwt("acct", "loader", TestKeys.privateKey(), clock);
        final String first = jwt.token();

        clock.now = clock.now.plus(Duration.ofMinutes(30));
        assertThat(jwt.token()).isEqualTo(first);

        clock.now = clock.now.plus(Duration.ofMinutes(25));
        final String renewed = jwt.token();
        assertThat(renewed).isNotEqualTo(first);
        assertThat(SignedJWT.parse(renewed).getJWTClaimsSet().getIssueTime().toInstant())
                .isEqualTo(clock.now);
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(final Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
