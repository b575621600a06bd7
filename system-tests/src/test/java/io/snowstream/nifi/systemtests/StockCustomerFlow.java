package io.snowstream.nifi.systemtests;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bundle's job done with Apache NiFi's own processors, built over REST into a fresh process group, for the
 * benchmark's peer flow:
 *
 * <pre>
 * GenerateRecord (CSV, customer schema) ─┐
 *                                        ├─► ValidateRecord ─valid─► MergeRecord ─merged─► PutS3Object
 * GetFile (pre-generated customer CSV) ──┘        └─invalid/failure─► (dead end)  └─failure─► (dead end)
 * </pre>
 *
 * <p>One CSVReader (the customer schema as Schema Text, RFC 4180, header line, the canonical event time format)
 * and one CSVRecordSetWriter (schema inherited, RFC 4180, header line) serve every record processor, as the NiFi
 * documentation sets them up. ValidateRecord checks each record against the same schema (types, required fields,
 * no extra fields: Strict Type Checking true, Allow Extra Fields false, Force Types From Reader Schema true).
 * MergeRecord bins with the batch bounds PutS3Batch gets in the benchmark (minimum = maximum records, max bin age).
 * PutS3Object uploads each merged FlowFile as one uncompressed CSV object through an
 * AWSCredentialsProviderControllerService with static keys, path-style, to the endpoint override (S3Mock). Every
 * other setting is NiFi's default.
 */
final class StockCustomerFlow {

    static final String GROUP_NAME = "Stock NiFi: customer CSV to S3";

    /** The customer columns in the canonical order, as an Avro schema: ids and event times typed, op an enum. */
    static final String CUSTOMER_SCHEMA = """
            {"type": "record", "name": "customer", "namespace": "io.snowstream", "fields": [
              {"name": "customer_id", "type": "long"},
              {"name": "first_name", "type": ["null", "string"]},
              {"name": "last_name", "type": ["null", "string"]},
              {"name": "email", "type": ["null", "string"]},
              {"name": "street", "type": ["null", "string"]},
              {"name": "city", "type": ["null", "string"]},
              {"name": "state", "type": ["null", "string"]},
              {"name": "country", "type": ["null", "string"]},
              {"name": "updated_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "op", "type": {"type": "enum", "name": "customer_op", "symbols": ["U", "D"]}}
            ]}""";

    /**
     * What GenerateRecord generates from: the customer schema with updated_at as an int. NiFi 2.8.0's GenerateRecord
     * fails on every timestamp field ("ClassCastException: class java.time.Instant cannot be cast to class
     * java.util.Date" at GenerateRecord.java:412, and then retries at the run schedule, logging each failure), so it
     * writes a random int there instead: epoch milliseconds within a few weeks of 1970, which the CSVReader accepts for
     * the timestamp column (a number that does not match the Timestamp Format is read as epoch milliseconds) and
     * ValidateRecord's writer turns into the canonical format.
     */
    static final String GENERATOR_SCHEMA =
            CUSTOMER_SCHEMA.replace("{\"type\": \"long\", \"logicalType\": \"timestamp-millis\"}", "\"int\"");

    /** The canonical updated_at, e.g. 2026-11-23T10:15:30.123Z (java.time pattern, as NiFi 2 reads it). */
    static final String TIMESTAMP_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSX";

    static final String GENERATE_RECORD = "org.apache.nifi.processors.standard.GenerateRecord";
    static final String GET_FILE = "org.apache.nifi.processors.standard.GetFile";
    static final String VALIDATE_RECORD = "org.apache.nifi.processors.standard.ValidateRecord";
    static final String MERGE_RECORD = "org.apache.nifi.processors.standard.MergeRecord";
    static final String PUT_S3_OBJECT = "org.apache.nifi.processors.aws.s3.PutS3Object";
    static final String CSV_READER = "org.apache.nifi.csv.CSVReader";
    static final String CSV_WRITER = "org.apache.nifi.csv.CSVRecordSetWriter";
    static final String AWS_CREDENTIALS =
            "org.apache.nifi.processors.aws.credentials.provider.service.AWSCredentialsProviderControllerService";

    /** Where the flow stores its objects and how it batches them. */
    record Target(
            String endpoint, String region, String bucket, String prefix, String accessKeyId, String secretAccessKey) {}

    /**
     * GetFile's settings on both sides of the benchmark: it deletes what it read, and lists the directory on every
     * trigger rather than every 30 sec (its default: a directory filled right after a listing would wait up to 30 sec),
     * yielding when the directory is empty (left at the default, it would spin between listings at a 0 sec run
     * schedule).
     */
    static Map<String, String> getFileProperties(final Path inputDirectory) {
        return Map.of(
                "Input Directory", inputDirectory.toString(), "Keep Source File", "false", "Polling Interval", "0 sec");
    }

    /** Batch bounds, the same as PutS3Batch's in the benchmark. */
    record Batch(long records, String maxAge) {}

    final String groupId;
    final String generate;
    final String getFile;
    final String validate;
    final String merge;
    final String put;

    private StockCustomerFlow(
            final String groupId,
            final String generate,
            final String getFile,
            final String validate,
            final String merge,
            final String put) {
        this.groupId = groupId;
        this.generate = generate;
        this.getFile = getFile;
        this.validate = validate;
        this.merge = merge;
        this.put = put;
    }

    /**
     * Builds the group inside {@code parentGroupId}, enables its services and waits until every processor is valid;
     * everything is left stopped.
     */
    static StockCustomerFlow build(
            final NiFiClient nifi,
            final String parentGroupId,
            final Target target,
            final Batch batch,
            final int recordsPerFlowFile,
            final Path inputDirectory) {
        if (GENERATOR_SCHEMA.equals(CUSTOMER_SCHEMA)) {
            throw new IllegalStateException("the generator's schema still types updated_at as a timestamp");
        }
        final ProcessGroupBuilder group = ProcessGroupBuilder.newGroup(nifi, parentGroupId, GROUP_NAME);

        final String reader = group.controllerService(
                "Customer CSV reader",
                CSV_READER,
                Map.of(
                        "Schema Access Strategy", "schema-text-property",
                        "Schema Text", CUSTOMER_SCHEMA,
                        "CSV Format", "rfc-4180",
                        "Treat First Line as Header", "true",
                        "Timestamp Format", TIMESTAMP_FORMAT));
        final String writer = group.controllerService(
                "Customer CSV writer",
                CSV_WRITER,
                Map.of(
                        "CSV Format", "rfc-4180",
                        "Include Header Line", "true",
                        "Timestamp Format", TIMESTAMP_FORMAT));
        final String credentials = group.controllerService(
                "S3 credentials",
                AWS_CREDENTIALS,
                Map.of(
                        "Access Key ID", target.accessKeyId(),
                        "Secret Access Key", target.secretAccessKey()));
        group.enable(reader, writer, credentials);

        final ProcessGroupBuilder.Endpoint generate = group.processor(
                "Generate customer records",
                GENERATE_RECORD,
                Map.of(
                        "Record Writer", writer,
                        "Number of Records", String.valueOf(recordsPerFlowFile),
                        "Schema Text", GENERATOR_SCHEMA),
                "0 sec",
                Set.of());
        final ProcessGroupBuilder.Endpoint getFile = group.processor(
                "Get customer CSV files", GET_FILE, getFileProperties(inputDirectory), "0 sec", Set.of());
        final ProcessGroupBuilder.Endpoint validate = group.processor(
                "Validate customer records",
                VALIDATE_RECORD,
                Map.of(
                        "Record Reader", reader,
                        "Record Writer", writer,
                        "Schema Access Strategy", "schema-text-property",
                        "Schema Text", CUSTOMER_SCHEMA,
                        "Allow Extra Fields", "false",
                        "Strict Type Checking", "true",
                        // else the reader hands over strings, and a timestamp column is checked against the default
                        // "yyyy-MM-dd HH:mm:ss" rather than the reader's Timestamp Format: every record would be
                        // invalid
                        "Force Types From Reader Schema", "true",
                        "Validation Details Attribute Name", "validation.details"),
                "0 sec",
                Set.of());
        final ProcessGroupBuilder.Endpoint merge = group.processor(
                "Merge customer records",
                MERGE_RECORD,
                Map.of(
                        "Record Reader",
                        reader,
                        "Record Writer",
                        writer,
                        "Merge Strategy",
                        "Bin-Packing Algorithm",
                        "Minimum Number of Records",
                        String.valueOf(batch.records()),
                        "Maximum Number of Records",
                        String.valueOf(batch.records()),
                        "Max Bin Age",
                        batch.maxAge()),
                "0 sec",
                Set.of("original"));
        final ProcessGroupBuilder.Endpoint put = group.processor(
                "Put customer batches to S3",
                PUT_S3_OBJECT,
                Map.of(
                        "Bucket",
                        target.bucket(),
                        "Object Key",
                        target.prefix() + "${uuid}.csv",
                        "Region",
                        target.region(),
                        "AWS Credentials Provider Service",
                        credentials,
                        "Endpoint Override URL",
                        target.endpoint(),
                        "Use Path Style Access",
                        "true"),
                "0 sec",
                Set.of("success"));
        final ProcessGroupBuilder.Endpoint rejected = group.deadEnd();
        final ProcessGroupBuilder.Endpoint failed = group.deadEnd();

        // as the shipped flow's generator connection: 100 FlowFiles / 100 MB of back pressure
        group.connect(generate, List.of("success"), validate, 100, "100 MB");
        group.connect(getFile, List.of("success"), validate);
        group.connect(validate, List.of("valid"), merge);
        group.connect(validate, List.of("invalid", "failure"), rejected);
        group.connect(merge, List.of("merged"), put);
        group.connect(merge, List.of("failure"), failed);
        group.connect(put, List.of("failure"), failed);
        group.awaitValid(group.processorIds());
        return new StockCustomerFlow(group.groupId(), generate.id(), getFile.id(), validate.id(), merge.id(), put.id());
    }
}
