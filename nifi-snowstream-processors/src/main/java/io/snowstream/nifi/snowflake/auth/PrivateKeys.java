package io.snowstream.nifi.snowflake.auth;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads the RSA key Snowflake's key-pair authentication uses: PKCS#8 PEM, plain ({@code BEGIN PRIVATE KEY}) or
 * encrypted ({@code BEGIN ENCRYPTED PRIVATE KEY}, PBES2 as {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} writes it).
 * Error messages describe the problem, never the key or the passphrase.
 */
public final class PrivateKeys {

    private static final Pattern PEM =
            Pattern.compile("-----BEGIN (ENCRYPTED PRIVATE KEY|PRIVATE KEY)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private PrivateKeys() {}

    /**
     * @param pem        the PEM text
     * @param passphrase the passphrase of an encrypted key; null or empty for a plain one
     * @throws IllegalArgumentException when the text is not a PKCS#8 RSA key or the passphrase does not open it
     */
    public static PrivateKey read(final String pem, final char[] passphrase) {
        final Matcher matcher = PEM.matcher(pem == null ? "" : pem);
        if (!matcher.find()) {
            if (pem != null && pem.contains("BEGIN RSA PRIVATE KEY")) {
                throw new IllegalArgumentException("the key is in PKCS#1 form: convert it with"
                        + " openssl pkcs8 -topk8 -in rsa_key.p1 -out rsa_key.p8");
            }
            throw new IllegalArgumentException("no PKCS#8 PEM private key found (expected -----BEGIN PRIVATE KEY-----"
                    + " or -----BEGIN ENCRYPTED PRIVATE KEY-----)");
        }
        final byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(matcher.group(2));
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("the private key's PEM body is not valid base64: is the key truncated?");
        }
        final boolean encrypted = matcher.group(1).startsWith("ENCRYPTED");
        try {
            final PKCS8EncodedKeySpec spec = encrypted ? decrypt(der, passphrase) : new PKCS8EncodedKeySpec(der);
            return KeyFactory.getInstance("RSA").generatePrivate(spec);
        } catch (final GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(
                    encrypted
                            ? "the encrypted private key could not be opened: wrong passphrase or unsupported encryption"
                            : "the private key is not a valid PKCS#8 RSA key");
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    private static PKCS8EncodedKeySpec decrypt(final byte[] der, final char[] passphrase)
            throws GeneralSecurityException, IOException {
        if (passphrase == null || passphrase.length == 0) {
            throw new IllegalArgumentException("the private key is encrypted: set the passphrase");
        }
        final EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
        final PBEKeySpec keySpec = new PBEKeySpec(passphrase);
        try {
            // for PBES2 the algorithm name from the parameters (e.g. PBEWithHmacSHA256AndAES_256) drives both
            final String algorithm = info.getAlgParameters().toString();
            final Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    SecretKeyFactory.getInstance(algorithm).generateSecret(keySpec),
                    info.getAlgParameters());
            return info.getKeySpec(cipher);
        } finally {
            keySpec.clearPassword();
        }
    }

    /** The public half of an RSA private key, as Snowflake fingerprints it. */
    public static PublicKey publicKeyOf(final PrivateKey privateKey) {
        if (!(privateKey instanceof RSAPrivateCrtKey rsa)) {
            throw new IllegalArgumentException("Snowflake key-pair authentication needs an RSA key");
        }
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("RSA is not available in this JVM", e);
        }
    }
}
