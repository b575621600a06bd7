package io.snowstream.nifi.processors;

import static io.snowstream.nifi.properties.ExpressionLanguageValidators.afterExpressionLanguage;
import static io.snowstream.nifi.properties.ExpressionLanguageValidators.evaluatedValue;
import static io.snowstream.nifi.properties.VerificationSteps.step;

import io.snowstream.nifi.customer.csv.EventTime;
import io.snowstream.nifi.s3.BatchBounds;
import io.snowstream.nifi.s3.BatchObjectWriter;
import io.snowstream.nifi.s3.BatchPlanner;
import io.snowstream.nifi.s3.BatchStats;
import io.snowstream.nifi.s3.Compression;
import io.snowstream.nifi.s3.CredentialsSettings;
import io.snowstream.nifi.s3.CsvStatsScanner;
import io.snowstream.nifi.s3.HttpProxy;
import io.snowstream.nifi.s3.ObjectKeys;
import io.snowstream.nifi.s3.ObjectTarget;
import io.snowstream.nifi.s3.RetryPolicy;
import io.snowstream.nifi.s3.S3Connection;
import io.snowstream.nifi.s3.S3ConnectionSettings;
import io.snowstream.nifi.s3.S3ObjectUpload;
import io.snowstream.nifi.s3.S3UploadException;
import io.snowstream.nifi.s3.ServerSideEncryption;
import io.snowstream.nifi.s3.TlsTrust;
import java.io.IOException;
import java.io.InputStream;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.ReadsAttribute;
import org.apache.nifi.annotation.behavior.ReadsAttributes;
import org.apache.nifi.annotation.behavior.TriggerWhenEmpty;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.behavior.WritesAttributes;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.documentation.UseCase;
import org.apache.nifi.annotation.lifecycle.OnScheduled;
import org.apache.nifi.annotation.lifecycle.OnStopped;
import org.apache.nifi.annotation.lifecycle.OnUnscheduled;
import org.apache.nifi.components.AllowableValue;
import org.apache.nifi.components.ConfigVerificationResult;
import org.apache.nifi.components.ConfigVerificationResult.Outcome;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.expression.ExpressionLanguageScope;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.logging.ComponentLog;
import org.apache.nifi.processor.AbstractSessionFactoryProcessor;
import org.apache.nifi.processor.DataUnit;
import org.apache.nifi.processor.FlowFileFilter.FlowFileFilterResult;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.ProcessSessionFactory;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.VerifiableProcessor;
import org.apache.nifi.processor.util.StandardValidators;
import org.apache.nifi.proxy.ProxyConfiguration;
import org.apache.nifi.proxy.ProxySpec;
import org.apache.nifi.ssl.SSLContextProvider;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.StorageClass;

@Tags({
    "snowstream",
    "amazon",
    "aws",
    "s3",
    "put",
    "upload",
    "batch",
    "merge",
    "csv",
    "gzip",
    "snowflake",
    "snowpipe",
    "customer"
})
@CapabilityDescription(
        "Gathers queued customer CSV FlowFiles (the canonical CSV written by ValidateCustomerRecord) into "
                + "well-sized objects and uploads each to Amazon S3 or an S3-compatible store, in one step: one header per object, "
                + "gzip by default, a batch closed by maximum records, bytes, FlowFiles or age, whichever comes first. The age "
                + "bound is a latency promise: the processor is triggered on a quiet queue too, so no FlowFile waits longer "
                + "than Max Batch Age (plus at most one Yield Duration) before its upload starts. A forming batch is held "
                + "across triggers, as MergeContent holds its bins, and returns to the queue when the processor is stopped. "
                + "The object key is fixed when the batch is formed, so a retried "
                + "request overwrites the same key; inputs are removed only after S3 has acknowledged the whole object, and "
                + "transient errors are retried with bounded back-off before the inputs are routed to failure. Objects above "
                + "the multipart threshold are streamed as multipart uploads, which are aborted on failure. The output is one "
                + "content-free FlowFile per stored object, carrying its S3 attributes.")
@InputRequirement(InputRequirement.Requirement.INPUT_REQUIRED)
@TriggerWhenEmpty
@ReadsAttributes({
    @ReadsAttribute(
            attribute = "record.count",
            description = "Records in the input; counted from the content when absent"),
    @ReadsAttribute(
            attribute = "event.time.min",
            description = "Earliest updated_at in the input; found in the content when absent"),
    @ReadsAttribute(
            attribute = "event.time.max",
            description = "Latest updated_at in the input; found in the content when absent")
})
@WritesAttributes({
    @WritesAttribute(attribute = "s3.bucket", description = "The bucket of the stored object"),
    @WritesAttribute(attribute = "s3.key", description = "The key of the stored object"),
    @WritesAttribute(attribute = "s3.url", description = "The URL of the stored object"),
    @WritesAttribute(attribute = "s3.etag", description = "The ETag S3 returned for the object"),
    @WritesAttribute(
            attribute = "s3.version",
            description = "The version id of the object, when the bucket is versioned"),
    @WritesAttribute(
            attribute = "s3.uploadId",
            description = "The multipart upload id, when the object was sent in parts"),
    @WritesAttribute(attribute = "s3.storeClass", description = "The storage class of the object"),
    @WritesAttribute(
            attribute = "s3.sseAlgorithm",
            description = "The server-side encryption algorithm, when one is used"),
    @WritesAttribute(
            attribute = "s3.object.size",
            description = "The size of the stored object in bytes (after compression)"),
    @WritesAttribute(
            attribute = "s3.upload.duration.millis",
            description = "Time from the first byte read to the object acknowledged"),
    @WritesAttribute(attribute = "record.count", description = "Records in the object"),
    @WritesAttribute(attribute = "batch.flowfile.count", description = "Input FlowFiles gathered into the object"),
    @WritesAttribute(attribute = "event.time.min", description = "Earliest updated_at in the object"),
    @WritesAttribute(attribute = "event.time.max", description = "Latest updated_at in the object"),
    @WritesAttribute(
            attribute = "s3.statusCode",
            description = "On failure: the HTTP status S3 answered, when it answered"),
    @WritesAttribute(
            attribute = "s3.errorCode",
            description = "On failure: the S3 error code (e.g. NoSuchBucket, AccessDenied)"),
    @WritesAttribute(attribute = "s3.errorMessage", description = "On failure: what went wrong")
})
@UseCase(
        description =
                "Land validated customer change events in S3 as a few well-sized gzip objects for Snowpipe to load.",
        keywords = {"snowflake", "snowpipe", "s3", "batch", "merge", "upload"},
        configuration = """
                Connect ValidateCustomerRecord's `valid` relationship to PutS3Batch.
                Set `Bucket` to the Snowflake stage's bucket and `Object Key` to a template under the stage's prefix, \
                for example `customers/${now():format('yyyy/MM/dd/HH', 'GMT')}/customers-${now():format('yyyyMMddHHmmssSSS', 'GMT')}-${hostname()}-${UUID()}${object.extension}`.
                Leave `Credentials Source` at the default provider chain on EC2 (instance profile) or set `Assume Role ARN`.
                Keep `Compression` at gzip and size batches with `Max Batch Size` (Snowflake recommends 100-250 MB compressed files) \
                and bound latency with `Max Batch Age`.
                Connect `success` to TriggerSnowpipeRefresh (or auto-terminate it when S3 event notifications drive Snowpipe) \
                and route `failure` back to PutS3Batch.
                """)
public class PutS3Batch extends AbstractSessionFactoryProcessor implements VerifiableProcessor {

    static final String OBJECT_EXTENSION_VARIABLE = "object.extension";

    /** The shape of AWS region codes (us-east-1, us-gov-west-1, cn-north-1); S3-compatible stores use the same form. */
    private static final Pattern REGION_CODE = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    /** Legacy S3 bucket names allow letters, digits, dots, hyphens and underscores, up to 255 characters. */
    private static final Pattern BUCKET_NAME = Pattern.compile("[A-Za-z0-9._-]{1,255}");

    static final AllowableValue CREDENTIALS_DEFAULT_CHAIN = new AllowableValue(
            "default-chain",
            "Default Credentials Provider Chain",
            "The AWS SDK's default chain: environment variables, system properties, web identity token, shared profile, "
                    + "container credentials, then the EC2 instance profile. The preferred choice on AWS.");
    static final AllowableValue CREDENTIALS_STATIC_KEYS = new AllowableValue(
            "static-keys",
            "Static Access Keys",
            "An access key id and secret access key given here; use only where no role or instance profile is available.");

    static final AllowableValue SSE_NONE = new AllowableValue(
            ServerSideEncryption.NONE.name(),
            "None",
            "No server-side encryption header: the bucket's default encryption applies.");
    static final AllowableValue SSE_S3 =
            new AllowableValue(ServerSideEncryption.SSE_S3.name(), "SSE-S3", "Encrypt with S3-managed keys (AES256).");
    static final AllowableValue SSE_KMS = new AllowableValue(
            ServerSideEncryption.SSE_KMS.name(),
            "SSE-KMS",
            "Encrypt with an AWS KMS key: the one given in KMS Key ID, or the account's aws/s3 key.");

    static final AllowableValue COMPRESSION_GZIP = new AllowableValue(
            Compression.GZIP.name(), "gzip", "Gzip the object (.csv.gz); Snowflake reads it transparently.");
    static final AllowableValue COMPRESSION_NONE =
            new AllowableValue(Compression.NONE.name(), "none", "Store plain CSV (.csv).");

    static final PropertyDescriptor BUCKET = new PropertyDescriptor.Builder()
            .name("Bucket")
            .description("The S3 bucket to store objects in. Evaluated against the first FlowFile of each batch.")
            .required(true)
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();

    static final PropertyDescriptor OBJECT_KEY = new PropertyDescriptor.Builder()
            .name("Object Key")
            .description(
                    "Template of each object's key, evaluated once when the batch is formed, against the attributes of "
                            + "the batch's first FlowFile plus '" + OBJECT_EXTENSION_VARIABLE
                            + "' (.csv.gz or .csv). The key must "
                            + "be unique across the cluster (keep ${hostname()} and ${UUID()}); the default also sorts in the order objects "
                            + "were formed, which the Snowflake change processing uses to break event-time ties. Leading slashes are removed; keys with "
                            + "'..' or '.' segments, empty segments or control characters are refused.")
            .required(true)
            .defaultValue(
                    "customers/${now():format('yyyy/MM/dd/HH', 'GMT')}/customers-${now():format('yyyyMMddHHmmssSSS', 'GMT')}-"
                            + "${hostname()}-${UUID()}${"
                            + OBJECT_EXTENSION_VARIABLE + "}")
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();

    static final PropertyDescriptor REGION = new PropertyDescriptor.Builder()
            .name("Region")
            .description("The AWS region of the bucket, e.g. us-east-1.")
            .required(true)
            .defaultValue("us-east-1")
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(StandardValidators.createRegexMatchingValidator(
                    REGION_CODE, true, "must be an AWS region code such as us-east-1 or eu-central-1"))
            .build();

    static final PropertyDescriptor CREDENTIALS_SOURCE = new PropertyDescriptor.Builder()
            .name("Credentials Source")
            .description(
                    "Where the base AWS credentials come from. With Assume Role ARN set, they are exchanged for the role's.")
            .required(true)
            .allowableValues(CREDENTIALS_DEFAULT_CHAIN, CREDENTIALS_STATIC_KEYS)
            .defaultValue(CREDENTIALS_DEFAULT_CHAIN)
            .build();

    static final PropertyDescriptor ACCESS_KEY_ID = new PropertyDescriptor.Builder()
            .name("Access Key ID")
            .description("The access key id of the static credentials.")
            .required(true)
            .sensitive(true)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(afterExpressionLanguage(StandardValidators.NON_BLANK_VALIDATOR))
            .dependsOn(CREDENTIALS_SOURCE, CREDENTIALS_STATIC_KEYS)
            .build();

    static final PropertyDescriptor SECRET_ACCESS_KEY = new PropertyDescriptor.Builder()
            .name("Secret Access Key")
            .description("The secret access key of the static credentials.")
            .required(true)
            .sensitive(true)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(afterExpressionLanguage(StandardValidators.NON_BLANK_VALIDATOR))
            .dependsOn(CREDENTIALS_SOURCE, CREDENTIALS_STATIC_KEYS)
            .build();

    static final PropertyDescriptor ASSUME_ROLE_ARN = new PropertyDescriptor.Builder()
            .name("Assume Role ARN")
            .description(
                    "A role to assume through STS with the base credentials; its temporary credentials are refreshed "
                            + "before they expire. Leave empty to use the base credentials directly.")
            .required(false)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(afterExpressionLanguage(StandardValidators.NON_BLANK_VALIDATOR))
            .build();

    static final PropertyDescriptor ASSUME_ROLE_EXTERNAL_ID = new PropertyDescriptor.Builder()
            .name("Assume Role External ID")
            .description("The external id the role's trust policy requires, if any.")
            .required(false)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(afterExpressionLanguage(StandardValidators.NON_BLANK_VALIDATOR))
            .dependsOn(ASSUME_ROLE_ARN)
            .build();

    static final PropertyDescriptor ASSUME_ROLE_SESSION_NAME = new PropertyDescriptor.Builder()
            .name("Assume Role Session Name")
            .description("The session name recorded in CloudTrail for the assumed role.")
            .required(true)
            .defaultValue("nifi-snowstream")
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(afterExpressionLanguage(StandardValidators.NON_BLANK_VALIDATOR))
            .dependsOn(ASSUME_ROLE_ARN)
            .build();

    static final PropertyDescriptor ENDPOINT_OVERRIDE = new PropertyDescriptor.Builder()
            .name("Endpoint Override URL")
            .description(
                    "The endpoint of an S3-compatible store (MinIO, LocalStack, ...) or a VPC endpoint; empty for AWS S3.")
            .required(false)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(evaluatedValue(PutS3Batch::endpointProblem))
            .build();

    static final PropertyDescriptor PATH_STYLE_ACCESS = new PropertyDescriptor.Builder()
            .name("Use Path-Style Access")
            .description(
                    "Address buckets as endpoint/bucket/key instead of bucket.endpoint/key; most S3-compatible stores need it.")
            .required(true)
            .allowableValues("true", "false")
            .defaultValue("false")
            .build();

    static final PropertyDescriptor COMMUNICATIONS_TIMEOUT = new PropertyDescriptor.Builder()
            .name("Communications Timeout")
            .description("Connection and socket timeout of each request to S3.")
            .required(true)
            .defaultValue("30 secs")
            .addValidator(StandardValidators.createTimePeriodValidator(1, TimeUnit.SECONDS, 1, TimeUnit.HOURS))
            .build();

    /** An HTTP proxy, with or without credentials; as for PutS3Object, SOCKS is not offered. */
    private static final ProxySpec[] PROXY_SPECS = {ProxySpec.HTTP_AUTH};

    static final PropertyDescriptor PROXY_CONFIGURATION_SERVICE =
            ProxyConfiguration.createProxyConfigPropertyDescriptor(PROXY_SPECS);

    static final PropertyDescriptor SSL_CONTEXT_SERVICE = new PropertyDescriptor.Builder()
            .name("SSL Context Service")
            .description("Whom to trust for https, in place of the JVM's default certificate authorities: for an "
                    + "S3-compatible store or a VPC endpoint behind a private CA; with a key store, also the client "
                    + "certificate to present. Applies to STS too.")
            .required(false)
            .identifiesControllerService(SSLContextProvider.class)
            .build();

    static final PropertyDescriptor MAX_BATCH_RECORDS = new PropertyDescriptor.Builder()
            .name("Max Batch Records")
            .description("The most records in one object, counted from the inputs' record.count attributes (an input "
                    + "without one counts as one record while the batch is formed).")
            .required(true)
            .defaultValue("1000000")
            .addValidator(StandardValidators.POSITIVE_LONG_VALIDATOR)
            .build();

    static final PropertyDescriptor MAX_BATCH_SIZE = new PropertyDescriptor.Builder()
            .name("Max Batch Size")
            .description("The most input bytes in one object, before compression. An input larger than this on its own "
                    + "is stored as an object of its own.")
            .required(true)
            .defaultValue("256 MB")
            .addValidator(StandardValidators.DATA_SIZE_VALIDATOR)
            .build();

    static final PropertyDescriptor MAX_BATCH_FLOWFILES = new PropertyDescriptor.Builder()
            .name("Max Batch FlowFiles")
            .description("The most input FlowFiles in one object; bounds the memory a batch's session holds.")
            .required(true)
            .defaultValue("10000")
            .addValidator(StandardValidators.POSITIVE_INTEGER_VALIDATOR)
            .build();

    static final PropertyDescriptor MAX_BATCH_AGE = new PropertyDescriptor.Builder()
            .name("Max Batch Age")
            .description("The longest any input waits in this processor's queue before its batch's upload starts, even "
                    + "when no further data arrives. A quiet processor yields, so the bound holds within one Yield "
                    + "Duration (1 sec by default); Run Schedule must be well below it (the default 0 sec is right).")
            .required(true)
            .defaultValue("1 min")
            .addValidator(StandardValidators.TIME_PERIOD_VALIDATOR)
            .build();

    static final PropertyDescriptor COMPRESSION = new PropertyDescriptor.Builder()
            .name("Compression")
            .description("How objects are encoded.")
            .required(true)
            .allowableValues(COMPRESSION_GZIP, COMPRESSION_NONE)
            .defaultValue(COMPRESSION_GZIP)
            .build();

    static final PropertyDescriptor MULTIPART_THRESHOLD = new PropertyDescriptor.Builder()
            .name("Multipart Threshold")
            .description(
                    "Objects up to this size are sent in one PutObject request; larger ones as a multipart upload. "
                            + "Each concurrent task holds a buffer of up to the larger of this and Multipart Part Size.")
            .required(true)
            .defaultValue("32 MB")
            .addValidator(StandardValidators.DATA_SIZE_VALIDATOR)
            .build();

    static final PropertyDescriptor MULTIPART_PART_SIZE = new PropertyDescriptor.Builder()
            .name("Multipart Part Size")
            .description(
                    "The size of each part of a multipart upload (at least 5 MB, S3's minimum; at most 10,000 parts per object).")
            .required(true)
            .defaultValue("16 MB")
            .addValidator(StandardValidators.DATA_SIZE_VALIDATOR)
            .build();

    /*
     * Only classes whose objects can be read at once: Snowpipe cannot load from GLACIER or DEEP_ARCHIVE (a restore
     * first), and SNOW, OUTPOSTS, EXPRESS_ONEZONE and FSX_OPENZFS are not S3 buckets a Snowflake stage can name.
     */
    static final AllowableValue STORAGE_STANDARD = new AllowableValue(
            StorageClass.STANDARD.toString(),
            "Standard",
            "Frequently read data, stored across three or more Availability Zones. The right class when Snowpipe loads "
                    + "each object once within minutes.");
    static final AllowableValue STORAGE_INTELLIGENT_TIERING = new AllowableValue(
            StorageClass.INTELLIGENT_TIERING.toString(),
            "Intelligent-Tiering",
            "S3 moves objects not read for 30 days to a cheaper tier, for a monitoring fee per "
                    + "object. Snowpipe can read the automatic tiers; do not enable the optional archive tiers on the bucket.");
    static final AllowableValue STORAGE_STANDARD_IA = new AllowableValue(
            StorageClass.STANDARD_IA.toString(),
            "Standard-Infrequent Access",
            "Cheaper storage, a retrieval fee per GB read and a 30-day minimum: for objects "
                    + "kept long after Snowpipe loaded them once.");
    static final AllowableValue STORAGE_ONEZONE_IA = new AllowableValue(
            StorageClass.ONEZONE_IA.toString(),
            "One Zone-Infrequent Access",
            "As Standard-IA, in a single Availability Zone: cheaper, lost if that zone is.");
    static final AllowableValue STORAGE_GLACIER_IR = new AllowableValue(
            StorageClass.GLACIER_IR.toString(),
            "Glacier Instant Retrieval",
            "Archive pricing with millisecond reads (unlike Glacier Flexible Retrieval and "
                    + "Deep Archive, which Snowpipe cannot read); higher retrieval fees and a 90-day minimum.");

    static final PropertyDescriptor STORAGE_CLASS = new PropertyDescriptor.Builder()
            .name("Storage Class")
            .description("The S3 storage class of the objects; only classes Snowpipe can read at once are offered.")
            .required(true)
            .allowableValues(
                    STORAGE_STANDARD,
                    STORAGE_INTELLIGENT_TIERING,
                    STORAGE_STANDARD_IA,
                    STORAGE_ONEZONE_IA,
                    STORAGE_GLACIER_IR)
            .defaultValue(STORAGE_STANDARD)
            .build();

    static final PropertyDescriptor SERVER_SIDE_ENCRYPTION = new PropertyDescriptor.Builder()
            .name("Server-Side Encryption")
            .description("How S3 encrypts the stored objects.")
            .required(true)
            .allowableValues(SSE_NONE, SSE_S3, SSE_KMS)
            .defaultValue(SSE_NONE)
            .build();

    static final PropertyDescriptor KMS_KEY_ID = new PropertyDescriptor.Builder()
            .name("KMS Key ID")
            .description("The id or ARN of the KMS key; empty for the account's aws/s3 key.")
            .required(false)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(afterExpressionLanguage(StandardValidators.NON_BLANK_VALIDATOR))
            .dependsOn(SERVER_SIDE_ENCRYPTION, SSE_KMS)
            .build();

    static final PropertyDescriptor SOURCE_NAME = new PropertyDescriptor.Builder()
            .name("Source Name")
            .description(
                    "Stored in each object's 'source' user metadata, beside its record count and event-time range.")
            .required(true)
            .defaultValue("${hostname()}")
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(afterExpressionLanguage(StandardValidators.NON_BLANK_VALIDATOR))
            .build();

    static final PropertyDescriptor MAX_ATTEMPTS = new PropertyDescriptor.Builder()
            .name("Max Request Attempts")
            .description(
                    "How often one request (a PutObject, one part, the completion) is tried when S3 answers with a "
                            + "transient error (5xx, throttling, timeout, broken connection) before the batch goes to failure. "
                            + "Stopping the processor breaks off the request in flight and ends the retries: the batch returns to the queue.")
            .required(true)
            .defaultValue("5")
            .addValidator(StandardValidators.POSITIVE_INTEGER_VALIDATOR)
            .build();

    static final PropertyDescriptor INITIAL_RETRY_DELAY = new PropertyDescriptor.Builder()
            .name("Initial Retry Delay")
            .description(
                    "The pause before the first retry; it doubles for each further retry, up to 10 seconds, with jitter.")
            .required(true)
            .defaultValue("200 millis")
            .addValidator(StandardValidators.TIME_PERIOD_VALIDATOR)
            .build();

    static final Relationship REL_SUCCESS = new Relationship.Builder()
            .name("success")
            .description(
                    "One content-free FlowFile per stored object, with its S3 attributes; the inputs it holds are removed.")
            .build();

    static final Relationship REL_FAILURE = new Relationship.Builder()
            .name("failure")
            .description(
                    "Input FlowFiles whose object could not be stored, penalized and with s3.errorCode, s3.errorMessage "
                            + "and (when S3 answered) s3.statusCode; route back to this processor to try again.")
            .build();

    private static final List<PropertyDescriptor> PROPERTIES = List.of(
            BUCKET,
            OBJECT_KEY,
            REGION,
            CREDENTIALS_SOURCE,
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            ASSUME_ROLE_ARN,
            ASSUME_ROLE_EXTERNAL_ID,
            ASSUME_ROLE_SESSION_NAME,
            ENDPOINT_OVERRIDE,
            PATH_STYLE_ACCESS,
            COMMUNICATIONS_TIMEOUT,
            PROXY_CONFIGURATION_SERVICE,
            SSL_CONTEXT_SERVICE,
            MAX_BATCH_RECORDS,
            MAX_BATCH_SIZE,
            MAX_BATCH_FLOWFILES,
            MAX_BATCH_AGE,
            COMPRESSION,
            MULTIPART_THRESHOLD,
            MULTIPART_PART_SIZE,
            STORAGE_CLASS,
            SERVER_SIDE_ENCRYPTION,
            KMS_KEY_ID,
            SOURCE_NAME,
            MAX_ATTEMPTS,
            INITIAL_RETRY_DELAY);

    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_SUCCESS, REL_FAILURE);

    /** Largest buffer one upload may hold: its sizes are counted in ints. */
    private static final long MAX_BUFFER_BYTES = Integer.MAX_VALUE - 8;

    /** The settings that stay fixed while the processor runs, read once when it is scheduled. */
    private record UploadSettings(
            BatchBounds bounds,
            Compression compression,
            int multipartThreshold,
            int partSize,
            String storageClass,
            ServerSideEncryption encryption,
            String kmsKeyId,
            String sourceName,
            RetryPolicy retryPolicy) {}

    private volatile S3Connection connection;
    private volatile UploadSettings settings;

    /** Tasks sending an object right now: a stop must not wait for S3 to answer their requests. */
    private final AtomicInteger uploadsInFlight = new AtomicInteger();
    /** Multipart uploads whose abort failed (a stop closes the client under them): aborted once more on a trigger. */
    private final Queue<S3ObjectUpload.OpenUpload> uploadsLeftOpen = new ConcurrentLinkedQueue<>();

    /** Held by the task that forms the next batch; other concurrent tasks upload ready batches meanwhile. */
    private final Lock formingLock = new ReentrantLock();

    private FormingBatch forming;

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
        final List<ValidationResult> results = new ArrayList<>();
        final double partSize = context.getProperty(MULTIPART_PART_SIZE).asDataSize(DataUnit.B);
        final double threshold = context.getProperty(MULTIPART_THRESHOLD).asDataSize(DataUnit.B);
        final double maxBatchSize = context.getProperty(MAX_BATCH_SIZE).asDataSize(DataUnit.B);
        if (partSize < S3ObjectUpload.MIN_PART_SIZE || partSize > MAX_BUFFER_BYTES) {
            results.add(invalid(MULTIPART_PART_SIZE, "must be between 5 MB (S3's minimum part size) and 2 GB"));
        } else if (maxBatchSize / partSize > S3ObjectUpload.MAX_PARTS) {
            results.add(invalid(
                    MULTIPART_PART_SIZE,
                    "is too small for Max Batch Size: an object may have at most " + S3ObjectUpload.MAX_PARTS
                            + " parts"));
        }
        if (threshold > MAX_BUFFER_BYTES) {
            results.add(invalid(MULTIPART_THRESHOLD, "must be at most 2 GB"));
        }
        ProxyConfiguration.validateProxySpec(context, results, PROXY_SPECS);
        return results;
    }

    private static ValidationResult invalid(final PropertyDescriptor property, final String explanation) {
        return new ValidationResult.Builder()
                .subject(property.getName())
                .valid(false)
                .explanation(property.getName() + " " + explanation)
                .build();
    }

    /** The SDK takes only an absolute http(s) URL with a host; anything else would fail every request. */
    private static String endpointProblem(final String value) {
        try {
            final URI endpoint = new URI(value);
            if (!"http".equalsIgnoreCase(endpoint.getScheme()) && !"https".equalsIgnoreCase(endpoint.getScheme())) {
                return "must be an http or https URL, such as https://minio.example.com:9000";
            }
            return endpoint.getHost() == null ? "must name a host, such as https://minio.example.com:9000" : null;
        } catch (final URISyntaxException e) {
            return "is not a URL: " + e.getMessage();
        }
    }

    @OnScheduled
    public void onScheduled(final ProcessContext context) {
        settings = uploadSettings(context, this::isScheduled);
        connection = S3Connection.open(connectionSettings(context));
    }

    @Override
    public void onTrigger(final ProcessContext context, final ProcessSessionFactory sessionFactory) {
        if (!uploadsLeftOpen.isEmpty()) {
            abortUploadsLeftOpen();
        }
        final ProcessSession session = sessionFactory.createSession();
        final List<FlowFile> batch = takeReadyBatch(session, sessionFactory);
        if (batch.isEmpty()) {
            session.commitAsync();
            // @TriggerWhenEmpty keeps the processor triggered however empty its queue: only a yield stops a busy loop
            context.yield();
            return;
        }
        if (!uploadBatch(context, session, batch)) {
            context.yield();
        }
    }

    /**
     * Adds what arrived since the last trigger to the forming batch. Returns the batch's inputs, moved into the given
     * session, once the batch is full or due; nothing while it still waits (its inputs then wait in the batch's own
     * session, so no trigger reads them again).
     */
    private List<FlowFile> takeReadyBatch(final ProcessSession session, final ProcessSessionFactory sessionFactory) {
        if (!formingLock.tryLock()) {
            return List.of();
        }
        try {
            if (forming == null) {
                forming = new FormingBatch(new BatchPlanner(settings.bounds()));
            }
            final FormingBatch batch = forming;
            final List<FlowFile> arrived = session.get(batch::offer);
            if (!batch.planner.isReady(System.currentTimeMillis())) {
                batch.hold(arrived, session, sessionFactory);
                return List.of();
            }
            forming = null;
            return batch.release(arrived, session);
        } finally {
            formingLock.unlock();
        }
    }

    @OnUnscheduled
    public void onUnscheduled() {
        final S3Connection open = connection;
        if (open != null && uploadsInFlight.get() > 0) {
            // closing the client breaks its open connections, so a request that S3 never answers ends now rather
            // than at the Communications Timeout; the upload then finds the processor stopped and returns its batch
            open.close();
        }
    }

    @OnStopped
    public void onStopped() {
        formingLock.lock();
        try {
            if (forming != null) {
                forming.returnToQueue();
                forming = null;
            }
        } finally {
            formingLock.unlock();
        }
        final S3Connection open = connection;
        connection = null;
        if (open != null) {
            open.close();
        }
    }

    @Override
    public List<ConfigVerificationResult> verify(
            final ProcessContext context, final ComponentLog verificationLogger, final Map<String, String> attributes) {
        final List<ConfigVerificationResult> results = new ArrayList<>();
        final String bucket = context.getProperty(BUCKET)
                .evaluateAttributeExpressions(attributes)
                .getValue();
        try (S3Connection verifying = S3Connection.open(connectionSettings(context))) {
            results.add(step(
                    "Create S3 client",
                    Outcome.SUCCESSFUL,
                    "Client created for region "
                            + context.getProperty(REGION)
                                    .evaluateAttributeExpressions()
                                    .getValue()));
            try {
                verifying
                        .client()
                        .headBucket(HeadBucketRequest.builder().bucket(bucket).build());
                results.add(step(
                        "Access bucket",
                        Outcome.SUCCESSFUL,
                        "Bucket " + bucket + " exists and the credentials can reach it"));
            } catch (final RuntimeException e) {
                final S3UploadException failure = S3UploadException.of("HeadBucket " + bucket, e);
                verificationLogger.error("Cannot access bucket {}", bucket, e);
                results.add(step(
                        "Access bucket",
                        Outcome.FAILED,
                        failure.getMessage()
                                + describeStatus(failure)
                                + (failure.statusCode() == 403 ? headBucketDenied(bucket) : "")));
            }
        } catch (final RuntimeException e) {
            verificationLogger.error("Cannot create S3 client", e);
            results.add(step("Create S3 client", Outcome.FAILED, "Cannot create S3 client: " + e.getMessage()));
        }
        return results;
    }

    /** HeadBucket is authorized by a permission that uploading never needs, so a denial proves little about uploads. */
    private static String headBucketDenied(final String bucket) {
        return ". Verify asks S3 about the bucket with HeadBucket, which needs s3:ListBucket on arn:aws:s3:::" + bucket
                + " (without an s3:prefix condition, since HeadBucket names no prefix). Uploads need only s3:PutObject"
                + " on the object keys, so they may still succeed: grant s3:ListBucket to verify from here, or check"
                + " with a first upload.";
    }

    private static String describeStatus(final S3UploadException failure) {
        return failure.statusCode() == S3UploadException.NO_STATUS
                ? ""
                : " (HTTP " + failure.statusCode() + ", " + failure.errorCode() + ")";
    }

    /**
     * Stores the batch as one object and routes its inputs, or handles its failure by {@link #handlingOf the one rule};
     * commits the session either way. Returns true when an object was stored.
     */
    private boolean uploadBatch(
            final ProcessContext context, final ProcessSession session, final List<FlowFile> batch) {
        final UploadSettings upload = settings;
        final List<FlowFile> members = new ArrayList<>(batch);
        String bucket = null;
        String key = null;
        while (!members.isEmpty()) {
            uploadsInFlight.incrementAndGet();
            try {
                if (bucket == null) {
                    bucket = bucket(context, members.getFirst());
                }
                if (key == null) {
                    key = objectKey(context, members.getFirst(), upload);
                }
                storeObject(session, upload, bucket, key, members);
                session.commitAsync();
                return true;
            } catch (final UnusableInputException | S3UploadException | RuntimeException e) {
                switch (handlingOf(e)) {
                    case INPUT_TO_FAILURE -> {
                        final UnusableInputException unusable = (UnusableInputException) e;
                        getLogger()
                                .error(
                                        "{} cannot be stored: {}; routing it to failure and storing the other {} FlowFiles"
                                                + " of its batch without it",
                                        unusable.input,
                                        e.getMessage(),
                                        members.size() - 1,
                                        e.getCause());
                        routeToFailure(
                                session,
                                List.of(unusable.input),
                                bucket,
                                key,
                                new S3UploadException(
                                        e.getMessage(), S3UploadException.NO_STATUS, unusable.errorCode, e.getCause()));
                        members.remove(unusable.input);
                    }
                    case BATCH_TO_FAILURE -> {
                        getLogger()
                                .error(
                                        "Cannot store {} FlowFiles{}; routing them to failure",
                                        members.size(),
                                        key == null ? "" : " as s3://" + bucket + "/" + key,
                                        e);
                        routeToFailure(session, members, bucket, key, (S3UploadException) e);
                        session.commitAsync();
                        return false;
                    }
                    case RETURN_TO_QUEUE -> {
                        getLogger()
                                .info("Stopped while storing {} FlowFiles; they return to the queue", members.size());
                        session.rollback();
                        return false;
                    }
                    case ROLL_BACK_PENALIZED -> {
                        // a lost input content (MissingFlowFileException) has already been dropped by NiFi, which
                        // rolled the session back: the rest of the batch forms a new one
                        getLogger()
                                .error(
                                        "Storing a batch of {} FlowFiles failed unexpectedly; returning them to the"
                                                + " queue, penalized",
                                        members.size(),
                                        e);
                        session.rollback(true);
                        return false;
                    }
                }
            } finally {
                uploadsInFlight.decrementAndGet();
            }
        }
        session.commitAsync();
        return false;
    }

    /**
     * What becomes of the inputs when storing fails: the one rule, documented in "When storing fails" of the
     * processor's additionalDetails. Transient S3 errors never get here: each request has already been retried up to
     * Max Request Attempts.
     */
    private FailureHandling handlingOf(final Exception failure) {
        if (failure instanceof UnusableInputException) {
            return FailureHandling.INPUT_TO_FAILURE;
        }
        if (!isScheduled()) {
            return FailureHandling.RETURN_TO_QUEUE;
        }
        return failure instanceof S3UploadException
                ? FailureHandling.BATCH_TO_FAILURE
                : FailureHandling.ROLL_BACK_PENALIZED;
    }

    private enum FailureHandling {
        /** One input cannot be part of an object: it alone goes to failure, penalized; the rest are stored at once. */
        INPUT_TO_FAILURE,
        /** The object cannot be stored (bucket or key refused, S3 refused it, or retries exhausted): all to failure, penalized. */
        BATCH_TO_FAILURE,
        /** The processor was stopped: nothing is wrong with the batch, which returns to the queue as it was. */
        RETURN_TO_QUEUE,
        /** Anything unforeseen (an input's content lost, a bug): the batch returns to the queue penalized. */
        ROLL_BACK_PENALIZED
    }

    private static String bucket(final ProcessContext context, final FlowFile first) throws S3UploadException {
        final String bucket =
                context.getProperty(BUCKET).evaluateAttributeExpressions(first).getValue();
        final String problem = bucketProblem(bucket);
        if (problem != null) {
            throw new S3UploadException(problem, S3UploadException.NO_STATUS, "InvalidBucketName", null);
        }
        return bucket;
    }

    private static String objectKey(final ProcessContext context, final FlowFile first, final UploadSettings upload)
            throws S3UploadException {
        try {
            return ObjectKeys.sanitize(context.getProperty(OBJECT_KEY)
                    .evaluateAttributeExpressions(
                            first,
                            Map.of(
                                    OBJECT_EXTENSION_VARIABLE,
                                    upload.compression().extension()))
                    .getValue());
        } catch (final ObjectKeys.InvalidObjectKeyException e) {
            throw new S3UploadException(
                    "Object Key evaluated to a key that is refused: " + e.getMessage(),
                    S3UploadException.NO_STATUS,
                    "InvalidObjectKey",
                    e);
        }
    }

    /** Uploads the members as one object and routes them to it; the upload is aborted when anything fails. */
    private void storeObject(
            final ProcessSession session,
            final UploadSettings upload,
            final String bucket,
            final String key,
            final List<FlowFile> members)
            throws UnusableInputException, S3UploadException {
        final BatchStats stats = batchStats(session, members);
        final ObjectTarget target = new ObjectTarget(
                bucket,
                key,
                upload.compression().contentType(),
                upload.storageClass(),
                upload.encryption(),
                upload.kmsKeyId(),
                metadata(stats, upload.sourceName()));
        final long startNanos = System.nanoTime();
        final S3ObjectUpload objectUpload = new S3ObjectUpload(
                connection.client(), target, upload.retryPolicy(), upload.multipartThreshold(), upload.partSize());
        final S3ObjectUpload.UploadResult stored;
        try {
            final Compression.Encoder body = upload.compression().wrap(objectUpload);
            final BatchObjectWriter writer = new BatchObjectWriter(body);
            for (final FlowFile input : members) {
                append(session, writer, input);
            }
            body.finish();
            stored = objectUpload.complete();
        } catch (final UnusableInputException | S3UploadException | RuntimeException e) {
            abort(objectUpload, target);
            throw e;
        } catch (final IOException e) {
            abort(objectUpload, target);
            throw new S3UploadException(
                    "Cannot finish " + target.transitUri() + ": " + e.getMessage(),
                    S3UploadException.NO_STATUS,
                    "WriteFailed",
                    e);
        }
        final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        transferStored(session, members, target, stored, stats, upload, millis);
    }

    private static void append(final ProcessSession session, final BatchObjectWriter writer, final FlowFile input)
            throws UnusableInputException, S3UploadException {
        try (InputStream content = session.read(input)) {
            writer.append(content);
        } catch (final BatchObjectWriter.InvalidInputException e) {
            throw new UnusableInputException(
                    input, "InvalidInput", "it is not canonical customer CSV: " + e.getMessage(), e);
        } catch (final S3UploadException e) {
            throw e;
        } catch (final IOException e) {
            // the object's body fails only with S3UploadException: anything else came from reading the input
            throw UnusableInputException.unreadable(input, e);
        }
    }

    /** Why one input cannot be part of an object; the rest of its batch is stored without it. */
    private static final class UnusableInputException extends Exception {
        private final transient FlowFile input;
        private final String errorCode;

        UnusableInputException(
                final FlowFile input, final String errorCode, final String message, final Exception cause) {
            super(message, cause);
            this.input = input;
            this.errorCode = errorCode;
        }

        static UnusableInputException unreadable(final FlowFile input, final IOException cause) {
            return new UnusableInputException(
                    input, "ContentNotReadable", "its content cannot be read: " + cause.getMessage(), cause);
        }
    }

    /**
     * The inputs of the batch being formed. Between triggers they wait in a session of their own, as NiFi's BinFiles
     * keeps its bins, so that each trigger looks only at what arrived since the last one; a stop returns them to the
     * queue, and so does a crash, as nothing of theirs was committed.
     */
    private static final class FormingBatch {
        private final BatchPlanner planner;
        private final List<FlowFile> held = new ArrayList<>();
        private ProcessSession holder;

        FormingBatch(final BatchPlanner planner) {
            this.planner = planner;
        }

        FlowFileFilterResult offer(final FlowFile flowFile) {
            return switch (planner.offer(declaredRecordCount(flowFile), flowFile.getSize(), queuedMillis(flowFile))) {
                case TAKE -> FlowFileFilterResult.ACCEPT_AND_CONTINUE;
                case TAKE_AND_CLOSE -> FlowFileFilterResult.ACCEPT_AND_TERMINATE;
                case CLOSE -> FlowFileFilterResult.REJECT_AND_TERMINATE;
            };
        }

        void hold(
                final List<FlowFile> arrived,
                final ProcessSession session,
                final ProcessSessionFactory sessionFactory) {
            if (arrived.isEmpty()) {
                return;
            }
            if (holder == null) {
                holder = sessionFactory.createSession();
            }
            session.migrate(holder, arrived);
            held.addAll(arrived);
        }

        /** All inputs, in queue order, now owned by the given session. */
        List<FlowFile> release(final List<FlowFile> arrived, final ProcessSession session) {
            if (!held.isEmpty()) {
                holder.migrate(session, held);
                holder.commitAsync();
            }
            final List<FlowFile> inputs = new ArrayList<>(held);
            inputs.addAll(arrived);
            return inputs;
        }

        void returnToQueue() {
            if (holder != null) {
                holder.rollback();
            }
        }
    }

    private void transferStored(
            final ProcessSession session,
            final List<FlowFile> batch,
            final ObjectTarget target,
            final S3ObjectUpload.UploadResult stored,
            final BatchStats stats,
            final UploadSettings upload,
            final long millis) {
        final Map<String, String> attributes = new HashMap<>();
        attributes.put("s3.bucket", target.bucket());
        attributes.put("s3.key", target.key());
        attributes.put("s3.url", connection.url(target.bucket(), target.key()));
        attributes.put("s3.etag", stored.eTag());
        putIfPresent(attributes, "s3.version", stored.versionId());
        putIfPresent(attributes, "s3.uploadId", stored.uploadId());
        attributes.put("s3.storeClass", upload.storageClass());
        putIfPresent(attributes, "s3.sseAlgorithm", upload.encryption().headerValue());
        attributes.put("s3.object.size", Long.toString(stored.bytes()));
        attributes.put("s3.upload.duration.millis", Long.toString(millis));
        attributes.put("record.count", Long.toString(stats.records()));
        attributes.put("batch.flowfile.count", Integer.toString(batch.size()));
        if (stats.hasEventTimes()) {
            attributes.put("event.time.min", stats.minEventTime());
            attributes.put("event.time.max", stats.maxEventTime());
        }
        attributes.put(
                CoreAttributes.FILENAME.key(),
                target.key().substring(target.key().lastIndexOf('/') + 1));

        // created from its inputs, so the framework records the JOIN of the batch into the object
        FlowFile object = session.create(batch);
        object = session.putAllAttributes(object, attributes);
        session.getProvenanceReporter().send(object, target.transitUri(), millis);
        session.transfer(object, REL_SUCCESS);
        session.remove(batch);
        session.adjustCounter("Objects stored", 1, false);
        session.adjustCounter("Records stored", stats.records(), false);
        session.adjustCounter("Bytes stored", stored.bytes(), false);
        session.adjustCounter("S3 requests", stored.requests(), false);
        getLogger()
                .info(
                        "Stored {} ({} records from {} FlowFiles, {} bytes, {} requests) in {} ms",
                        target.transitUri(),
                        stats.records(),
                        batch.size(),
                        stored.bytes(),
                        stored.requests(),
                        millis);
    }

    private void routeToFailure(
            final ProcessSession session,
            final List<FlowFile> inputs,
            final String bucket,
            final String key,
            final S3UploadException failure) {
        final Map<String, String> attributes = new HashMap<>();
        putIfPresent(attributes, "s3.bucket", bucket);
        putIfPresent(attributes, "s3.key", key);
        if (failure.statusCode() != S3UploadException.NO_STATUS) {
            attributes.put("s3.statusCode", Integer.toString(failure.statusCode()));
        }
        putIfPresent(attributes, "s3.errorCode", failure.errorCode());
        putIfPresent(attributes, "s3.errorMessage", failure.getMessage());
        for (final FlowFile input : inputs) {
            final FlowFile penalized = session.penalize(session.putAllAttributes(input, attributes));
            session.transfer(penalized, REL_FAILURE);
        }
    }

    private void abort(final S3ObjectUpload upload, final ObjectTarget target) {
        if (!upload.abort()) {
            uploadsLeftOpen.add(upload.openUpload());
            getLogger()
                    .info(
                            "Could not abort multipart upload {} of {} now; trying once more when the processor next runs",
                            upload.uploadId(),
                            target.transitUri());
        }
    }

    /** One more abort of each upload left open; one that fails again is left to the bucket's lifecycle rule. */
    private void abortUploadsLeftOpen() {
        uploadsInFlight.incrementAndGet();
        try {
            S3ObjectUpload.OpenUpload open;
            while (isScheduled() && (open = uploadsLeftOpen.poll()) != null) {
                if (S3ObjectUpload.abort(connection.client(), open)) {
                    getLogger()
                            .info(
                                    "Aborted multipart upload {} of {}, left open by an earlier failure or stop",
                                    open.uploadId(),
                                    open.target().transitUri());
                } else {
                    getLogger()
                            .warn(
                                    "Could not abort multipart upload {} of {}: its parts remain until a bucket"
                                            + " lifecycle rule (AbortIncompleteMultipartUpload) removes them",
                                    open.uploadId(),
                                    open.target().transitUri());
                }
            }
        } finally {
            uploadsInFlight.decrementAndGet();
        }
    }

    /** Why the evaluated Bucket cannot name a bucket, or null when S3 may be asked. */
    private static String bucketProblem(final String bucket) {
        if (bucket == null || bucket.isBlank()) {
            return "Bucket evaluated to an empty name";
        }
        if (!BUCKET_NAME.matcher(bucket).matches()) {
            return "Bucket '"
                    + bucket.codePoints()
                            .mapToObj(c -> Character.isISOControl(c) ? "\\u%04X".formatted(c) : Character.toString(c))
                            .collect(Collectors.joining())
                    + "' is not a valid bucket name";
        }
        return null;
    }

    private static void putIfPresent(final Map<String, String> attributes, final String name, final String value) {
        if (value != null) {
            attributes.put(name, value);
        }
    }

    private static BatchStats batchStats(final ProcessSession session, final List<FlowFile> batch)
            throws UnusableInputException {
        final BatchStats stats = new BatchStats();
        for (final FlowFile input : batch) {
            final long records = parseCount(input.getAttribute("record.count"));
            final long min = parseEventTime(input.getAttribute("event.time.min"));
            final long max = parseEventTime(input.getAttribute("event.time.max"));
            if (records >= 0 && (records == 0 || (min != EventTime.INVALID && max != EventTime.INVALID))) {
                stats.add(records, min, max);
                continue;
            }
            try (InputStream content = session.read(input)) {
                final CsvStatsScanner scanned = CsvStatsScanner.scan(content);
                stats.add(scanned.records(), scanned.minEventTime(), scanned.maxEventTime());
            } catch (final IOException e) {
                throw UnusableInputException.unreadable(input, e);
            }
        }
        return stats;
    }

    private static Map<String, String> metadata(final BatchStats stats, final String sourceName) {
        final Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("record-count", Long.toString(stats.records()));
        if (stats.hasEventTimes()) {
            metadata.put("first-event-time", stats.minEventTime());
            metadata.put("last-event-time", stats.maxEventTime());
        }
        metadata.put("source", sourceName);
        return metadata;
    }

    private static long declaredRecordCount(final FlowFile flowFile) {
        return Math.max(1, parseCount(flowFile.getAttribute("record.count")));
    }

    /** When the FlowFile entered this processor's queue (never before it entered the flow): the age bound's clock. */
    private static long queuedMillis(final FlowFile flowFile) {
        final Long queued = flowFile.getLastQueueDate();
        return queued == null ? flowFile.getEntryDate() : Math.max(queued, flowFile.getEntryDate());
    }

    private static long parseCount(final String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (final NumberFormatException e) {
            return -1;
        }
    }

    private static long parseEventTime(final String value) {
        return value == null ? EventTime.INVALID : EventTime.parseCanonical(value);
    }

    private static UploadSettings uploadSettings(final ProcessContext context, final BooleanSupplier keepRetrying) {
        final BatchBounds bounds = new BatchBounds(
                context.getProperty(MAX_BATCH_RECORDS).asLong(),
                context.getProperty(MAX_BATCH_SIZE).asDataSize(DataUnit.B).longValue(),
                context.getProperty(MAX_BATCH_FLOWFILES).asInteger(),
                Duration.ofMillis(context.getProperty(MAX_BATCH_AGE).asTimePeriod(TimeUnit.MILLISECONDS)));
        final RetryPolicy retryPolicy = new RetryPolicy(
                context.getProperty(MAX_ATTEMPTS).asInteger(),
                Duration.ofMillis(context.getProperty(INITIAL_RETRY_DELAY).asTimePeriod(TimeUnit.MILLISECONDS)),
                keepRetrying);
        final ServerSideEncryption encryption = ServerSideEncryption.valueOf(
                context.getProperty(SERVER_SIDE_ENCRYPTION).getValue());
        final String kmsKeyId = encryption == ServerSideEncryption.SSE_KMS
                ? context.getProperty(KMS_KEY_ID).evaluateAttributeExpressions().getValue()
                : null;
        return new UploadSettings(
                bounds,
                Compression.valueOf(context.getProperty(COMPRESSION).getValue()),
                context.getProperty(MULTIPART_THRESHOLD).asDataSize(DataUnit.B).intValue(),
                context.getProperty(MULTIPART_PART_SIZE).asDataSize(DataUnit.B).intValue(),
                context.getProperty(STORAGE_CLASS).getValue(),
                encryption,
                kmsKeyId,
                context.getProperty(SOURCE_NAME).evaluateAttributeExpressions().getValue(),
                retryPolicy);
    }

    private static S3ConnectionSettings connectionSettings(final ProcessContext context) {
        final boolean staticKeys = CREDENTIALS_STATIC_KEYS
                .getValue()
                .equals(context.getProperty(CREDENTIALS_SOURCE).getValue());
        final String roleArn = context.getProperty(ASSUME_ROLE_ARN)
                .evaluateAttributeExpressions()
                .getValue();
        final CredentialsSettings credentials = new CredentialsSettings(
                staticKeys ? CredentialsSettings.Source.STATIC_KEYS : CredentialsSettings.Source.DEFAULT_CHAIN,
                staticKeys
                        ? context.getProperty(ACCESS_KEY_ID)
                                .evaluateAttributeExpressions()
                                .getValue()
                        : null,
                staticKeys
                        ? context.getProperty(SECRET_ACCESS_KEY)
                                .evaluateAttributeExpressions()
                                .getValue()
                        : null,
                roleArn,
                roleArn == null
                        ? null
                        : context.getProperty(ASSUME_ROLE_EXTERNAL_ID)
                                .evaluateAttributeExpressions()
                                .getValue(),
                roleArn == null
                        ? null
                        : context.getProperty(ASSUME_ROLE_SESSION_NAME)
                                .evaluateAttributeExpressions()
                                .getValue());
        final String endpoint = context.getProperty(ENDPOINT_OVERRIDE)
                .evaluateAttributeExpressions()
                .getValue();
        return new S3ConnectionSettings(
                context.getProperty(REGION).evaluateAttributeExpressions().getValue(),
                endpoint == null ? null : URI.create(endpoint),
                context.getProperty(PATH_STYLE_ACCESS).asBoolean(),
                Duration.ofMillis(context.getProperty(COMMUNICATIONS_TIMEOUT).asTimePeriod(TimeUnit.MILLISECONDS)),
                credentials,
                httpProxy(context),
                tlsTrust(context));
    }

    private static HttpProxy httpProxy(final ProcessContext context) {
        final ProxyConfiguration proxy = ProxyConfiguration.getConfiguration(context);
        if (proxy.getProxyType() != Proxy.Type.HTTP) {
            return null;
        }
        return new HttpProxy(
                proxy.getProxyServerHost(),
                proxy.getProxyServerPort(),
                proxy.hasCredential() ? proxy.getProxyUserName() : null,
                proxy.hasCredential() ? proxy.getProxyUserPassword() : null);
    }

    private static TlsTrust tlsTrust(final ProcessContext context) {
        final SSLContextProvider provider =
                context.getProperty(SSL_CONTEXT_SERVICE).asControllerService(SSLContextProvider.class);
        return provider == null
                ? null
                : new TlsTrust(
                        provider.createTrustManager(),
                        provider.createKeyManager().orElse(null));
    }
}
