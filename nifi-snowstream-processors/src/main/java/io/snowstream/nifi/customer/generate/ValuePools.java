package io.snowstream.nifi.customer.generate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import net.datafaker.Faker;

/**
 * Distinct values drawn once from Datafaker for one locale and seed, kept as UTF-8 bytes so that generating a record
 * is a matter of picking indexes and copying bytes. Calling Datafaker per field costs several microseconds per
 * record; a pool of a few thousand values per attribute costs a fraction of that. The variety is bounded by the
 * pools (2,000 first and 2,000 last names, 8,000 streets, 1,000 cities): ample for a demo stream, though less than
 * Datafaker's unbounded draws.
 *
 * <p>Each city is given one state when the pool is built, so a city appears with the same state in every record
 * (Datafaker's locales draw cities and states independently). The country is the locale's country.</p>
 */
public final class ValuePools {

    /** Pool sizes (distinct values drawn, at most): public so that a benchmark peer can draw pools of the same variety. */
    public static final int FIRST_NAMES = 2_000;

    public static final int LAST_NAMES = 2_000;
    public static final int STREETS = 8_000;
    public static final int CITIES = 1_000;
    public static final int COMPANY_DOMAINS = 500;
    /** How many draws a pool may spend looking for distinct values before it settles for fewer. */
    private static final int ATTEMPTS_PER_VALUE = 4;

    private static final Map<String, List<String>> FREE_MAIL_BY_COUNTRY = Map.of(
            "US", List.of("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com"),
            "GB", List.of("gmail.com", "hotmail.co.uk", "outlook.com", "yahoo.co.uk", "btinternet.com", "icloud.com"),
            "DE", List.of("gmail.com", "gmx.de", "web.de", "t-online.de", "outlook.de", "yahoo.de"),
            "AT", List.of("gmail.com", "gmx.at", "aon.at", "outlook.com", "yahoo.de"),
            "CH", List.of("gmail.com", "bluewin.ch", "gmx.ch", "outlook.com", "hotmail.ch"),
            "FR", List.of("gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr", "sfr.fr"));
    private static final List<String> FREE_MAIL_DEFAULT =
            List.of("gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com");

    private final Locale locale;
    private final long seed;
    final byte[][] firstNames;
    final byte[][] firstNamesFolded;
    final byte[][] lastNames;
    final byte[][] lastNamesFolded;
    final byte[][] streets;
    final byte[][] cities;
    /** The state of each city, same index as {@link #cities}. */
    final byte[][] cityStates;

    final byte[] country;
    final byte[][] freeMailDomains;
    final byte[][] companyDomains;

    private ValuePools(final Faker faker, final Locale locale, final long seed) {
        this.locale = locale;
        this.seed = seed;
        final List<String> first = distinct(FIRST_NAMES, () -> faker.name().firstName());
        final List<String> last = distinct(LAST_NAMES, () -> faker.name().lastName());
        firstNames = utf8(first);
        firstNamesFolded = folded(first);
        lastNames = utf8(last);
        lastNamesFolded = folded(last);
        streets = utf8(distinct(STREETS, () -> faker.address().streetAddress()));
        cities = utf8(distinct(CITIES, () -> faker.address().city()));
        cityStates = new byte[cities.length][];
        for (int i = 0; i < cities.length; i++) {
            cityStates[i] = faker.address().state().getBytes(StandardCharsets.UTF_8);
        }
        country = locale.getDisplayCountry(Locale.ENGLISH).getBytes(StandardCharsets.UTF_8);
        freeMailDomains = utf8(FREE_MAIL_BY_COUNTRY.getOrDefault(locale.getCountry(), FREE_MAIL_DEFAULT));
        companyDomains = distinct(
                        COMPANY_DOMAINS, () -> asciiDomain(faker.internet().domainName()))
                .stream()
                .map(domain -> domain.getBytes(StandardCharsets.US_ASCII))
                .toArray(byte[][]::new);
    }

    /**
     * Builds the pools for a locale (a tag with a country, such as {@code de-DE}) from the seed: the same arguments
     * give the same pools with the same Datafaker version.
     */
    public static ValuePools build(final Locale locale, final long seed) {
        if (locale.getCountry().isEmpty()) {
            throw new IllegalArgumentException("The locale needs a country, as in de-DE: " + locale.toLanguageTag());
        }
        return new ValuePools(new Faker(locale, new Random(Hashing.mix64(seed ^ 0x9001L))), locale, seed);
    }

    public Locale locale() {
        return locale;
    }

    public long seed() {
        return seed;
    }

    private static List<String> distinct(final int wanted, final Supplier<String> draw) {
        final Set<String> values = new LinkedHashSet<>();
        for (int attempt = 0; attempt < wanted * ATTEMPTS_PER_VALUE && values.size() < wanted; attempt++) {
            final String value = draw.get().strip();
            if (!value.isEmpty()) {
                values.add(value);
            }
        }
        return new ArrayList<>(values);
    }

    /** The domain with each label ASCII-folded; empty when a label folds to nothing. */
    private static String asciiDomain(final String domain) {
        final StringBuilder ascii = new StringBuilder(domain.length());
        for (final String label : domain.split("\\.")) {
            final String folded = new String(AsciiFolding.fold(label.replace("-", "")), StandardCharsets.US_ASCII);
            if (folded.isEmpty()) {
                return "";
            }
            ascii.append(ascii.isEmpty() ? "" : ".").append(folded);
        }
        return ascii.toString();
    }

    private static byte[][] utf8(final List<String> values) {
        return values.stream()
                .map(value -> value.getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new);
    }

    private static byte[][] folded(final List<String> names) {
        return names.stream().map(AsciiFolding::fold).toArray(byte[][]::new);
    }
}
