package io.snowstream.nifi.processors;

import static io.snowstream.nifi.properties.ExpressionLanguageValidators.afterExpressionLanguage;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.customer.csv.EventTime;
import io.snowstream.nifi.customer.validate.CustomerFileValidator;
import io.snowstream.nifi.customer.validate.ValidationOutcome;
import io.snowstream.nifi.customer.validate.ValidationSettings;
import io.snowstream.nifi.customer.validate.ViolationCode;
import io.snowstream.nifi.properties.UtcInstants;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.SideEffectFree;
import org.apache.nifi.annotation.behavior.SupportsBatching;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.behavior.WritesAttributes;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.SeeAlso;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.documentation.UseCase;
import org.apache.nifi.annotation.lifecycle.OnScheduled;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.expression.ExpressionLanguageScope;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.processor.AbstractProcessor;
import org.apache.nifi.processor.DataUnit;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.exception.ProcessException;
import org.apache.nifi.processor.util.StandardValidators;

@SideEffectFree
@SupportsBatching
@InputRequirement(InputRequirement.Requirement.INPUT_REQUIRED)
@Tags({"snowstream", "customer", "csv", "validation", "data quality", "quarantine", "normalization", "snowflake"})
@CapabilityDescription(
        "Data-quality gate for customer change events in CSV: checks every record against rules with stable codes and "
                + "splits the FlowFile, streaming, into 'valid' (normalized, canonical CSV) and 'invalid' (each rejected record with "
                + "error_code, error_detail and source_line in front of its original values). A FlowFile that cannot be read as "
                + "customer CSV at all (empty, not UTF-8 text, wrong header, broken quoting, a record over the size limit) goes unchanged "
                + "to 'failure'. The original project's 8-column files are upgraded to the 10-column layout (op U, updated_at = the "
                + "FlowFile's lineage start time). Every record ends up in exactly one output.")
@WritesAttributes({
    @WritesAttribute(attribute = "record.count", description = "Records in this output FlowFile (header excluded)"),
    @WritesAttribute(attribute = "valid.record.count", description = "Records written to the valid output"),
    @WritesAttribute(attribute = "invalid.record.count", description = "Records written to the invalid output"),
    @WritesAttribute(
            attribute = "event.time.min",
            description = "The earliest updated_at of the valid records (on 'valid')"),
    @WritesAttribute(
            attribute = "event.time.max",
            description = "The latest updated_at of the valid records (on 'valid')"),
    @WritesAttribute(attribute = "validation.error.message", description = "Why the FlowFile was routed to 'failure'"),
    @WritesAttribute(attribute = "mime.type", description = "text/csv on 'valid' and 'invalid'")
})
@SeeAlso(
        classNames = {"io.snowstream.nifi.processors.GenerateFakeCustomers", "io.snowstream.nifi.processors.PutS3Batch"
        })
@UseCase(
        description = "Quarantine bad customer records before they are landed in S3 and loaded into Snowflake.",
        configuration = """
        Connect 'valid' to PutS3Batch (or any landing step), 'invalid' to a quarantine destination such as a separate S3 prefix
        or PutFile, and 'failure' to a place an operator watches. The defaults suit the pipeline: 256 characters per field,
        5 minutes of allowed clock skew, normalization on.
        """)
public class ValidateCustomerRecord extends AbstractProcessor {

    static final String RECORD_COUNT = "record.count";
    static final String VALID_RECORD_COUNT = "valid.record.count";
    static final String INVALID_RECORD_COUNT = "invalid.record.count";
    static final String EVENT_TIME_MIN = "event.time.min";
    static final String EVENT_TIME_MAX = "event.time.max";
    static final String ERROR_MESSAGE = "validation.error.message";

    public static final PropertyDescriptor MAX_FIELD_LENGTH = new PropertyDescriptor.Builder()
            .name("Maximum Field Length")
            .description("The most characters any field may hold; a longer one rejects its record with FIELD_TOO_LONG.")
            .required(true)
            .defaultValue(String.valueOf(ValidationSettings.DEFAULT_MAX_FIELD_LENGTH))
            .addValidator(afterExpressionLanguage(StandardValidators.POSITIVE_INTEGER_VALIDATOR))
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .build();

    public static final PropertyDescriptor ALLOWED_FUTURE_SKEW = new PropertyDescriptor.Builder()
            .name("Allowed Future Skew")
            .description(
                    "How far after the processing time an updated_at may lie, to tolerate clocks of producers that run "
                            + "slightly ahead; a later one rejects its record with FUTURE_EVENT_TIME.")
            .required(true)
            .defaultValue("5 min")
            .addValidator(afterExpressionLanguage(StandardValidators.TIME_PERIOD_VALIDATOR))
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .build();

    public static final PropertyDescriptor OLDEST_EVENT_TIME = new PropertyDescriptor.Builder()
            .name("Oldest Event Time")
            .description(
                    "The earliest plausible updated_at, as an ISO-8601 UTC instant with or without milliseconds, such as "
                            + "2000-01-01T00:00:00Z; an older one (a typo, epoch zero) rejects its record with BAD_EVENT_TIME.")
            .required(true)
            .defaultValue(ValidationSettings.DEFAULT_OLDEST_EVENT_TIME)
            .addValidator(UtcInstants.VALIDATOR)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .build();

    public static final PropertyDescriptor NORMALIZE = new PropertyDescriptor.Builder()
            .name("Normalize Values")
            .description(
                    "Trim spaces and tabs around values, lower-case whole email addresses, upper-case op, and accept an "
                            + "updated_at in any shape that names its offset: ISO-8601, or Snowflake's and SQL exports' "
                            + "'2024-10-07 09:30:06.729 +0000' (re-written as canonical UTC with milliseconds). When false, values must "
                            + "already be canonical.")
            .required(true)
            .allowableValues("true", "false")
            .defaultValue("true")
            .build();

    public static final PropertyDescriptor MAX_RECORD_SIZE = new PropertyDescriptor.Builder()
            .name("Maximum Record Size")
            .description(
                    "The largest single record held in memory. A FlowFile with a larger record is routed to 'failure'; "
                            + "memory use does not otherwise depend on the FlowFile's size.")
            .required(true)
            .defaultValue("16 MB")
            .addValidator(afterExpressionLanguage(
                    StandardValidators.createDataSizeBoundsValidator(1024, Integer.MAX_VALUE - 64)))
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .build();

    public static final Relationship REL_VALID = new Relationship.Builder()
            .name("valid")
            .description("The valid records, normalized, as canonical customer CSV with header")
            .build();

    public static final Relationship REL_INVALID = new Relationship.Builder()
            .name("invalid")
            .description(
                    "The rejected records with error_code, error_detail and source_line in front of their original values")
            .build();

    public static final Relationship REL_FAILURE = new Relationship.Builder()
            .name("failure")
            .description(
                    "FlowFiles that cannot be read as customer CSV at all, unchanged, with validation.error.message")
            .build();

    private static final List<PropertyDescriptor> PROPERTIES =
            List.of(MAX_FIELD_LENGTH, ALLOWED_FUTURE_SKEW, OLDEST_EVENT_TIME, NORMALIZE, MAX_RECORD_SIZE);

    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_VALID, REL_INVALID, REL_FAILURE);

    private volatile CustomerFileValidator validator;

    @Override
    protected List<PropertyDescriptor> getSupportedPropertyDescriptors() {
        return PROPERTIES;
    }

    @Override
    public Set<Relationship> getRelationships() {
        return RELATIONSHIPS;
    }

    @Override
    protected Collection<ValidationResult> customValidate(final ValidationContext context) {
        final Integer maxFieldLength;
        final Double maxRecordBytes;
        try {
            maxFieldLength = context.getProperty(MAX_FIELD_LENGTH)
                    .evaluateAttributeExpressions()
                    .asInteger();
            maxRecordBytes = context.getProperty(MAX_RECORD_SIZE)
                    .evaluateAttributeExpressions()
                    .asDataSize(DataUnit.B);
        } catch (final RuntimeException e) {
            // an unparsable value is already reported by the property's own validator
            return List.of();
        }
        if (maxFieldLength == null || maxRecordBytes == null || maxRecordBytes > 4.0 * maxFieldLength) {
            return List.of();
        }
        return List.of(new ValidationResult.Builder()
                .subject(MAX_RECORD_SIZE.getName())
                .valid(false)
                .explanation(
                        "must exceed 4 bytes per character of Maximum Field Length, or an over-long field would fail its "
                                + "whole FlowFile instead of rejecting one record with FIELD_TOO_LONG")
                .build());
    }

    @OnScheduled
    public void onScheduled(final ProcessContext context) {
        final ValidationSettings settings = new ValidationSettings(
                context.getProperty(MAX_FIELD_LENGTH)
                        .evaluateAttributeExpressions()
                        .asInteger(),
                context.getProperty(ALLOWED_FUTURE_SKEW)
                        .evaluateAttributeExpressions()
                        .asTimePeriod(TimeUnit.MILLISECONDS),
                UtcInstants.toEpochMillis(context.getProperty(OLDEST_EVENT_TIME)
                        .evaluateAttributeExpressions()
                        .getValue()),
                context.getProperty(NORMALIZE).asBoolean(),
                context.getProperty(MAX_RECORD_SIZE)
                        .evaluateAttributeExpressions()
                        .asDataSize(DataUnit.B)
                        .intValue());
        validator = new CustomerFileValidator(settings);
    }

    @Override
    public void onTrigger(final ProcessContext context, final ProcessSession session) throws ProcessException {
        final FlowFile original = session.get();
        if (original == null) {
            return;
        }
        final FlowFile valid = session.create(original);
        final FlowFile invalid = session.create(original);
        final ValidationOutcome outcome;
        try (InputStream in = session.read(original);
                OutputStream validOut = session.write(valid);
                OutputStream invalidOut = session.write(invalid)) {
            outcome = validator.validate(
                    in, validOut, invalidOut, original.getLineageStartDate(), System.currentTimeMillis());
        } catch (final IOException e) {
            // a fault of the content repository, not of the data: retry later, keep the FlowFile
            getLogger().error("Could not read or write content for {}; rolling back", original, e);
            session.rollback(true);
            context.yield();
            return;
        }

        if (outcome.isFailure()) {
            session.remove(valid);
            session.remove(invalid);
            getLogger().warn("Routing {} to failure: {}", original, outcome.failureMessage());
            final FlowFile failed = session.putAttribute(original, ERROR_MESSAGE, outcome.failureMessage());
            session.getProvenanceReporter().route(failed, REL_FAILURE, outcome.failureMessage());
            session.transfer(session.penalize(failed), REL_FAILURE);
            session.adjustCounter("FlowFiles routed to failure", 1, false);
            return;
        }

        route(
                session,
                valid,
                outcome.validCount(),
                withEventTimes(counts(outcome, outcome.validCount()), outcome),
                REL_VALID,
                "valid records: " + outcome.validCount());
        route(
                session,
                invalid,
                outcome.invalidCount(),
                counts(outcome, outcome.invalidCount()),
                REL_INVALID,
                "invalid records: " + outcome.invalidCount() + " " + outcome.violations());
        session.remove(original);

        session.adjustCounter("Records valid", outcome.validCount(), false);
        session.adjustCounter("Records invalid", outcome.invalidCount(), false);
        for (final Map.Entry<ViolationCode, Long> violation :
                outcome.violations().entrySet()) {
            session.adjustCounter("Records invalid: " + violation.getKey().name(), violation.getValue(), false);
        }
        if (outcome.recordCount() == 0) {
            session.adjustCounter("FlowFiles without records", 1, false);
        }
        getLogger()
                .debug(
                        "Validated {}: {} valid and {} invalid records",
                        original,
                        outcome.validCount(),
                        outcome.invalidCount());
    }

    /** Transfers an output with records; removes one without, so no empty FlowFile leaves this processor. */
    private static void route(
            final ProcessSession session,
            final FlowFile output,
            final long records,
            final Map<String, String> attributes,
            final Relationship relationship,
            final String details) {
        if (records == 0) {
            session.remove(output);
            return;
        }
        final FlowFile routed = session.putAllAttributes(output, attributes);
        session.getProvenanceReporter().route(routed, relationship, details);
        session.transfer(routed, relationship);
    }

    /** record.count is the records of the output itself, as downstream processors (PutS3Batch) read it. */
    private static Map<String, String> counts(final ValidationOutcome outcome, final long recordsInOutput) {
        return Map.of(
                RECORD_COUNT,
                String.valueOf(recordsInOutput),
                VALID_RECORD_COUNT,
                String.valueOf(outcome.validCount()),
                INVALID_RECORD_COUNT,
                String.valueOf(outcome.invalidCount()),
                CoreAttributes.MIME_TYPE.key(),
                CustomerCsvFormat.MIME_TYPE);
    }

    private static Map<String, String> withEventTimes(
            final Map<String, String> counts, final ValidationOutcome outcome) {
        if (outcome.validCount() == 0) {
            return counts;
        }
        final Map<String, String> attributes = new HashMap<>(counts);
        attributes.put(EVENT_TIME_MIN, EventTime.format(outcome.minEventTime()));
        attributes.put(EVENT_TIME_MAX, EventTime.format(outcome.maxEventTime()));
        return attributes;
    }
}
