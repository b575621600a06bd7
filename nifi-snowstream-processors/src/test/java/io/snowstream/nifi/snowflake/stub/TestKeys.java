package io.snowstream.nifi.snowflake.stub;

import io.snowstream.nifi.snowflake.auth.PrivateKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;

/** The throwaway test key pair in src/test/resources/snowflake, and a second key Snowflake would not know. */
public final class TestKeys {

    public static final String PASSPHRASE = "correct-horse";

    private TestKeys() {}

    public static String privateKeyPem() {
        return resource("test-key.p8");
    }

    public static String encryptedPrivateKeyPem() {
        return resource("test-key-encrypted.p8");
    }

    public static PrivateKey privateKey() {
        return PrivateKeys.read(privateKeyPem(), null);
    }

    public static PublicKey publicKey() {
        return PrivateKeys.publicKeyOf(privateKey());
    }

    /** A freshly generated key: signatures made with it do not verify against {@link #publicKey()}. */
    public static String unknownPrivateKeyPem() {
        try {
            final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            final byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
            return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(der)
                    + "\n-----END PRIVATE KEY-----\n";
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(final String name) {
        try (InputStream in = TestKeys.class.getResourceAsStream("/snowflake/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
