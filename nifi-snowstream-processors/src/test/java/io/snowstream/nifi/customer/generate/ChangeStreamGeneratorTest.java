package io.snowstream.nifi.customer.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.nifi.customer.csv.EventTime;
import io.snowstream.nifi.customer.validate.ViolationCode;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ChangeStreamGeneratorTest {

    private static final long START = EventTime.parseCanonical("2026-01-01T00:00:00.000Z");
    private static final LongSupplier NO_CLOCK = () -> {
        throw new AssertionError("A seeded stream must not read the clock");
    };
    private static final Pattern EMAIL = Pattern.compile("[a-z0-9._]+@[a-z0-9-]+(\\.[a-z0-9-]+)*\\.[a-z]{2,}");
    private static final int FIRST_NAME = 1;
    private static final int LAST_NAME = 2;
    private static final int EMAIL_COLUMN = 3;
    private static final int STREET = 4;
    private static final int CITY = 5;
    private static final int STATE = 6;
    private static final int COUNTRY = 7;
    private static final int UPDATED_AT = 8;
    /** Columns an update may change together, by kind: email; move; marriage; marriage with email; move with email. */
    private static final List<Set<Integer>> COHERENT_CHANGES = List.of(
            Set.of(EMAIL_COLUMN),
            Set.of(STREET, CITY, STATE),
            Set.of(LAST_NAME),
            Set.of(LAST_NAME, EMAIL_COLUMN),
            Set.of(STREET, CITY, STATE, EMAIL_COLUMN));

    private static final Map<String, ValuePools> POOLS = new HashMap<>();

    @Test
    void sameSeedAndSettingsGiveIdenticalBytes() {
        final GeneratorSettings settings = settings(60, 30, 10, 5);

        final byte[] first = generate(settings, GeneratorState.initial(42, Locale.US), 5_000);
        final byte[] second = generate(settings, GeneratorState.initial(42, Locale.US), 5_000);
        final byte[] otherSeed = generate(settings, GeneratorState.initial(43, Locale.US), 5_000);

        assertThat(second).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @Test
    void resumingFromStoredStateContinuesTheSameStream() {
        final GeneratorSettings settings = settings(60, 30, 10, 5);
        final List<GeneratedCsv.Row> uninterrupted =
                GeneratedCsv.rows(generate(settings, GeneratorState.initial(7, Locale.US), 6_000));

        final ChangeStreamGenerator before = new ChangeStreamGenerator(
                settings, pools(Locale.US, 7), GeneratorState.initial(7, Locale.US), NO_CLOCK);
        final List<GeneratedCsv.Row> resumed = new ArrayList<>(GeneratedCsv.rows(write(before, 2_500)));
        // a restart: only the string map survives, and the pools are built again from the seed
        final GeneratorState stored =
                GeneratorState.fromMap(Map.copyOf(before.state().toMap()));
        final ChangeStreamGenerator after = ChangeStreamGenerator.create(settings, stored, NO_CLOCK);
        resumed.addAll(GeneratedCsv.rows(write(after, 3_500)));

        assertThat(resumed).hasSameSizeAs(uninterrupted);
        for (int i = 0; i < resumed.size(); i++) {
            assertThat(resumed.get(i).raw())
                    .as("record %d", i)
                    .isEqualTo(uninterrupted.get(i).raw());
        }
    }

    @Test
    void honoursTheSharesOfInsertsUpdatesDeletesAndInvalidRecords() {
        final ChangeStreamGenerator generator = new ChangeStreamGenerator(
                settings(50, 35, 15, 10), pools(Locale.US, 1), GeneratorState.initial(1, Locale.US), NO_CLOCK);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final BatchSummary summary = generator.writeBatch(out, 100_000);

        final Map<String, Integer> ops = new HashMap<>();
        for (final GeneratedCsv.Row row : GeneratedCsv.rows(out.toByteArray())) {
            ops.merge(row.fields().size() == 10 ? row.op() : "?", 1, Integer::sum);
        }
        assertThat(summary.records()).isEqualTo(100_000);
        assertThat(summary.invalid()).isBetween(9_000L, 11_000L);
        final long valid = summary.records() - summary.invalid();
        assertThat((double) summary.inserts() / valid).isBetween(0.48, 0.52);
        assertThat((double) summary.updates() / valid).isBetween(0.33, 0.37);
        assertThat((double) summary.deletes() / valid).isBetween(0.13, 0.17);
        // the summary agrees with the content: every delete is a D record
        assertThat((long) ops.getOrDefault("D", 0)).isEqualTo(summary.deletes());
    }

    @Test
    void updatesChangeOneThingCoherentlyAndKeepTheRest() {
        final List<GeneratedCsv.Row> rows =
                GeneratedCsv.rows(generate(settings(40, 50, 10, 0), GeneratorState.initial(3, Locale.US), 50_000));
        final Map<String, List<String>> latest = new HashMap<>();
        final Set<String> deleted = new HashSet<>();
        final Map<Set<Integer>, Integer> changeKinds = new HashMap<>();
        long nextNewId = 0;

        for (final GeneratedCsv.Row row : rows) {
            if (deleted.contains(row.id())) {
                throw new AssertionError("Deleted customer changed again: " + row.fields());
            }
            final List<String> previous = latest.get(row.id());
            if (previous == null) {
                if (!row.op().equals("U") || Long.parseLong(row.id()) != nextNewId++) {
                    throw new AssertionError(
                            "A new customer must be an upsert with the next consecutive id: " + row.fields());
                }
            } else if (row.op().equals("D")) {
                deleted.add(row.id());
            } else {
                final Set<Integer> changed = new HashSet<>();
                for (int column = FIRST_NAME; column <= COUNTRY; column++) {
                    if (!row.field(column).equals(previous.get(column))) {
                        changed.add(column);
                    }
                }
                final Set<Integer> kind = COHERENT_CHANGES.stream()
                        .filter(coherent ->
                                coherent.containsAll(changed) && changed.containsAll(without(coherent, STATE)))
                        .findFirst()
                        .orElseThrow(() ->
                                new AssertionError("Incoherent change of columns " + changed + " in " + row.fields()));
                changeKinds.merge(kind, 1, Integer::sum);
            }
            latest.put(row.id(), row.fields());
        }

        assertThat(changeKinds.keySet())
                .as("every kind of change occurs")
                .containsExactlyInAnyOrderElementsOf(COHERENT_CHANGES);
        assertThat(deleted).isNotEmpty();
    }

    @Test
    void deletesCarryOnlyIdAndEventTime() {
        final List<GeneratedCsv.Row> deletes =
                GeneratedCsv.rows(generate(settings(50, 0, 50, 0), GeneratorState.initial(5, Locale.US), 2_000))
                        .stream()
                        .filter(row -> row.op().equals("D"))
                        .toList();

        assertThat(deletes).hasSizeGreaterThan(500);
        for (final GeneratedCsv.Row row : deletes) {
            assertThat(row.id()).matches("\\d+");
            assertThat(EventTime.parseCanonical(row.field(UPDATED_AT))).isNotEqualTo(EventTime.INVALID);
            assertThat(row.fields().subList(FIRST_NAME, COUNTRY + 1)).allMatch(String::isEmpty);
        }
    }

    @Test
    void producesPlausibleCoherentPeopleInEachLocale() {
        for (final Locale locale : List.of(Locale.US, Locale.GERMANY, Locale.FRANCE)) {
            final List<GeneratedCsv.Row> rows = GeneratedCsv.rows(
                    generate(settings(locale, 100, 0, 0, 0), GeneratorState.initial(11, locale), 5_000));
            final Map<String, String> stateOfCity = new HashMap<>();
            for (final GeneratedCsv.Row row : rows) {
                assertThat(row.fields().subList(FIRST_NAME, COUNTRY + 1)).noneMatch(String::isEmpty);
                assertThat(row.field(EMAIL_COLUMN)).matches(EMAIL);
                assertThat(row.field(COUNTRY)).isEqualTo(locale.getDisplayCountry(Locale.ENGLISH));
                final String state = stateOfCity.putIfAbsent(row.field(CITY), row.field(STATE));
                assertThat(state).as("a city lies in one state").isIn(null, row.field(STATE));
            }
            // the variety is what Datafaker knows for the locale: about 150 French, 470 American, 1,700 German last
            // names
            final ValuePools pools = pools(locale, 11);
            assertThat(rows.stream().map(row -> row.field(LAST_NAME)).distinct().count())
                    .as("variety of last names")
                    .isGreaterThanOrEqualTo(Math.min(1_000, pools.lastNames.length * 9L / 10));
            assertThat(rows.stream().map(row -> row.field(STREET)).distinct().count())
                    .as("variety of streets")
                    .isGreaterThan(2_000);
            // emails are mostly derived from the name: the folded last name appears in most of them
            final long derived = rows.stream()
                    .filter(row -> row.field(EMAIL_COLUMN)
                            .contains(new String(
                                            AsciiFolding.fold(row.field(LAST_NAME)),
                                            java.nio.charset.StandardCharsets.US_ASCII)
                                    .substring(0, 1)))
                    .count();
            assertThat(derived).isGreaterThan(rows.size() * 8L / 10);
        }
    }

    @Test
    void foldsNonAsciiNamesIntoAsciiEmails() {
        final List<GeneratedCsv.Row> rows = GeneratedCsv.rows(
                generate(settings(Locale.GERMANY, 100, 0, 0, 0), GeneratorState.initial(2, Locale.GERMANY), 5_000));

        final List<GeneratedCsv.Row> umlauts = rows.stream()
                .filter(row -> row.field(LAST_NAME).matches(".*[äöüß].*"))
                .toList();
        assertThat(umlauts).isNotEmpty();
        assertThat(umlauts)
                .allSatisfy(row -> assertThat(row.field(EMAIL_COLUMN)).matches(EMAIL));
    }

    @Test
    void seededEventTimesFollowStartAndStep() {
        final List<GeneratedCsv.Row> rows =
                GeneratedCsv.rows(generate(settings(60, 30, 10, 0), GeneratorState.initial(9, Locale.US), 100));

        for (int i = 0; i < rows.size(); i++) {
            assertThat(rows.get(i).field(UPDATED_AT)).isEqualTo(EventTime.format(START + i * 1000L));
        }
    }

    @Test
    void unseededEventTimesFollowTheClockButNeverGoBack() {
        final long[] clock = {5_000, 4_000, 6_000, 6_000, 3_000, 7_000};
        final AtomicInteger reads = new AtomicInteger();
        final GeneratorSettings unseeded = new GeneratorSettings(Locale.US, false, 60, 30, 10, 0, 1_000, 0, 0);
        final ChangeStreamGenerator generator = new ChangeStreamGenerator(
                unseeded,
                pools(Locale.US, 9),
                GeneratorState.initial(9, Locale.US),
                () -> clock[reads.getAndIncrement()]);

        final List<String> times = GeneratedCsv.rows(write(generator, clock.length)).stream()
                .map(row -> row.field(UPDATED_AT))
                .toList();

        assertThat(times)
                .containsExactly(
                        EventTime.format(5_000),
                        EventTime.format(5_000),
                        EventTime.format(6_000),
                        EventTime.format(6_000),
                        EventTime.format(6_000),
                        EventTime.format(7_000));
        assertThat(generator.state().lastEventTime()).isEqualTo(7_000);
    }

    @Test
    void everyInvalidRecordBreaksExactlyOneRuleAndEveryRuleIsBroken() {
        final List<GeneratedCsv.Row> rows = GeneratedCsv.rows(
                generate(settings(Locale.FRANCE, 70, 25, 5, 100), GeneratorState.initial(4, Locale.FRANCE), 3_000));
        final Map<ViolationCode, Integer> seen = new EnumMap<>(ViolationCode.class);

        for (final GeneratedCsv.Row row : rows) {
            final Set<ViolationCode> violations = RuleOracle.violations(row);
            assertThat(violations)
                    .as("violations of %s", new String(row.raw(), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .hasSize(1);
            seen.merge(violations.iterator().next(), 1, Integer::sum);
        }

        assertThat(seen.keySet()).containsExactlyInAnyOrder(ViolationCode.values());
        assertThat(seen.values()).allMatch(count -> count > 150);
    }

    @Test
    void validRecordsBreakNoRule() {
        final List<GeneratedCsv.Row> rows =
                GeneratedCsv.rows(generate(settings(60, 30, 10, 0), GeneratorState.initial(8, Locale.US), 20_000));

        assertThat(rows)
                .allSatisfy(row -> assertThat(RuleOracle.violations(row)).isEmpty());
    }

    @Test
    void invalidRecordsChangeNothingInTheStream() {
        final List<GeneratedCsv.Row> withInvalid =
                GeneratedCsv.rows(generate(settings(60, 30, 10, 20), GeneratorState.initial(6, Locale.US), 10_000));
        final Set<String> issuedIds = new HashSet<>();
        final Map<String, List<String>> latest = new HashMap<>();

        for (final GeneratedCsv.Row row : withInvalid) {
            if (!RuleOracle.violations(row).isEmpty()) {
                continue;
            }
            if (issuedIds.add(row.id())) {
                assertThat(Long.parseLong(row.id()))
                        .as("no id is skipped for an invalid record")
                        .isEqualTo(issuedIds.size() - 1);
            }
            latest.put(row.id(), row.fields());
        }
        assertThat(latest).isNotEmpty();
    }

    /** What the generator's page promises about mixing invalid records in, and what it says does not hold. */
    @Test
    void validRecordsAmongInvalidOnesAreAConsistentStreamButNotTheStreamWithoutThem() {
        final List<GeneratedCsv.Row> valid =
                GeneratedCsv.rows(generate(settings(60, 30, 10, 20), GeneratorState.initial(6, Locale.US), 10_000))
                        .stream()
                        .filter(row -> RuleOracle.violations(row).isEmpty())
                        .toList();
        final Set<String> deleted = new HashSet<>();
        long nextId = 0;
        for (final GeneratedCsv.Row row : valid) {
            if (Long.parseLong(row.id()) == nextId) {
                assertThat(row.op()).as("a new customer is inserted first").isEqualTo("U");
                nextId++;
            } else {
                assertThat(Long.parseLong(row.id()))
                        .as("updates and deletes refer to issued customers")
                        .isLessThan(nextId);
                assertThat(deleted).as("nothing happens to a deleted customer").doesNotContain(row.id());
            }
            if (row.op().equals("D")) {
                deleted.add(row.id());
            }
        }

        final List<GeneratedCsv.Row> withoutInvalid = GeneratedCsv.rows(
                generate(settings(60, 30, 10, 0), GeneratorState.initial(6, Locale.US), valid.size()));
        assertThat(valid.stream().map(row -> String.join(",", row.fields())).toList())
                .as(
                        "an invalid record takes the place of an event: the valid records are not those written without invalid ones")
                .isNotEqualTo(withoutInvalid.stream()
                        .map(row -> String.join(",", row.fields()))
                        .toList());
    }

    @Test
    void aNewSeedStartsANewPopulationWithoutReusingIds() {
        final GeneratorSettings settings = settings(60, 30, 10, 0);
        final ChangeStreamGenerator first = new ChangeStreamGenerator(
                settings, pools(Locale.US, 1), GeneratorState.initial(1, Locale.US), NO_CLOCK);
        write(first, 1_000);
        final GeneratorState stored = first.state();

        final GeneratorState reseeded = GeneratorState.resume(stored.toMap(), Optional.of(2L), Locale.US, NO_CLOCK);
        final List<GeneratedCsv.Row> after = GeneratedCsv.rows(generate(settings, reseeded, 1_000));

        assertThat(reseeded.continuesPopulationOf(stored)).isFalse();
        assertThat(reseeded.sequence()).isEqualTo(stored.sequence());
        assertThat(after)
                .allSatisfy(
                        row -> assertThat(Long.parseLong(row.id())).isGreaterThanOrEqualTo(stored.nextCustomerId()));
        assertThat(GeneratorState.resume(stored.toMap(), Optional.empty(), Locale.US, NO_CLOCK))
                .isEqualTo(stored);
    }

    @Test
    void stateStaysSmallAtTheLargestTrackedPopulation() {
        final GeneratorSettings settings = new GeneratorSettings(Locale.US, true, 40, 50, 10, 0, 50_000, START, 1);
        final ChangeStreamGenerator generator = new ChangeStreamGenerator(
                settings, pools(Locale.US, 1), GeneratorState.initial(1, Locale.US), NO_CLOCK);
        generator.writeBatch(java.io.OutputStream.nullOutputStream(), 400_000);

        final int stateSize = generator.state().toMap().entrySet().stream()
                .mapToInt(entry -> entry.getKey().length() + entry.getValue().length())
                .sum();
        assertThat(generator.state().trackedCount()).isEqualTo(50_000);
        assertThat(stateSize).isLessThan(300_000);
    }

    private static Set<Integer> without(final Set<Integer> columns, final int column) {
        final Set<Integer> rest = new HashSet<>(columns);
        rest.remove(column);
        return rest;
    }

    private static GeneratorSettings settings(
            final double insert, final double update, final double delete, final double invalid) {
        return settings(Locale.US, insert, update, delete, invalid);
    }

    private static GeneratorSettings settings(
            final Locale locale, final double insert, final double update, final double delete, final double invalid) {
        return new GeneratorSettings(locale, true, insert, update, delete, invalid, 1_000, START, 1_000);
    }

    private static byte[] generate(final GeneratorSettings settings, final GeneratorState state, final int records) {
        return write(
                new ChangeStreamGenerator(settings, pools(settings.locale(), state.seed()), state, NO_CLOCK), records);
    }

    private static ValuePools pools(final Locale locale, final long seed) {
        return POOLS.computeIfAbsent(locale.toLanguageTag() + "/" + seed, key -> ValuePools.build(locale, seed));
    }

    private static byte[] write(final ChangeStreamGenerator generator, final int records) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        generator.writeBatch(out, records);
        return out.toByteArray();
    }
}
