package io.snowstream.nifi.customer.generate;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Turns a name into the letters and digits an email local part would use: accents removed ("Zoë" becomes "zoe"),
 * ligatures and letters without a decomposition spelled out ("Straße" becomes "strasse"), everything else dropped.
 * Scripts without a Latin transliteration fold to an empty result; the caller decides the fallback.
 */
final class AsciiFolding {

    private AsciiFolding() {}

    static byte[] fold(final String text) {
        final String decomposed =
                Normalizer.normalize(text, Normalizer.Form.NFKD).toLowerCase(Locale.ROOT);
        final StringBuilder folded = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); i++) {
            final char c = decomposed.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
                folded.append(c);
                continue;
            }
            folded.append(
                    switch (c) {
                        case 'ß' -> "ss";
                        case 'æ' -> "ae";
                        case 'œ' -> "oe";
                        case 'ø' -> "o";
                        case 'ł' -> "l";
                        case 'đ', 'ð' -> "d";
                        case 'þ' -> "th";
                        case 'ı' -> "i";
                        default -> "";
                    });
        }
        return folded.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
