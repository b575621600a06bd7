package io.snowstream.nifi.processors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.customer.csv.EventTime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.nifi.provenance.ProvenanceEventRecord;
import org.apache.nifi.provenance.ProvenanceEventType;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ValidateCustomerRecordTest {

    /** The worked example of additionalDetails.md. */
    private static final String EXAMPLE_INPUT = """
        customer_id,first_name,last_name,email,street,city,state,country,updated_at,op
        1001,Ada,Lovelace, Ada.Lovelace@Example.COM ,"12 St James's Square, Flat 2",London,England,United Kingdom,2025-06-01T11:15:30+01:00,U
        1002,Alan,Turing,alan.turing@example,1 Bletchley Park,Milton Keynes,Buckinghamshire,United Kingdom,2025-06-01T10:16:00.000Z,U
        1003,,,,,,,,2025-06-01T10:17:00.000Z,d
        """;

    private static final String EXAMPLE_VALID = """
        customer_id,first_name,last_name,email,street,city,state,country,updated_at,op
        1001,Ada,Lovelace,ada.lovelace@example.com,"12 St James's Square, Flat 2",London,England,United Kingdom,2025-06-01T10:15:30.000Z,U
        1003,,,,,,,,2025-06-01T10:17:00.000Z,D
        """;
    private static final String EXAMPLE_INVALID = """
        error_code,error_detail,source_line,customer_id,first_name,last_name,email,street,city,state,country,updated_at,op
        MALFORMED_EMAIL,email 'alan.turing@example' is not a plausible address,3,1002,Alan,Turing,alan.turing@example,1 Bletchley Park,Milton Keynes,Buckinghamshire,United Kingdom,2025-06-01T10:16:00.000Z,U
        """;

    private TestRunner runner;

    @BeforeEach
    void createRunner() {
        runner = TestRunners.newTestRunner(ValidateCustomerRecord.class);
    }

    @Test
    void splitsTheWorkedExampleIntoNormalizedValidAndAnnotatedInvalidRecords() {
        runner.enqueue(EXAMPLE_INPUT);
        runner.run();

        runner.assertTransferCount(ValidateCustomerRecord.REL_VALID, 1);
        runner.assertTransferCount(ValidateCustomerRecord.REL_INVALID, 1);
        runner.assertTransferCount(ValidateCustomerRecord.REL_FAILURE, 0);
        final MockFlowFile valid = runner.getFlowFilesForRelationship(ValidateCustomerRecord.REL_VALID)
                .getFirst();
        valid.assertContentEquals(EXAMPLE_VALID);
        valid.assertAttributeEquals("record.count", "2");
        valid.assertAttributeEquals("valid.record.count", "2");
        valid.assertAttributeEquals("invalid.record.count", "1");
        valid.assertAttributeEquals("event.time.min", "2025-06-01T10:15:30.000Z");
        valid.assertAttributeEquals("event.time.max", "2025-06-01T10:17:00.000Z");
        valid.assertAttributeEquals("mime.type", CustomerCsvFormat.MIME_TYPE);
        final MockFlowFile invalid = runner.getFlowFilesForRelationship(ValidateCustomerRecord.REL_INVALID)
                .getFirst();
        invalid.assertContentEquals(EXAMPLE_INVALID);
        invalid.assertAttributeEquals("record.count", "1");
        invalid.assertAttributeEquals("valid.record.count", "2");
        invalid.assertAttributeNotExists("event.time.min");
        assertThat(runner.getCounterValue("Records invalid: MALFORMED_EMAIL")).isEqualTo(1);
        assertThat(runner.getCounterValue("Records valid")).isEqualTo(2);
    }

    @Test
    void reportsARouteProvenanceEventForEachOutput() {
        runner.enqueue(EXAMPLE_INPUT);
        runner.run();

        final List<ProvenanceEventRecord> events = runner.getProvenanceEvents();
        assertThat(events)
                .filteredOn(event -> event.getEventType() == ProvenanceEventType.ROUTE)
                .extracting(ProvenanceEventRecord::getRelationship, ProvenanceEventRecord::getDetails)
                .containsExactlyInAnyOrder(
                        tuple("valid", "valid records: 2"), tuple("invalid", "invalid records: 1 {MALFORMED_EMAIL=1}"));
    }

    @Test
    void keepsAllValidInOneFlowFileAndCreatesNoEmptyInvalidOne() {
        runner.enqueue(EXAMPLE_VALID);
        runner.run();

        runner.assertAllFlowFilesTransferred(ValidateCustomerRecord.REL_VALID, 1);
        runner.getFlowFilesForRelationship(ValidateCustomerRecord.REL_VALID)
                .getFirst()
                .assertContentEquals(EXAMPLE_VALID);
    }

    @Test
    void upgradesLegacyFilesWithTheLineageStartTimeAndOpU() throws IOException {
        final MockFlowFile input = runner.enqueue("customer_id,first_name,last_name,email,street,city,state,country\n"
                + "7,Grace,Hopper,grace@example.com,1 Navy Way,Arlington,VA,United States\n");
        runner.run();

        runner.assertAllFlowFilesTransferred(ValidateCustomerRecord.REL_VALID, 1);
        final MockFlowFile valid = runner.getFlowFilesForRelationship(ValidateCustomerRecord.REL_VALID)
                .getFirst();
        final String eventTime = EventTime.format(input.getLineageStartDate());
        valid.assertContentEquals(CustomerCsvFormat.HEADER + "\n"
                + "7,Grace,Hopper,grace@example.com,1 Navy Way,Arlington,VA,United States," + eventTime + ",U\n");
        valid.assertAttributeEquals("event.time.min", eventTime);
    }

    @Test
    void routesAFileWithoutRecordsNowhereAndCountsIt() {
        runner.enqueue(CustomerCsvFormat.HEADER + "\n");
        runner.run();

        runner.assertTransferCount(ValidateCustomerRecord.REL_VALID, 0);
        runner.assertTransferCount(ValidateCustomerRecord.REL_INVALID, 0);
        runner.assertTransferCount(ValidateCustomerRecord.REL_FAILURE, 0);
        runner.assertQueueEmpty();
        assertThat(runner.getCounterValue("FlowFiles without records")).isEqualTo(1);
    }

    @Test
    void sendsAFlowFileThatIsNotCustomerCsvToFailureUnchangedAndPenalized() {
        final String content = "id;name\n1;Ada\n";
        runner.enqueue(content);
        runner.run();

        runner.assertAllFlowFilesTransferred(ValidateCustomerRecord.REL_FAILURE, 1);
        final MockFlowFile failed = runner.getFlowFilesForRelationship(ValidateCustomerRecord.REL_FAILURE)
                .getFirst();
        failed.assertContentEquals(content);
        assertThat(failed.isPenalized()).isTrue();
        assertThat(failed.getAttribute("validation.error.message"))
                .startsWith("The first line is not a customer CSV header");
        assertThat(runner.getProvenanceEvents())
                .filteredOn(event -> event.getEventType() == ProvenanceEventType.ROUTE)
                .extracting(ProvenanceEventRecord::getRelationship)
                .containsExactly("failure");
    }

    @Test
    void appliesTheConfiguredLimits() {
        runner.setProperty(ValidateCustomerRecord.MAX_FIELD_LENGTH, "5");
        runner.setProperty(ValidateCustomerRecord.MAX_RECORD_SIZE, "1 KB");
        runner.setProperty(ValidateCustomerRecord.ALLOWED_FUTURE_SKEW, "0 sec");
        runner.setProperty(ValidateCustomerRecord.OLDEST_EVENT_TIME, "2025-06-01T10:00:00Z");
        runner.setProperty(ValidateCustomerRecord.NORMALIZE, "false");
        runner.setProperty(ValidateCustomerRecord.MAX_FIELD_LENGTH, "30");
        final String future = EventTime.format(Instant.now().plusSeconds(3600).toEpochMilli());
        runner.enqueue(CustomerCsvFormat.HEADER + "\n"
                + "1,Ada,L,a@ex.io,s,c,st,co,2025-06-01T09:59:59.999Z,U\n"
                + "2,Ada,L,a@ex.io,s,c,st,co," + future + ",U\n"
                + "3,Ada,L,A@ex.io,s,c,st,co,2025-06-01T10:00:00.000Z,U\n"
                + "4,Ada,L,a@ex.io,s,c,st,co,2025-06-01T10:00:00Z,U\n"
                + "5,Ada,L,a@ex.io,s," + "c".repeat(31) + ",st,co,2025-06-01T10:00:00.000Z,U\n");
        runner.run();

        final String invalid = runner.getFlowFilesForRelationship(ValidateCustomerRecord.REL_INVALID)
                .getFirst()
                .getContent();
        assertThat(invalid.lines().skip(1).map(line -> line.substring(0, line.indexOf(','))))
                .containsExactly("BAD_EVENT_TIME", "FUTURE_EVENT_TIME", "BAD_EVENT_TIME", "FIELD_TOO_LONG");
        runner.getFlowFilesForRelationship(ValidateCustomerRecord.REL_VALID)
                .getFirst()
                .assertContentEquals(
                        CustomerCsvFormat.HEADER + "\n3,Ada,L,A@ex.io,s,c,st,co,2025-06-01T10:00:00.000Z,U\n");
    }

    @Test
    void rejectsARecordSizeLimitThatAnOverLongFieldCouldExceed() {
        runner.setProperty(ValidateCustomerRecord.MAX_FIELD_LENGTH, "1000");
        runner.setProperty(ValidateCustomerRecord.MAX_RECORD_SIZE, "2 KB");
        runner.assertNotValid();
        runner.setProperty(ValidateCustomerRecord.MAX_RECORD_SIZE, "8 KB");
        runner.assertValid();
    }

    @Test
    void rejectsAnOldestEventTimeThatIsNotAnInstant() {
        runner.setProperty(ValidateCustomerRecord.OLDEST_EVENT_TIME, "2000-01-01");
        runner.assertNotValid();
        runner.setProperty(ValidateCustomerRecord.OLDEST_EVENT_TIME, "2000-01-01T00:00:00Z");
        runner.assertValid();
    }

    @Test
    void theDatePropertiesOfGeneratorAndValidatorTakeOneFormat() {
        final TestRunner generator = TestRunners.newTestRunner(GenerateFakeCustomers.class);
        generator.setProperty(GenerateFakeCustomers.SEED, "1");
        for (final String instant :
                List.of("2026-01-01T00:00:00Z", "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00+00:00")) {
            runner.setProperty(ValidateCustomerRecord.OLDEST_EVENT_TIME, instant);
            generator.setProperty(GenerateFakeCustomers.SIMULATED_START_TIME, instant);
            final boolean utc = !instant.endsWith("+00:00");
            assertThat(ValidationMessages.of(generator).isEmpty()).as(instant).isEqualTo(utc);
            assertThat(ValidationMessages.of(runner).isEmpty()).as(instant).isEqualTo(utc);
        }
        // both defaults are written the same way, without milliseconds
        assertThat(GenerateFakeCustomers.SIMULATED_START_TIME.getDefaultValue()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(ValidateCustomerRecord.OLDEST_EVENT_TIME.getDefaultValue()).isEqualTo("2000-01-01T00:00:00Z");
    }

    @Test
    void validatesManyFlowFilesIndependently() {
        runner.enqueue(EXAMPLE_INPUT.getBytes(StandardCharsets.UTF_8));
        runner.enqueue("nonsense");
        runner.enqueue(EXAMPLE_VALID);
        runner.run(3);

        runner.assertTransferCount(ValidateCustomerRecord.REL_VALID, 2);
        runner.assertTransferCount(ValidateCustomerRecord.REL_INVALID, 1);
        runner.assertTransferCount(ValidateCustomerRecord.REL_FAILURE, 1);
        assertThat(runner.getCounterValue("Records valid")).isEqualTo(4);
    }
}
