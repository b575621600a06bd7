package io.snowstream.nifi.processors;

import static io.snowstream.nifi.properties.ExpressionLanguageValidators.afterExpressionLanguage;
import static io.snowstream.nifi.properties.ExpressionLanguageValidators.evaluatedValue;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import io.snowstream.nifi.customer.generate.BatchSummary;
import io.snowstream.nifi.customer.generate.CheckpointedStream;
import io.snowstream.nifi.customer.generate.GeneratorSettings;
import io.snowstream.nifi.customer.generate.ValuePools;
import io.snowstream.nifi.properties.UtcInstants;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.PrimaryNodeOnly;
import org.apache.nifi.annotation.behavior.Stateful;
import org.apache.nifi.annotation.behavior.TriggerSerially;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.behavior.WritesAttributes;
import org.apache.nifi.annotation.configuration.DefaultSchedule;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.documentation.UseCase;
import org.apache.nifi.annotation.lifecycle.OnScheduled;
import org.apache.nifi.annotation.lifecycle.OnStopped;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.components.state.Scope;
import org.apache.nifi.components.state.StateManager;
import org.apache.nifi.components.state.StateMap;
import org.apache.nifi.expression.ExpressionLanguageScope;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.processor.AbstractProcessor;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.exception.ProcessException;
import org.apache.nifi.processor.util.StandardValidators;
import org.apache.nifi.scheduling.SchedulingStrategy;

@Tags({
    "snowstream",
    "customer",
    "generate",
    "fake",
    "test data",
    "datafaker",
    "csv",
    "change data capture",
    "cdc",
    "scd",
    "snowflake"
})
@CapabilityDescription(
        "Generates realistic customer change events as CSV for demos and pipeline tests: new customers, "
                + "coherent updates of customers issued earlier (a move, a new email, a marriage) and deletes, in configurable "
                + "shares, plus on request records that each break one ValidateCustomerRecord rule. With a Seed the output is fully "
                + "deterministic, including event times, and the position in the stream is kept in cluster state so a restart or a "
                + "primary node change continues the same stream. Names, streets and places come from Datafaker in the configured "
                + "locale; the columns are the pipeline's canonical layout "
                + "(customer_id,first_name,last_name,email,street,city,state,country,updated_at,op). "
                + "Runs on the primary node only, one task at a time: the stream is one sequence of events and customer ids, and "
                + "keeping it on one node is what guarantees that no two nodes ever issue the same new customer id "
                + "(one node produces millions of records per second, far more than Snowpipe ingests). "
                + "Scheduled every 10 sec by default: 10,000 records per FlowFile then make a stream of 1,000 records per second.")
@InputRequirement(InputRequirement.Requirement.INPUT_FORBIDDEN)
@PrimaryNodeOnly
@TriggerSerially
@DefaultSchedule(strategy = SchedulingStrategy.TIMER_DRIVEN, period = "10 sec")
@Stateful(
        scopes = Scope.CLUSTER,
        description = "A checkpoint of the stream (its seed and locale, the next event "
                + "sequence number and customer id, the last event time, and a compressed version counter per tracked customer, "
                + "about 4 bytes each before compression) plus a reservation: the sequence number below which events may have "
                + "been emitted since, and the shares they were drawn with. The processor writes it only when the reservation is "
                + "used up, and sizes each reservation to last about a second, so at any schedule the state is written about "
                + "once a second at most (on every run when runs are further apart). A clean stop writes the exact position. "
                + "A restart after a crash, or another primary node, replays the reserved events from the checkpoint without "
                + "emitting them, so no event and no customer id is ever emitted twice; the reserved events that had not been "
                + "emitted are skipped.")
@WritesAttributes({
    @WritesAttribute(attribute = "mime.type", description = "text/csv"),
    @WritesAttribute(
            attribute = "record.count",
            description = "The number of records in the FlowFile, header excluded"),
    @WritesAttribute(
            attribute = "generate.sequence.first",
            description = "Sequence number of the first event in the FlowFile"),
    @WritesAttribute(
            attribute = "generate.sequence.last",
            description = "Sequence number of the last event in the FlowFile"),
    @WritesAttribute(
            attribute = "generate.seed",
            description = "The seed the customers are derived from (configured or drawn on first run)"),
    @WritesAttribute(attribute = "generate.insert.count", description = "Records of new customers"),
    @WritesAttribute(attribute = "generate.update.count", description = "Records of updated customers"),
    @WritesAttribute(attribute = "generate.delete.count", description = "Delete records (op D)"),
    @WritesAttribute(
            attribute = "generate.invalid.count",
            description = "Records deliberately breaking one validation rule")
})
@UseCase(
        description = "Feed a demo or test pipeline with a realistic, repeatable customer change stream",
        configuration = """
        Set "Seed" to any number so that every run produces the same FlowFiles, "Records per FlowFile" to the batch size,
        and the Insert, Update and Delete Percentages to the mix SCD type 1 and 2 logic downstream should see.
        Set "Invalid Percentage" above 0 to exercise the quarantine route of ValidateCustomerRecord.
        """)
public class GenerateFakeCustomers extends AbstractProcessor {

    static final PropertyDescriptor RECORDS_PER_FLOWFILE = new PropertyDescriptor.Builder()
            .name("Records per FlowFile")
            .description("How many customer records each FlowFile holds, after the header line.")
            .required(true)
            .defaultValue("10000")
            .addValidator(afterExpressionLanguage(
                    StandardValidators.createLongValidator(1, CheckpointedStream.MAX_BATCH, true)))
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .build();

    static final PropertyDescriptor LOCALE = new PropertyDescriptor.Builder()
            .name("Locale")
            .description(
                    "IETF language tag with a country, such as en-US, de-DE or fr-FR: names, streets, cities and states come "
                            + "from Datafaker's data for it, the country column is the tag's country (in English), and email domains mix "
                            + "free-mail providers common in that country with company domains.")
            .required(true)
            .defaultValue("en-US")
            .addValidator(evaluatedValue(value -> isLocaleWithCountry(value.strip())
                    ? null
                    : "must be a language tag with a country, such as en-US or de-DE"))
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .build();

    static final PropertyDescriptor SEED = new PropertyDescriptor.Builder()
            .name("Seed")
            .description(
                    "Makes the output deterministic: the same seed and settings produce byte-identical FlowFiles, also after "
                            + "a restart, and event times follow Simulated Start Time and Event Time Step instead of the clock. Without a "
                            + "seed, a random one is drawn on the first run and kept in state (so updates stay consistent with earlier "
                            + "records), and updated_at is the wall clock, never decreasing. Changing the seed or the locale continues "
                            + "sequence numbers and ids but stops updating the customers issued before the change.")
            .required(false)
            .addValidator(afterExpressionLanguage(StandardValidators.LONG_VALIDATOR))
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .build();

    static final PropertyDescriptor SIMULATED_START_TIME = new PropertyDescriptor.Builder()
            .name("Simulated Start Time")
            .description(
                    "With a Seed: the updated_at of the stream's first event (event sequence 0), as an ISO-8601 UTC instant "
                            + "with or without milliseconds, such as 2026-01-01T00:00:00Z. Event n is stamped Simulated Start Time + n x "
                            + "Event Time Step. The stream never runs ahead of the clock: an event whose simulated time is still in the "
                            + "future waits until the clock reaches it, so a validator downstream never sees it as FUTURE_EVENT_TIME.")
            .required(true)
            .defaultValue("2026-01-01T00:00:00Z")
            .addValidator(UtcInstants.VALIDATOR)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .dependsOn(SEED)
            .build();

    static final PropertyDescriptor EVENT_TIME_STEP = new PropertyDescriptor.Builder()
            .name("Event Time Step")
            .description(
                    "With a Seed: the simulated time between two consecutive events (millisecond resolution; 0 ms stamps "
                            + "every event with the start time). The default of 1 ms makes the simulated time advance as fast as the wall "
                            + "clock at the default rate (10,000 records every 10 sec), so a stream started in the past stays in the past.")
            .required(true)
            .defaultValue("1 ms")
            .addValidator(afterExpressionLanguage(StandardValidators.TIME_PERIOD_VALIDATOR))
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .dependsOn(SEED)
            .build();

    static final PropertyDescriptor INSERT_PERCENTAGE = percentage(
            "Insert Percentage",
            "70",
            "Share of valid records that introduce a new customer with the next customer id.");

    static final PropertyDescriptor UPDATE_PERCENTAGE = percentage(
            "Update Percentage",
            "25",
            "Share of valid records that update a tracked customer: a move (street, city and state change together), a new "
                    + "email, a marriage (new last name, usually with a matching email) or a move with a new email; every other "
                    + "field keeps its previous value.");

    static final PropertyDescriptor DELETE_PERCENTAGE = percentage(
            "Delete Percentage",
            "5",
            "Share of valid records that delete a tracked customer (op D, only customer_id and updated_at set). A deleted "
                    + "customer is never updated again. Insert, Update and Delete Percentages must add up to 100; while no "
                    + "tracked customer can be updated or deleted (at the very start), an insert is written instead.");

    static final PropertyDescriptor INVALID_PERCENTAGE = percentage(
            "Invalid Percentage",
            "0",
            "Share of all records that deliberately break exactly one ValidateCustomerRecord rule, each rule equally often "
                    + "(wrong field count, missing, non-integer, out-of-range or zero-padded id, required field empty, malformed email, field "
                    + "longer than 256 characters, control character, bad or future event time, unknown op, invalid UTF-8). An "
                    + "invalid record is a broken copy of a tracked customer's current record and changes nothing in the stream.");

    static final PropertyDescriptor TRACKED_CUSTOMERS = new PropertyDescriptor.Builder()
            .name("Tracked Customers")
            .description(
                    "How many of the most recently issued customers updates and deletes choose from. Each costs about "
                            + "4 bytes of cluster state before compression; older customers are no longer changed.")
            .required(true)
            .defaultValue("10000")
            .addValidator(StandardValidators.createLongValidator(1, 50_000, true))
            .build();

    static final Relationship REL_SUCCESS = new Relationship.Builder()
            .name("success")
            .description("Every generated FlowFile")
            .build();

    private static final List<PropertyDescriptor> PROPERTY_DESCRIPTORS = List.of(
            RECORDS_PER_FLOWFILE,
            LOCALE,
            SEED,
            SIMULATED_START_TIME,
            EVENT_TIME_STEP,
            INSERT_PERCENTAGE,
            UPDATE_PERCENTAGE,
            DELETE_PERCENTAGE,
            INVALID_PERCENTAGE,
            TRACKED_CUSTOMERS);

    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_SUCCESS);

    private final InstantSource clock;
    private volatile GeneratorSettings settings;
    private volatile Optional<Long> configuredSeed;
    private volatile int recordsPerFlowFile;
    /** The stream of the last batch, reused while the stored state is what this node last wrote. */
    private volatile CheckpointedStream stream;

    private volatile Map<String, String> written;
    private volatile ValuePools pools;

    public GenerateFakeCustomers() {
        this(InstantSource.system());
    }

    GenerateFakeCustomers(final InstantSource clock) {
        this.clock = clock;
    }

    @Override
    protected List<PropertyDescriptor> getSupportedPropertyDescriptors() {
        return PROPERTY_DESCRIPTORS;
    }

    @Override
    public Set<Relationship> getRelationships() {
        return RELATIONSHIPS;
    }

    @Override
    protected Collection<ValidationResult> customValidate(final ValidationContext context) {
        final List<ValidationResult> results = new ArrayList<>();
        final double insert = context.getProperty(INSERT_PERCENTAGE)
                .evaluateAttributeExpressions()
                .asDouble();
        final double update = context.getProperty(UPDATE_PERCENTAGE)
                .evaluateAttributeExpressions()
                .asDouble();
        final double delete = context.getProperty(DELETE_PERCENTAGE)
                .evaluateAttributeExpressions()
                .asDouble();
        if (Math.abs(insert + update + delete - 100) > GeneratorSettings.TOLERANCE) {
            results.add(new ValidationResult.Builder()
                    .subject("Insert, Update and Delete Percentages")
                    .valid(false)
                    .explanation("they add up to " + (insert + update + delete) + " but must add up to 100")
                    .build());
        }
        if (insert == 0) {
            results.add(new ValidationResult.Builder()
                    .subject(INSERT_PERCENTAGE.getName())
                    .valid(false)
                    .explanation("without inserts there is never a customer to update or delete: it must be above 0")
                    .build());
        }
        return results;
    }

    @OnScheduled
    public void onScheduled(final ProcessContext context) {
        final Locale locale = Locale.forLanguageTag(
                context.getProperty(LOCALE).evaluateAttributeExpressions().getValue());
        final String seed =
                context.getProperty(SEED).evaluateAttributeExpressions().getValue();
        configuredSeed = seed == null ? Optional.empty() : Optional.of(Long.parseLong(seed.strip()));
        recordsPerFlowFile = context.getProperty(RECORDS_PER_FLOWFILE)
                .evaluateAttributeExpressions()
                .asInteger();
        settings = new GeneratorSettings(
                locale,
                configuredSeed.isPresent(),
                context.getProperty(INSERT_PERCENTAGE)
                        .evaluateAttributeExpressions()
                        .asDouble(),
                context.getProperty(UPDATE_PERCENTAGE)
                        .evaluateAttributeExpressions()
                        .asDouble(),
                context.getProperty(DELETE_PERCENTAGE)
                        .evaluateAttributeExpressions()
                        .asDouble(),
                context.getProperty(INVALID_PERCENTAGE)
                        .evaluateAttributeExpressions()
                        .asDouble(),
                context.getProperty(TRACKED_CUSTOMERS).asInteger(),
                configuredSeed.isPresent()
                        ? UtcInstants.toEpochMillis(context.getProperty(SIMULATED_START_TIME)
                                .evaluateAttributeExpressions()
                                .getValue())
                        : 0,
                configuredSeed.isPresent()
                        ? context.getProperty(EVENT_TIME_STEP)
                                .evaluateAttributeExpressions()
                                .asTimePeriod(TimeUnit.MILLISECONDS)
                        : 0);
        if (configuredSeed.isPresent()) {
            // the expensive part (Datafaker pools) is done before the first trigger when the seed is known
            poolsFor(configuredSeed.get());
        }
    }

    @Override
    public void onTrigger(final ProcessContext context, final ProcessSession session) throws ProcessException {
        final StateManager stateManager = context.getStateManager();
        final StateMap stored;
        final CheckpointedStream batchStream;
        try {
            stored = stateManager.getState(Scope.CLUSTER);
            batchStream = streamFor(stored.toMap());
        } catch (final IOException | IllegalArgumentException e) {
            getLogger()
                    .error(
                            "Cannot resume the customer stream from cluster state; clearing the processor's state starts a new stream",
                            e);
            context.yield();
            return;
        }
        final int records = batchStream.recordsDue(recordsPerFlowFile);
        if (records == 0) {
            // a seeded stream whose next event is still ahead of the clock: nothing is due yet
            context.yield();
            return;
        }
        final Optional<Map<String, String>> reservation = batchStream.reserve(records);
        if (reservation.isPresent() && !store(stateManager, stored, reservation.get())) {
            context.yield();
            return;
        }

        FlowFile flowFile = session.create();
        final AtomicReference<BatchSummary> summary = new AtomicReference<>();
        try {
            flowFile = session.write(flowFile, out -> summary.set(batchStream.writeBatch(out, records)));
        } catch (final RuntimeException e) {
            // the stream may have stopped inside an event: resume from the stored state, past everything reserved
            stream = null;
            session.remove(flowFile);
            getLogger().error("Failed to generate customer records", e);
            context.yield();
            return;
        }

        flowFile = session.putAllAttributes(flowFile, attributes(summary.get(), batchStream.seed()));
        session.getProvenanceReporter().create(flowFile);
        session.transfer(flowFile, REL_SUCCESS);
    }

    @OnStopped
    public void onStopped(final ProcessContext context) {
        final CheckpointedStream stopped = stream;
        final Map<String, String> lastWritten = written;
        // another node may continue the stream while this one is stopped: never trust the in-memory copy after a stop
        stream = null;
        written = null;
        if (stopped == null) {
            return;
        }
        try {
            final StateMap stored = context.getStateManager().getState(Scope.CLUSTER);
            // only while the stored reservation is this node's may it shrink to the exact position
            if (stored.toMap().equals(lastWritten)) {
                context.getStateManager().replace(stored, stopped.release(), Scope.CLUSTER);
            }
        } catch (final IOException e) {
            getLogger()
                    .warn(
                            "Cannot store where the customer stream stopped: the next start skips the events reserved beyond it",
                            e);
        }
    }

    private CheckpointedStream streamFor(final Map<String, String> stored) {
        if (stream != null && stored.equals(written)) {
            return stream;
        }
        final CheckpointedStream resumed = CheckpointedStream.resume(
                stored, settings, configuredSeed, new SecureRandom()::nextLong, this::poolsFor, clock);
        if (resumed.startsNewPopulation()) {
            getLogger()
                    .info(
                            "Seed or locale changed: continuing at event {} and customer id {} with a new population",
                            resumed.nextSequence(),
                            resumed.nextCustomerId());
        }
        stream = resumed;
        return resumed;
    }

    /** Stores a reservation unless another node has written the state since it was read. */
    private boolean store(
            final StateManager stateManager, final StateMap stored, final Map<String, String> reservation) {
        try {
            if (stateManager.replace(stored, reservation, Scope.CLUSTER)) {
                written = reservation;
                return true;
            }
            getLogger().info("Another node moved the customer stream on: continuing from its state");
        } catch (final IOException e) {
            getLogger().error("Cannot reserve the next customer events in cluster state", e);
        }
        stream = null;
        return false;
    }

    private ValuePools poolsFor(final long seed) {
        if (pools == null || pools.seed() != seed || !pools.locale().equals(settings.locale())) {
            pools = ValuePools.build(settings.locale(), seed);
        }
        return pools;
    }

    private static Map<String, String> attributes(final BatchSummary summary, final long seed) {
        final Map<String, String> attributes = new HashMap<>();
        attributes.put(CoreAttributes.MIME_TYPE.key(), CustomerCsvFormat.MIME_TYPE);
        attributes.put("record.count", Long.toString(summary.records()));
        attributes.put("generate.sequence.first", Long.toString(summary.firstSequence()));
        attributes.put("generate.sequence.last", Long.toString(summary.lastSequence()));
        attributes.put("generate.seed", Long.toString(seed));
        attributes.put("generate.insert.count", Long.toString(summary.inserts()));
        attributes.put("generate.update.count", Long.toString(summary.updates()));
        attributes.put("generate.delete.count", Long.toString(summary.deletes()));
        attributes.put("generate.invalid.count", Long.toString(summary.invalid()));
        return attributes;
    }

    private static PropertyDescriptor percentage(
            final String name, final String defaultValue, final String description) {
        return new PropertyDescriptor.Builder()
                .name(name)
                .description(description + " A percentage between 0 and 100; decimals such as 0.5 are allowed.")
                .required(true)
                .defaultValue(defaultValue)
                .addValidator(evaluatedValue(
                        value -> isPercentage(value.strip()) ? null : "must be a number between 0 and 100"))
                .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
                .build();
    }

    private static boolean isPercentage(final String value) {
        try {
            final double percentage = Double.parseDouble(value);
            return percentage >= 0 && percentage <= 100;
        } catch (final NumberFormatException e) {
            return false;
        }
    }

    private static boolean isLocaleWithCountry(final String value) {
        final Locale locale = Locale.forLanguageTag(value);
        return !locale.getLanguage().isEmpty() && !locale.getCountry().isEmpty();
    }
}
