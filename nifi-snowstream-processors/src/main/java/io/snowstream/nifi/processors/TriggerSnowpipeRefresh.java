package io.snowstream.nifi.processors;

import static io.snowstream.nifi.properties.ExpressionLanguageValidators.parsedBy;
import static io.snowstream.nifi.properties.VerificationSteps.step;

import io.snowstream.nifi.customer.csv.EventTime;
import io.snowstream.nifi.properties.DescribedChoice;
import io.snowstream.nifi.s3.ObjectKeys;
import io.snowstream.nifi.snowflake.QualifiedName;
import io.snowstream.nifi.snowflake.SnowflakeIdentifier;
import io.snowstream.nifi.snowflake.pipe.CopyHistory;
import io.snowstream.nifi.snowflake.pipe.FileLoad;
import io.snowstream.nifi.snowflake.pipe.LoadHistory;
import io.snowstream.nifi.snowflake.pipe.LoadStatus;
import io.snowstream.nifi.snowflake.pipe.RefreshNotifier;
import io.snowstream.nifi.snowflake.pipe.SnowpipeException;
import io.snowstream.nifi.snowflake.pipe.SnowpipeNotifier;
import io.snowstream.nifi.snowflake.pipe.SnowpipeRestApi;
import io.snowstream.nifi.snowflake.pipe.StageLocation;
import io.snowstream.nifi.snowflake.service.SnowflakeConnectionService;
import io.snowstream.nifi.snowflake.service.StandardSnowflakeConnectionService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.ReadsAttribute;
import org.apache.nifi.annotation.behavior.ReadsAttributes;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.behavior.WritesAttributes;
import org.apache.nifi.annotation.configuration.DefaultSettings;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.SeeAlso;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.documentation.UseCase;
import org.apache.nifi.annotation.lifecycle.OnScheduled;
import org.apache.nifi.components.ConfigVerificationResult;
import org.apache.nifi.components.ConfigVerificationResult.Outcome;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.components.Validator;
import org.apache.nifi.expression.ExpressionLanguageScope;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.logging.ComponentLog;
import org.apache.nifi.processor.AbstractProcessor;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.VerifiableProcessor;
import org.apache.nifi.processor.exception.ProcessException;
import org.apache.nifi.processor.util.StandardValidators;

@Tags({"snowstream", "snowflake", "snowpipe", "refresh", "insertFiles", "s3", "ingest", "load history", "copy history"})
@CapabilityDescription("Makes a Snowpipe load the S3 objects that arrive as FlowFiles (s3.bucket, s3.key) and tells"
        + " the flow what became of each file. The objects of one trigger are announced with one call: ALTER PIPE"
        + " ... REFRESH PREFIX through the Snowflake JDBC driver, or the Snowpipe REST API's insertFiles (up to 5,000"
        + " files per call). With load confirmation on, a FlowFile then waits on the retry relationship (penalized,"
        + " looped back by the flow) until the pipe's load history says LOADED (success), LOAD_FAILED or"
        + " PARTIALLY_LOADED (failure), or the confirmation timeout passes (failure). What a pending file needs is kept"
        + " in its attributes, so a restart loses nothing and repeating a notification never loads a file twice.")
@InputRequirement(InputRequirement.Requirement.INPUT_REQUIRED)
@DefaultSettings(penaltyDuration = "30 sec")
@SeeAlso(value = StandardSnowflakeConnectionService.class, classNames = "io.snowstream.nifi.processors.PutS3Batch")
@ReadsAttributes({
    @ReadsAttribute(attribute = "s3.bucket", description = "Bucket of the object (written by PutS3Batch)."),
    @ReadsAttribute(attribute = "s3.key", description = "Key of the object (written by PutS3Batch)."),
    @ReadsAttribute(
            attribute = TriggerSnowpipeRefresh.REQUESTED_AT,
            description = "Set by this processor: a"
                    + " FlowFile that has it is awaiting confirmation, and is not announced again.")
})
@WritesAttributes({
    @WritesAttribute(attribute = TriggerSnowpipeRefresh.PIPE, description = "The pipe, as DB.SCHEMA.PIPE."),
    @WritesAttribute(
            attribute = TriggerSnowpipeRefresh.PATH,
            description = "The file's path relative to the stage location, as Snowpipe names it."),
    @WritesAttribute(
            attribute = TriggerSnowpipeRefresh.MODE,
            description = "How the pipe was told: REFRESH or INSERT_FILES."),
    @WritesAttribute(
            attribute = TriggerSnowpipeRefresh.REQUESTED_AT,
            description = "When the pipe was told (ISO-8601)."),
    @WritesAttribute(
            attribute = TriggerSnowpipeRefresh.STATUS,
            description = "LOADED, LOAD_FAILED,"
                    + " PARTIALLY_LOADED, or NOT_CONFIRMED when the confirmation timeout passed."),
    @WritesAttribute(attribute = TriggerSnowpipeRefresh.ROWS_LOADED, description = "Rows loaded from the file."),
    @WritesAttribute(attribute = TriggerSnowpipeRefresh.ROWS_PARSED, description = "Rows read from the file."),
    @WritesAttribute(
            attribute = TriggerSnowpipeRefresh.LOAD_TIME,
            description = "When Snowflake finished the load (ISO-8601)."),
    @WritesAttribute(
            attribute = TriggerSnowpipeRefresh.LATENCY,
            description = "Milliseconds from the event time attribute to the load time."),
    @WritesAttribute(
            attribute = TriggerSnowpipeRefresh.ERROR_CODE,
            description = "Snowflake's error code or the HTTP status, on failure or retry."),
    @WritesAttribute(
            attribute = TriggerSnowpipeRefresh.ERROR_SQL_STATE,
            description = "The SQL state of a JDBC error."),
    @WritesAttribute(
            attribute = TriggerSnowpipeRefresh.ERROR_MESSAGE,
            description = "Snowflake's message, or the first error in the file for a failed load.")
})
@UseCase(
        description = "Load each object PutS3Batch writes into Snowflake promptly and learn the outcome per file.",
        configuration = """
                Connect PutS3Batch's success relationship to this processor. Set Stage Location to the URL of the \
                pipe's stage, Database, Schema and Pipe to the pipe. Route retry back to this processor \
                (its FlowFiles are penalized, so Penalty Duration sets the polling interval: 30 sec, the default). \
                success carries the rows loaded and the latency; failure carries Snowflake's error.""")
public class TriggerSnowpipeRefresh extends AbstractProcessor implements VerifiableProcessor {

    static final String PIPE = "snowpipe.pipe";
    static final String PATH = "snowpipe.path";
    static final String MODE = "snowpipe.mode";
    static final String REQUESTED_AT = "snowpipe.requested.at";
    static final String STATUS = "snowpipe.status";
    static final String ROWS_LOADED = "snowpipe.rows.loaded";
    static final String ROWS_PARSED = "snowpipe.rows.parsed";
    static final String LOAD_TIME = "snowpipe.load.time";
    static final String LATENCY = "snowpipe.latency.millis";
    static final String ERROR_CODE = "snowpipe.error.code";
    static final String ERROR_SQL_STATE = "snowpipe.error.sqlstate";
    static final String ERROR_MESSAGE = "snowpipe.error.message";

    /** Load history is read from this long before the first request, so files loaded before it are found too. */
    static final Duration LOAD_HISTORY_LOOKBACK = Duration.ofHours(1);

    private static final String VERIFY_PIPE = "Find the pipe";
    private static final String VERIFY_STAGE = "Match the stage location";
    private static final String VERIFY_NOTIFY = "Announce files";
    private static final String VERIFY_CONFIRM = "Read the load history";

    /** The stage in a pipe's COPY statement: {@code FROM @db.schema.stage/path}. */
    private static final Pattern STAGE_REFERENCE = Pattern.compile("(?i)\\bFROM\\s+@([^\\s/;)]+)");

    enum NotificationMethod implements DescribedChoice {
        REFRESH,
        INSERT_FILES;

        @Override
        public Label label() {
            return switch (this) {
                case REFRESH ->
                    new Label(
                            "ALTER PIPE REFRESH",
                            "ALTER PIPE ... REFRESH PREFIX = '<folder common to the batch>' through JDBC:"
                                    + " works with auto-ingest pipes; only files staged in the last 7 days are queued.");
                case INSERT_FILES ->
                    new Label(
                            "Snowpipe REST insertFiles",
                            "The REST call Snowflake designed for naming files to a pipe,"
                                    + " up to 5,000 per call; for pipes without AUTO_INGEST. Needs key-pair authentication.");
            };
        }
    }

    enum LoadConfirmation implements DescribedChoice {
        REST_LOAD_HISTORY,
        COPY_HISTORY,
        NONE;

        @Override
        public Label label() {
            return switch (this) {
                case REST_LOAD_HISTORY ->
                    new Label(
                            "Snowpipe REST load history",
                            "The REST API's loadHistoryScan: needs MONITOR on the pipe"
                                    + " and key-pair authentication, no warehouse.");
                case COPY_HISTORY ->
                    new Label(
                            "COPY_HISTORY (JDBC)",
                            "The INFORMATION_SCHEMA.COPY_HISTORY table function: needs the pipe's"
                                    + " target table and a warehouse.");
                case NONE -> new Label("None", "Route to success as soon as Snowpipe has accepted the request.");
            };
        }
    }

    private static final Validator IDENTIFIER_VALIDATOR = parsedBy(SnowflakeIdentifier::parse);

    private static final Validator STAGE_LOCATION_VALIDATOR = parsedBy(StageLocation::parse);

    public static final PropertyDescriptor CONNECTION_SERVICE = new PropertyDescriptor.Builder()
            .name("Snowflake Connection Service")
            .description("The account and identity to use.")
            .required(true)
            .identifiesControllerService(SnowflakeConnectionService.class)
            .build();

    public static final PropertyDescriptor DATABASE = new PropertyDescriptor.Builder()
            .name("Database")
            .description("Database of the pipe: a Snowflake identifier, unquoted (resolved upper-case) or in double"
                    + " quotes.")
            .required(true)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(IDENTIFIER_VALIDATOR)
            .build();

    public static final PropertyDescriptor SCHEMA = new PropertyDescriptor.Builder()
            .name("Schema")
            .description("Schema of the pipe (and of the target table).")
            .required(true)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(IDENTIFIER_VALIDATOR)
            .build();

    public static final PropertyDescriptor PIPE_NAME = new PropertyDescriptor.Builder()
            .name("Pipe")
            .description("Name of the pipe.")
            .required(true)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(IDENTIFIER_VALIDATOR)
            .build();

    public static final PropertyDescriptor STAGE_LOCATION = new PropertyDescriptor.Builder()
            .name("Stage Location")
            .description("URL of the pipe's external stage, e.g. s3://my-bucket/customers/ (DESC STAGE shows it)."
                    + " An object outside it is routed to failure.")
            .required(true)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(STAGE_LOCATION_VALIDATOR)
            .build();

    public static final PropertyDescriptor NOTIFICATION_METHOD = new PropertyDescriptor.Builder()
            .name("Notification Method")
            .description("How the pipe is told about new files. See the usage docs for when to use which.")
            .required(true)
            .allowableValues(NotificationMethod.class)
            .defaultValue(NotificationMethod.INSERT_FILES)
            .build();

    public static final PropertyDescriptor BATCH_SIZE = new PropertyDescriptor.Builder()
            .name("Batch Size")
            .description("Most FlowFiles handled per trigger: one notification call and one load-history call cover"
                    + " them all.")
            .required(true)
            .defaultValue("1000")
            .addValidator(StandardValidators.createLongValidator(1, SnowpipeRestApi.MAX_FILES_PER_INSERT, true))
            .build();

    public static final PropertyDescriptor LOAD_CONFIRMATION = new PropertyDescriptor.Builder()
            .name("Load Confirmation")
            .description("Where the outcome of each file is read.")
            .required(true)
            .allowableValues(LoadConfirmation.class)
            .defaultValue(LoadConfirmation.REST_LOAD_HISTORY)
            .build();

    public static final PropertyDescriptor TARGET_TABLE = new PropertyDescriptor.Builder()
            .name("Target Table")
            .description("The table the pipe copies into (COPY_HISTORY is kept per table), in the pipe's database"
                    + " and schema.")
            .required(true)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(IDENTIFIER_VALIDATOR)
            .dependsOn(LOAD_CONFIRMATION, LoadConfirmation.COPY_HISTORY)
            .build();

    public static final PropertyDescriptor CONFIRMATION_TIMEOUT = new PropertyDescriptor.Builder()
            .name("Confirmation Timeout")
            .description("How long after the notification a file may stay unconfirmed before it is routed to failure"
                    + " with status NOT_CONFIRMED. Snowpipe usually loads within a minute or two.")
            .required(true)
            .defaultValue("30 min")
            .addValidator(StandardValidators.createTimePeriodValidator(1, TimeUnit.SECONDS, 13, TimeUnit.DAYS))
            .dependsOn(LOAD_CONFIRMATION, LoadConfirmation.REST_LOAD_HISTORY, LoadConfirmation.COPY_HISTORY)
            .build();

    public static final PropertyDescriptor EVENT_TIME_ATTRIBUTE = new PropertyDescriptor.Builder()
            .name("Event Time Attribute")
            .description("Attribute holding the file's earliest event time (like 2026-11-23T10:15:30.123Z), from"
                    + " which the load latency is measured. No latency attribute is written when it is absent.")
            .required(false)
            .defaultValue("event.time.min")
            .addValidator(StandardValidators.ATTRIBUTE_KEY_VALIDATOR)
            .build();

    public static final Relationship REL_SUCCESS = new Relationship.Builder()
            .name("success")
            .description("Snowflake loaded the file (or accepted the request, with Load Confirmation None).")
            .build();

    public static final Relationship REL_RETRY = new Relationship.Builder()
            .name("retry")
            .description("Not confirmed yet, or a transient error (throttling, 5xx, timeout). Penalized: route it back"
                    + " to this processor.")
            .build();

    public static final Relationship REL_FAILURE = new Relationship.Builder()
            .name("failure")
            .description(
                    "The load failed or was partial, the file was not confirmed in time, the object lies outside"
                            + " the stage location, or Snowflake refused for good (pipe missing, not authorized, login refused).")
            .build();

    private static final List<PropertyDescriptor> PROPERTY_DESCRIPTORS = List.of(
            CONNECTION_SERVICE,
            DATABASE,
            SCHEMA,
            PIPE_NAME,
            STAGE_LOCATION,
            NOTIFICATION_METHOD,
            BATCH_SIZE,
            LOAD_CONFIRMATION,
            TARGET_TABLE,
            CONFIRMATION_TIMEOUT,
            EVENT_TIME_ATTRIBUTE);

    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_SUCCESS, REL_RETRY, REL_FAILURE);

    private volatile SnowpipeNotifier notifier;
    private volatile LoadHistory loadHistory;
    private volatile StageLocation stageLocation;
    private volatile String pipeName;
    private volatile String transitUri;
    private volatile NotificationMethod notificationMethod;
    private volatile Duration confirmationTimeout;

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
        final boolean restNotification =
                context.getProperty(NOTIFICATION_METHOD).asAllowableValue(NotificationMethod.class)
                        == NotificationMethod.INSERT_FILES;
        final boolean restConfirmation = context.getProperty(LOAD_CONFIRMATION).asAllowableValue(LoadConfirmation.class)
                == LoadConfirmation.REST_LOAD_HISTORY;
        final SnowflakeConnectionService service =
                context.getProperty(CONNECTION_SERVICE).asControllerService(SnowflakeConnectionService.class);
        if ((restNotification || restConfirmation)
                && service != null
                && isEnabled(context, service)
                && !service.supportsRestApi()) {
            results.add(new ValidationResult.Builder()
                    .subject(NOTIFICATION_METHOD.getName())
                    .valid(false)
                    .explanation("the Snowpipe REST API needs a connection service with key-pair authentication")
                    .build());
        }
        return results;
    }

    private static boolean isEnabled(final ValidationContext context, final SnowflakeConnectionService service) {
        return context.getControllerServiceLookup().isControllerServiceEnabled(service);
    }

    private static QualifiedName pipe(final ProcessContext context) {
        return QualifiedName.parse(
                context.getProperty(DATABASE).evaluateAttributeExpressions().getValue(),
                context.getProperty(SCHEMA).evaluateAttributeExpressions().getValue(),
                context.getProperty(PIPE_NAME).evaluateAttributeExpressions().getValue());
    }

    private static StageLocation stageLocation(final ProcessContext context) {
        return StageLocation.parse(context.getProperty(STAGE_LOCATION)
                .evaluateAttributeExpressions()
                .getValue());
    }

    @OnScheduled
    public void onScheduled(final ProcessContext context) {
        final SnowflakeConnectionService service =
                context.getProperty(CONNECTION_SERVICE).asControllerService(SnowflakeConnectionService.class);
        final String database =
                context.getProperty(DATABASE).evaluateAttributeExpressions().getValue();
        final String schema =
                context.getProperty(SCHEMA).evaluateAttributeExpressions().getValue();
        final QualifiedName pipe = pipe(context);
        stageLocation = stageLocation(context);
        pipeName = pipe.toCanonical();
        transitUri = "snowflake://" + service.getAccount() + '/' + pipeName;
        notificationMethod = context.getProperty(NOTIFICATION_METHOD).asAllowableValue(NotificationMethod.class);

        final SnowpipeRestApi rest = new SnowpipeRestApi(
                service.getHttpClient(),
                service.getAccountUrl(),
                pipe,
                service::getRestToken,
                service.getRequestTimeout());
        notifier = switch (notificationMethod) {
            case REFRESH -> new RefreshNotifier(service::getConnection, pipe, service.getRequestTimeout());
            case INSERT_FILES -> rest;
        };
        final LoadConfirmation confirmation =
                context.getProperty(LOAD_CONFIRMATION).asAllowableValue(LoadConfirmation.class);
        loadHistory = switch (confirmation) {
            case REST_LOAD_HISTORY -> rest;
            case COPY_HISTORY ->
                new CopyHistory(
                        service::getConnection,
                        QualifiedName.parse(
                                database,
                                schema,
                                context.getProperty(TARGET_TABLE)
                                        .evaluateAttributeExpressions()
                                        .getValue()),
                        service.getRequestTimeout());
            case NONE -> null;
        };
        confirmationTimeout = confirmation == LoadConfirmation.NONE
                ? Duration.ZERO
                : Duration.ofMillis(context.getProperty(CONFIRMATION_TIMEOUT).asTimePeriod(TimeUnit.MILLISECONDS));
    }

    /**
     * Asks Snowflake, with the connection service's identity, what the processor will need: the pipe, the stage it
     * loads from (which must be the Stage Location), the right to announce files in the chosen mode, and the right
     * to read the chosen load history. Nothing is loaded: the REFRESH probe names a path that does not exist, and
     * insertFiles is not called.
     */
    @Override
    public List<ConfigVerificationResult> verify(
            final ProcessContext context, final ComponentLog verificationLogger, final Map<String, String> attributes) {
        final List<ConfigVerificationResult> results = new ArrayList<>();
        final SnowflakeConnectionService service =
                context.getProperty(CONNECTION_SERVICE).asControllerService(SnowflakeConnectionService.class);
        final String database =
                context.getProperty(DATABASE).evaluateAttributeExpressions().getValue();
        final String schema =
                context.getProperty(SCHEMA).evaluateAttributeExpressions().getValue();
        final QualifiedName pipe = pipe(context);
        final StageLocation configured = stageLocation(context);

        final String stage;
        try (Connection connection = service.getConnection();
                Statement statement = connection.createStatement()) {
            final String definition;
            try (ResultSet described = statement.executeQuery("DESC PIPE " + pipe.toSql())) {
                definition = described.next() ? described.getString("definition") : null;
            }
            stage = definition == null ? null : stageOf(definition);
            results.add(step(
                    VERIFY_PIPE,
                    Outcome.SUCCESSFUL,
                    "Pipe " + pipe + " is visible to the service's role"
                            + (stage == null ? "" : " and loads from stage @" + stage)));
            if (stage == null) {
                results.add(step(VERIFY_STAGE, Outcome.SKIPPED, "The pipe's definition names no stage to compare"));
            } else {
                results.add(stageStep(statement, stage, configured));
            }
        } catch (final SQLException e) {
            verificationLogger.error("Cannot describe pipe {}", pipe, e);
            results.add(step(
                    VERIFY_PIPE,
                    Outcome.FAILED,
                    "Snowflake cannot show pipe " + pipe + " to the service's"
                            + " role (error " + e.getErrorCode() + ": " + e.getMessage()
                            + "). The pipe must exist, and the role"
                            + " needs USAGE on database " + database + " and schema " + schema
                            + " and OPERATE or MONITOR on"
                            + " the pipe"));
            results.add(step(VERIFY_STAGE, Outcome.SKIPPED, "Not checked: the pipe is not visible"));
        }
        results.add(notificationStep(context, service, pipe));
        results.add(confirmationStep(context, service, pipe, database, schema));
        return results;
    }

    /** The stage a pipe's COPY statement reads: {@code FROM @db.schema.stage/path} gives {@code db.schema.stage}. */
    private static String stageOf(final String definition) {
        final Matcher from = STAGE_REFERENCE.matcher(definition);
        return from.find() ? from.group(1) : null;
    }

    private static ConfigVerificationResult stageStep(
            final Statement statement, final String stage, final StageLocation configured) throws SQLException {
        String url = null;
        try (ResultSet properties = statement.executeQuery("DESC STAGE " + stage)) {
            while (properties.next()) {
                if ("URL".equalsIgnoreCase(properties.getString("property"))) {
                    url = properties.getString("property_value").replaceAll("[\\[\\]\"]", "");
                }
            }
        }
        if (url == null || url.isBlank()) {
            return step(
                    VERIFY_STAGE,
                    Outcome.FAILED,
                    "Stage @" + stage + " has no URL: it is an internal stage, which"
                            + " PutS3Batch's objects never reach");
        }
        final String stageUrl = StageLocation.parse(url).toString();
        if (stageUrl.equals(configured.toString())) {
            return step(
                    VERIFY_STAGE,
                    Outcome.SUCCESSFUL,
                    "Stage @" + stage + " points at " + stageUrl + ", the Stage Location");
        }
        return step(
                VERIFY_STAGE,
                Outcome.FAILED,
                "Stage @" + stage + " points at " + stageUrl + " but Stage Location is " + configured
                        + ": Snowpipe names files relative to the stage's URL, so set Stage Location to " + stageUrl);
    }

    private static ConfigVerificationResult notificationStep(
            final ProcessContext context, final SnowflakeConnectionService service, final QualifiedName pipe) {
        final NotificationMethod method =
                context.getProperty(NOTIFICATION_METHOD).asAllowableValue(NotificationMethod.class);
        final String probe = "snowstream-verify-" + UUID.randomUUID() + "/none.csv.gz";
        try {
            if (method == NotificationMethod.REFRESH) {
                new RefreshNotifier(service::getConnection, pipe, service.getRequestTimeout())
                        .requestLoad(List.of(probe));
                return step(
                        VERIFY_NOTIFY,
                        Outcome.SUCCESSFUL,
                        "ALTER PIPE " + pipe + " REFRESH ran (on a path that"
                                + " does not exist, so nothing was queued): the role has OPERATE on the pipe");
            }
            if (!service.supportsRestApi()) {
                return step(
                        VERIFY_NOTIFY,
                        Outcome.FAILED,
                        "insertFiles needs key-pair authentication on the connection service");
            }
            restApi(service, pipe).lookUp(List.of(probe), Instant.now().minus(Duration.ofMinutes(1)));
            return step(
                    VERIFY_NOTIFY,
                    Outcome.SUCCESSFUL,
                    "The Snowpipe REST API accepted the service's key-pair token"
                            + " for " + pipe
                            + " (checked with a loadHistoryScan, so that nothing is queued; insertFiles also"
                            + " needs OPERATE on the pipe)");
        } catch (final SnowpipeException e) {
            return step(
                    VERIFY_NOTIFY,
                    Outcome.FAILED,
                    (method == NotificationMethod.REFRESH ? "ALTER PIPE ... REFRESH" : "The Snowpipe REST API")
                            + " was refused: " + e.getMessage() + ". The role needs OPERATE on pipe "
                            + pipe + " (GRANT OPERATE ON PIPE " + pipe.toSql() + " TO ROLE ...)");
        }
    }

    private static ConfigVerificationResult confirmationStep(
            final ProcessContext context,
            final SnowflakeConnectionService service,
            final QualifiedName pipe,
            final String database,
            final String schema) {
        final LoadConfirmation confirmation =
                context.getProperty(LOAD_CONFIRMATION).asAllowableValue(LoadConfirmation.class);
        final Instant since = Instant.now().minus(Duration.ofMinutes(1));
        try {
            switch (confirmation) {
                case NONE -> {
                    return step(VERIFY_CONFIRM, Outcome.SKIPPED, "Load Confirmation is None: no load history is read");
                }
                case REST_LOAD_HISTORY -> {
                    if (!service.supportsRestApi()) {
                        return step(
                                VERIFY_CONFIRM,
                                Outcome.FAILED,
                                "loadHistoryScan needs key-pair authentication on the connection service");
                    }
                    restApi(service, pipe).lookUp(List.of("snowstream-verify"), since);
                    return step(
                            VERIFY_CONFIRM,
                            Outcome.SUCCESSFUL,
                            "loadHistoryScan answered for " + pipe + ": the role has MONITOR on the pipe");
                }
                default -> {
                    final QualifiedName table = QualifiedName.parse(
                            database,
                            schema,
                            context.getProperty(TARGET_TABLE)
                                    .evaluateAttributeExpressions()
                                    .getValue());
                    new CopyHistory(service::getConnection, table, service.getRequestTimeout())
                            .lookUp(List.of("snowstream-verify"), since);
                    return step(VERIFY_CONFIRM, Outcome.SUCCESSFUL, "COPY_HISTORY answered for table " + table);
                }
            }
        } catch (final SnowpipeException e) {
            return step(
                    VERIFY_CONFIRM,
                    Outcome.FAILED,
                    "The load history cannot be read: " + e.getMessage() + ". "
                            + (confirmation == LoadConfirmation.REST_LOAD_HISTORY
                                    ? "loadHistoryScan needs MONITOR on the pipe (GRANT MONITOR ON PIPE " + pipe.toSql()
                                            + " TO ROLE ...)"
                                    : "COPY_HISTORY needs a warehouse on the connection service and SELECT (or MONITOR) on the target"
                                            + " table"));
        }
    }

    private static SnowpipeRestApi restApi(final SnowflakeConnectionService service, final QualifiedName pipe) {
        return new SnowpipeRestApi(
                service.getHttpClient(),
                service.getAccountUrl(),
                pipe,
                service::getRestToken,
                service.getRequestTimeout());
    }

    @Override
    public void onTrigger(final ProcessContext context, final ProcessSession session) throws ProcessException {
        final List<FlowFile> flowFiles =
                session.get(context.getProperty(BATCH_SIZE).asInteger());
        if (flowFiles.isEmpty()) {
            context.yield();
            return;
        }
        final Map<FlowFile, String> toAnnounce = new LinkedHashMap<>();
        final List<FlowFile> toConfirm = new ArrayList<>();
        for (final FlowFile flowFile : flowFiles) {
            if (flowFile.getAttribute(REQUESTED_AT) != null) {
                toConfirm.add(flowFile);
                continue;
            }
            final String bucket = flowFile.getAttribute("s3.bucket");
            final String key = flowFile.getAttribute("s3.key");
            if (bucket == null || key == null) {
                fail(
                        session,
                        session.putAttribute(
                                flowFile,
                                ERROR_MESSAGE,
                                "the FlowFile names no S3 object: it needs the s3.bucket and s3.key attributes"));
                continue;
            }
            final String keyProblem = keyProblem(key);
            if (keyProblem != null) {
                fail(
                        session,
                        session.putAttribute(
                                flowFile, ERROR_MESSAGE, "the s3.key attribute is refused: " + keyProblem));
                continue;
            }
            stageLocation
                    .relativePath(bucket, key)
                    .ifPresentOrElse(
                            path -> toAnnounce.put(flowFile, path),
                            () -> fail(
                                    session,
                                    session.putAttribute(
                                            flowFile,
                                            ERROR_MESSAGE,
                                            "s3://" + bucket + '/' + key + " is not under the pipe's stage location "
                                                    + stageLocation)));
        }
        announce(context, session, toAnnounce);
        final int waiting = confirm(context, session, toConfirm);
        if (waiting == flowFiles.size()) {
            // every load is still pending, and each FlowFile is penalized until its next look-up
            context.yield();
        }
    }

    private void announce(
            final ProcessContext context, final ProcessSession session, final Map<FlowFile, String> toAnnounce) {
        if (toAnnounce.isEmpty()) {
            return;
        }
        final long start = System.nanoTime();
        final int calls;
        try {
            calls = notifier.requestLoad(List.copyOf(toAnnounce.values()));
        } catch (final SnowpipeException e) {
            logCallFailure(e, "Snowpipe {} refused {} files", pipeName, toAnnounce.size());
            toAnnounce.keySet().forEach(flowFile -> routeError(session, flowFile, e));
            context.yield();
            return;
        }
        final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        final String requestedAt = Instant.now().toString();
        session.adjustCounter("Files queued", toAnnounce.size(), false);
        session.adjustCounter("Snowpipe calls", calls, false);
        for (final Map.Entry<FlowFile, String> entry : toAnnounce.entrySet()) {
            final FlowFile flowFile = session.putAllAttributes(
                    entry.getKey(),
                    Map.of(
                            PIPE,
                            pipeName,
                            PATH,
                            entry.getValue(),
                            MODE,
                            notificationMethod.name(),
                            REQUESTED_AT,
                            requestedAt));
            session.getProvenanceReporter()
                    .send(flowFile, transitUri, notificationMethod.name() + " " + entry.getValue(), millis);
            if (loadHistory == null) {
                session.transfer(flowFile, REL_SUCCESS);
            } else {
                session.transfer(session.penalize(flowFile), REL_RETRY);
            }
        }
    }

    /** Routes the FlowFiles already announced by their load; returns how many still wait for it. */
    private int confirm(final ProcessContext context, final ProcessSession session, final List<FlowFile> toConfirm) {
        if (toConfirm.isEmpty()) {
            return 0;
        }
        if (loadHistory == null) {
            session.transfer(toConfirm, REL_SUCCESS);
            return 0;
        }
        // two FlowFiles for one object (a replayed FlowFile, say) share its single load-history entry
        final Map<String, List<FlowFile>> byPath = new LinkedHashMap<>();
        Instant earliest = Instant.now();
        for (final FlowFile flowFile : toConfirm) {
            final Instant requestedAt = instant(flowFile.getAttribute(REQUESTED_AT));
            final String path = flowFile.getAttribute(PATH);
            if (requestedAt == null || path == null) {
                fail(
                        session,
                        session.putAttribute(
                                flowFile,
                                ERROR_MESSAGE,
                                "the FlowFile carries a malformed " + REQUESTED_AT + " or no " + PATH + ": remove "
                                        + REQUESTED_AT + " to announce it again"));
                continue;
            }
            byPath.computeIfAbsent(path, ignored -> new ArrayList<>()).add(flowFile);
            earliest = requestedAt.isBefore(earliest) ? requestedAt : earliest;
        }
        if (byPath.isEmpty()) {
            return 0;
        }
        final Map<String, FileLoad> loads;
        try {
            loads = loadHistory.lookUp(byPath.keySet(), earliest.minus(LOAD_HISTORY_LOOKBACK));
        } catch (final SnowpipeException e) {
            logCallFailure(e, "Could not read the load history of {} for {} files", pipeName, byPath.size());
            byPath.values().forEach(pending -> pending.forEach(flowFile -> routeError(session, flowFile, e)));
            context.yield();
            return 0;
        }
        final String eventTimeAttribute =
                context.getProperty(EVENT_TIME_ATTRIBUTE).getValue();
        final Instant now = Instant.now();
        int waiting = 0;
        for (final Map.Entry<String, List<FlowFile>> pending : byPath.entrySet()) {
            final FileLoad load = loads.get(pending.getKey());
            for (final FlowFile flowFile : pending.getValue()) {
                if (load != null && load.status().isFinal()) {
                    routeLoad(session, flowFile, load, eventTimeAttribute);
                } else if (waitOrGiveUp(session, flowFile, now)) {
                    waiting++;
                }
            }
        }
        return waiting;
    }

    /** Sends a FlowFile whose load is not reported yet back to wait, or to failure after the timeout: true if it waits. */
    private boolean waitOrGiveUp(final ProcessSession session, final FlowFile flowFile, final Instant now) {
        final Instant requestedAt = instant(flowFile.getAttribute(REQUESTED_AT));
        if (requestedAt.plus(confirmationTimeout).isAfter(now)) {
            session.transfer(session.penalize(flowFile), REL_RETRY);
            return true;
        }
        fail(
                session,
                session.putAllAttributes(
                        flowFile,
                        Map.of(
                                STATUS,
                                "NOT_CONFIRMED",
                                ERROR_MESSAGE,
                                "Snowpipe did not report the file within " + confirmationTimeout.toSeconds()
                                        + " s of the request;"
                                        + " check SYSTEM$PIPE_STATUS and the stage's event notifications")));
        return false;
    }

    private void routeLoad(
            final ProcessSession session,
            final FlowFile flowFile,
            final FileLoad load,
            final String eventTimeAttribute) {
        final Map<String, String> attributes = new HashMap<>();
        attributes.put(STATUS, load.status().name());
        attributes.put(ROWS_LOADED, String.valueOf(load.rowsLoaded()));
        attributes.put(ROWS_PARSED, String.valueOf(load.rowsParsed()));
        if (load.loadedAt() != null) {
            attributes.put(LOAD_TIME, load.loadedAt().toString());
            final String eventTime = eventTimeAttribute == null ? null : flowFile.getAttribute(eventTimeAttribute);
            final long eventMillis = eventTime == null ? EventTime.INVALID : EventTime.parseCanonical(eventTime);
            if (eventMillis != EventTime.INVALID) {
                attributes.put(LATENCY, String.valueOf(load.loadedAt().toEpochMilli() - eventMillis));
            }
        }
        if (load.firstError() != null) {
            attributes.put(ERROR_MESSAGE, load.firstError());
        }
        final FlowFile updated = session.putAllAttributes(flowFile, attributes);
        if (load.status() == LoadStatus.LOADED) {
            session.adjustCounter("Files loaded", 1, false);
            session.transfer(updated, REL_SUCCESS);
            return;
        }
        getLogger().warn("Snowpipe {} reported {} for {}: {}", pipeName, load.status(), load.path(), load.firstError());
        fail(session, updated);
    }

    /** A failure that routes to retry is a warning: only one that routes to failure, the final give-up, is an error. */
    private void logCallFailure(final SnowpipeException e, final String message, final Object pipe, final int files) {
        if (e.isTransient()) {
            getLogger().warn(message + " (will retry)", pipe, files, e);
        } else {
            getLogger().error(message + " (routed to failure)", pipe, files, e);
        }
    }

    private void routeError(final ProcessSession session, final FlowFile flowFile, final SnowpipeException e) {
        final Map<String, String> attributes = new HashMap<>();
        attributes.put(ERROR_MESSAGE, e.getMessage());
        if (e.errorCode() != null) {
            attributes.put(ERROR_CODE, e.errorCode());
        }
        if (e.sqlState() != null) {
            attributes.put(ERROR_SQL_STATE, e.sqlState());
        }
        final FlowFile updated = session.putAllAttributes(flowFile, attributes);
        if (e.isTransient()) {
            session.transfer(session.penalize(updated), REL_RETRY);
        } else {
            fail(session, updated);
        }
    }

    private void fail(final ProcessSession session, final FlowFile flowFile) {
        session.adjustCounter("Files failed", 1, false);
        session.transfer(session.penalize(flowFile), REL_FAILURE);
    }

    /**
     * Why a key must not reach Snowflake, or null: a NUL cannot be put in a SQL literal, and control characters or
     * '..' segments in a name Snowpipe resolves against the stage are nothing PutS3Batch writes.
     */
    private static String keyProblem(final String key) {
        try {
            ObjectKeys.requireSafe(key);
            return null;
        } catch (final ObjectKeys.InvalidObjectKeyException e) {
            return e.getMessage();
        }
    }

    private static Instant instant(final String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (final DateTimeParseException e) {
            return null;
        }
    }
}
