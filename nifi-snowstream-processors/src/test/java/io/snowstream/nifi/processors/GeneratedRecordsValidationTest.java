package io.snowstream.nifi.processors;

import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.nifi.customer.validate.ViolationCode;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.Test;

/**
 * The generator and the validator agree on the rules: what the generator means as valid passes the validator
 * untouched, and each deliberately invalid record is rejected, with every rule code of the validator covered.
 */
class GeneratedRecordsValidationTest {

    private static final int RECORDS = 20_000;

    @Test
    void deliberatelyInvalidRecordsAreExactlyTheRejectedOnes() {
        final MockFlowFile generated = generate("25");
        final long invalidGenerated = Long.parseLong(generated.getAttribute("generate.invalid.count"));

        final TestRunner validator = validate(generated);

        final MockFlowFile valid = validator
                .getFlowFilesForRelationship(ValidateCustomerRecord.REL_VALID)
                .getFirst();
        final MockFlowFile invalid = validator
                .getFlowFilesForRelationship(ValidateCustomerRecord.REL_INVALID)
                .getFirst();
        assertThat(invalidGenerated).isBetween(RECORDS / 5L, RECORDS * 3L / 10);
        assertThat(Long.parseLong(invalid.getAttribute("invalid.record.count"))).isEqualTo(invalidGenerated);
        assertThat(Long.parseLong(valid.getAttribute("valid.record.count"))).isEqualTo(RECORDS - invalidGenerated);
        for (final ViolationCode code : ViolationCode.values()) {
            assertThat(validator.getCounterValue("Records invalid: " + code.name()))
                    .as("records rejected for %s", code)
                    .isPositive();
        }
    }

    @Test
    void validGeneratedRecordsPassUnchanged() {
        final MockFlowFile generated = generate("0");

        final TestRunner validator = validate(generated);

        validator.assertAllFlowFilesTransferred(ValidateCustomerRecord.REL_VALID, 1);
        validator
                .getFlowFilesForRelationship(ValidateCustomerRecord.REL_VALID)
                .getFirst()
                .assertContentEquals(generated.getContent());
    }

    private static MockFlowFile generate(final String invalidPercentage) {
        final TestRunner generator = TestRunners.newTestRunner(GenerateFakeCustomers.class);
        generator.setProperty(GenerateFakeCustomers.RECORDS_PER_FLOWFILE, String.valueOf(RECORDS));
        generator.setProperty(GenerateFakeCustomers.SEED, "20261124");
        generator.setProperty(GenerateFakeCustomers.INVALID_PERCENTAGE, invalidPercentage);
        generator.run();
        return generator
                .getFlowFilesForRelationship(GenerateFakeCustomers.REL_SUCCESS)
                .getFirst();
    }

    private static TestRunner validate(final MockFlowFile generated) {
        final TestRunner validator = TestRunners.newTestRunner(ValidateCustomerRecord.class);
        validator.enqueue(generated.toByteArray());
        validator.run();
        return validator;
    }
}
