package io.snowstream.nifi.snowflake.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Locale;

/**
 * Snowflake key-pair JWTs for the Snowpipe REST API: RS256, {@code iss = ACCOUNT.USER.SHA256:<public key
 * fingerprint>}, {@code sub = ACCOUNT.USER}. A token is reused until shortly before it expires.
 */
public final class KeyPairJwt {

    /** Snowflake accepts at most one hour. */
    public static final Duration LIFETIME = Duration.ofMinutes(59);

    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofMinutes(5);

    private final PrivateKey privateKey;
    private final String subject;
    private final String issuer;
    private final Clock clock;

    private String token;
    private Instant expiresAt = Instant.MIN;

    public KeyPairJwt(final String account, final String user, final PrivateKey privateKey, final Clock clock) {
        this.privateKey = privateKey;
        this.subject = accountForJwt(account) + '.' + user.toUpperCase(Locale.ROOT);
        this.issuer = subject + '.' + fingerprint(privateKey);
        this.clock = clock;
    }

    /**
     * The account part of the claims: upper-cased, and for a legacy locator with a region
     * ({@code xy12345.us-east-2.aws}) only the locator.
     */
    static String accountForJwt(final String account) {
        final int dot = account.indexOf('.');
        return (dot < 0 ? account : account.substring(0, dot)).toUpperCase(Locale.ROOT);
    }

    /** {@code SHA256:<base64 of the SHA-256 of the DER public key>}, as {@code DESC USER} shows it. */
    public static String fingerprint(final PrivateKey privateKey) {
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(PrivateKeys.publicKeyOf(privateKey).getEncoded());
            return "SHA256:" + Base64.getEncoder().encodeToString(digest);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /** A valid token, signed anew only when the cached one is about to expire. */
    public synchronized String token() {
        final Instant now = clock.instant();
        if (token == null || now.isAfter(expiresAt.minus(RENEW_BEFORE_EXPIRY))) {
            final Instant expiry = now.plus(LIFETIME);
            token = sign(now, expiry);
            expiresAt = expiry;
        }
        return token;
    }

    private String sign(final Instant issuedAt, final Instant expiry) {
        final JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiry))
                .build();
        final SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        try {
            jwt.sign(new RSASSASigner(privateKey));
        } catch (final JOSEException e) {
            throw new IllegalStateException("could not sign the Snowflake JWT: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
