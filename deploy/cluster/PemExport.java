import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;

/**
 * Prints the private key (PKCS#8) and the certificate chain of one entry of a PKCS12 keystore as PEM, for clients
 * that take PEM files (Prometheus, curl). keytool cannot export a private key; this needs only the JDK:
 * {@code STORE_PASSWORD=... java PemExport.java store.p12 alias}.
 */
public final class PemExport {

    public static void main(final String[] arguments) throws Exception {
        if (arguments.length != 2 || System.getenv("STORE_PASSWORD") == null) {
            System.err.println("usage: STORE_PASSWORD=... java PemExport.java KEYSTORE.p12 ALIAS");
            System.exit(2);
        }
        final char[] password = System.getenv("STORE_PASSWORD").toCharArray();
        final KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(arguments[0]))) {
            store.load(in, password);
        }
        final Key key = store.getKey(arguments[1], password);
        if (key == null) {
            System.err.println("no private key under alias " + arguments[1] + " in " + arguments[0]);
            System.exit(1);
        }
        final StringBuilder pem = new StringBuilder(pem("PRIVATE KEY", key.getEncoded()));
        for (final Certificate certificate : store.getCertificateChain(arguments[1])) {
            pem.append(pem("CERTIFICATE", certificate.getEncoded()));
        }
        System.out.write(pem.toString().getBytes(StandardCharsets.US_ASCII));
        System.out.flush();
    }

    private static String pem(final String type, final byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
