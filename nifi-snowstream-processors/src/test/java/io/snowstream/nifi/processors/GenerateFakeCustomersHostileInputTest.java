package io.snowstream.nifi.processors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.Map;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Absurd configurations of GenerateFakeCustomers: each is refused at validation with a message naming the problem,
 * so the processor never starts with it; and odd but legal ones run and write exactly what they promise.
 */
class GenerateFakeCustomersHostileInputTest {

    private TestRunner runner;

    @BeforeEach
    void setUp() {
        runner = TestRunners.newTestRunner(GenerateFakeCustomers.class);
        runner.setProperty(GenerateFakeCustomers.SEED, "42");
        runner.setProperty(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, "10");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedConfigurations")
    void absurdConfigurationsAreRefusedAtValidation(
            final String name, final Map<String, String> properties, final String fragment) {
        properties.forEach(runner::setProperty);

        assertThat(ValidationMessages.of(runner))
                .anySatisfy(message -> assertThat(message).contains(fragment));
        runner.assertNotValid();
    }

    static List<Object[]> refusedConfigurations() {
        final String records = "Records per FlowFile";
        final String range = "between 1 and 10000000";
        return List.of(
                new Object[] {"negative records per FlowFile", Map.of(records, "-1"), range},
                new Object[] {"zero records per FlowFile", Map.of(records, "0"), range},
                new Object[] {"ten million and one records per FlowFile", Map.of(records, "10000001"), range},
                new Object[] {
                    "records per FlowFile beyond a long",
                    Map.of(records, "99999999999999999999"),
                    "Records per FlowFile"
                },
                new Object[] {
                    "records per FlowFile in scientific notation", Map.of(records, "1e3"), "Records per FlowFile"
                },
                new Object[] {
                    "records per FlowFile from an absent variable", Map.of(records, "${absent.variable}"), records
                },
                new Object[] {"seed from an absent variable", Map.of("Seed", "${absent.variable}"), "Seed"},
                new Object[] {
                    "event time step from an absent variable",
                    Map.of("Event Time Step", "${absent.variable}"),
                    "Event Time Step"
                },
                new Object[] {
                    "shares summing to 80", Map.of("Insert Percentage", "50"), "add up to 80.0 but must add up to 100"
                },
                new Object[] {
                    "shares summing to 130",
                    Map.of("Insert Percentage", "100"),
                    "add up to 130.0 but must add up to 100"
                },
                new Object[] {
                    "no inserts", Map.of("Insert Percentage", "0", "Update Percentage", "95"), "without inserts"
                },
                new Object[] {"negative share", Map.of("Delete Percentage", "-5"), "between 0 and 100"},
                new Object[] {"share above 100", Map.of("Invalid Percentage", "101"), "between 0 and 100"},
                new Object[] {
                    "share that is not a number", Map.of("Update Percentage", "a quarter"), "between 0 and 100"
                },
                new Object[] {"share NaN", Map.of("Update Percentage", "NaN"), "between 0 and 100"},
                new Object[] {"share Infinity", Map.of("Update Percentage", "Infinity"), "between 0 and 100"},
                new Object[] {"locale without a country", Map.of("Locale", "en"), "language tag with a country"},
                new Object[] {"locale with an underscore", Map.of("Locale", "en_US"), "language tag with a country"},
                new Object[] {
                    "locale that is a sentence",
                    Map.of("Locale", "'; DROP TABLE customer; --"),
                    "language tag with a country"
                },
                new Object[] {
                    "locale from an absent variable",
                    Map.of("Locale", "${absent.variable}"),
                    "language tag with a country"
                },
                new Object[] {
                    "start time in month 13",
                    Map.of("Simulated Start Time", "2026-13-01T00:00:00.000Z"),
                    "ISO-8601 UTC instant"
                },
                new Object[] {"start time as words", Map.of("Simulated Start Time", "yesterday"), "ISO-8601 UTC instant"
                },
                new Object[] {
                    "start time with an offset",
                    Map.of("Simulated Start Time", "2026-01-01T00:00:00.000+02:00"),
                    "ISO-8601 UTC instant"
                },
                new Object[] {"seed that is not a number", Map.of("Seed", "forty-two"), "Seed"},
                new Object[] {"seed beyond a long", Map.of("Seed", "9223372036854775808"), "Seed"},
                new Object[] {"seed with a decimal point", Map.of("Seed", "4.2"), "Seed"},
                new Object[] {"negative event time step", Map.of("Event Time Step", "-1 sec"), "Event Time Step"},
                new Object[] {"zero tracked customers", Map.of("Tracked Customers", "0"), "between 1 and 50000"},
                new Object[] {"negative tracked customers", Map.of("Tracked Customers", "-10"), "between 1 and 50000"},
                new Object[] {
                    "tracked customers beyond the bound", Map.of("Tracked Customers", "50001"), "between 1 and 50000"
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddButLegalConfigurations")
    void oddButLegalConfigurationsRunAndWriteWhatTheyPromise(
            final String name, final Map<String, String> properties, final String records) {
        properties.forEach(runner::setProperty);
        runner.assertValid();

        assertThatCode(() -> runner.run(2)).doesNotThrowAnyException();

        runner.assertAllFlowFilesTransferred(GenerateFakeCustomers.REL_SUCCESS, 2);
        for (final MockFlowFile flowFile : runner.getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS)) {
            flowFile.assertAttributeEquals("record.count", records);
            assertThat(flowFile.getContent().lines().count()).isEqualTo(Long.parseLong(records) + 1);
        }
    }

    static List<Object[]> oddButLegalConfigurations() {
        return List.of(
                new Object[] {"one record per FlowFile", Map.of("Records per FlowFile", "1"), "1"},
                new Object[] {
                    "one tracked customer", Map.of("Tracked Customers", "1", "Records per FlowFile", "50"), "50"
                },
                new Object[] {
                    "only inserts",
                    Map.of("Insert Percentage", "100", "Update Percentage", "0", "Delete Percentage", "0"),
                    "10"
                },
                new Object[] {"every record invalid", Map.of("Invalid Percentage", "100"), "10"},
                new Object[] {
                    "start time without milliseconds", Map.of("Simulated Start Time", "2026-01-01T00:00:00Z"), "10"
                },
                new Object[] {
                    "start time with milliseconds", Map.of("Simulated Start Time", "2026-01-01T00:00:00.000Z"), "10"
                },
                new Object[] {"zero event time step", Map.of("Event Time Step", "0 sec"), "10"},
                new Object[] {
                    "a well-formed but unknown locale falls back to Datafaker's defaults",
                    Map.of("Locale", "xx-YY"),
                    "10"
                },
                new Object[] {
                    "fractional shares",
                    Map.of("Insert Percentage", "69.5", "Update Percentage", "25.25", "Delete Percentage", "5.25"),
                    "10"
                });
    }
}
