package io.snowstream.nifi.flows.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.nifi.flows.definition.CustomerStreamFlow;
import io.snowstream.nifi.s3.S3MockServer;
import io.snowstream.nifi.snowflake.stub.SnowflakeStub;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.nifi.util.MockFlowFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The committed flow file run end to end in this JVM (InProcessFlow) against S3Mock and the Snowflake stub: every
 * generated record ends in exactly one place, every object is announced to Snowpipe once, the counts add up, and
 * failures end at the output ports an operator watches.
 */
class EndToEndFlowTest {

    @RegisterExtension
    static final S3MockServer S3 = new S3MockServer();

    private static final Path FLOW = Path.of(System.getProperty("snowstream.repository.root", ".."))
            .resolve("flows")
            .resolve(CustomerStreamFlow.BUCKET)
            .resolve(CustomerStreamFlow.FLOW_NAME + ".json");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** Small objects that close by records or by a short age, so that a few seconds make many of them. */
    private static final Map<String, String> SMALL_BATCHES = Map.of(
            "generator.records.per.flowfile", "500",
            "generator.invalid.percentage", "2",
            "s3.batch.max.records", "2000",
            "s3.batch.max.age", "200 millis");

    @Test
    void everyRecordEndsInExactlyOnePlaceAndEveryObjectIsAnnouncedOnce() throws IOException {
        S3.createBucket("end-to-end");
        try (EndToEndRun run = new EndToEndRun(FLOW, S3.endpoint(), "end-to-end", SMALL_BATCHES)) {
            for (int i = 0; i < 40; i++) {
                run.generate();
                run.flow().runPass();
            }
            run.drain(TIMEOUT);

            final long valid = run.generatedRecords() - run.generatedInvalidRecords();
            assertThat(run.generatedRecords()).isEqualTo(40 * 500);
            assertThat(run.generatedInvalidRecords()).isPositive();

            // loaded objects: what the flow reported is what S3 holds, under the stage's prefix, and nothing else is
            // there
            final List<EndToEndRun.StoredObject> objects = run.objects();
            assertThat(objects.size()).as("objects").isGreaterThan(5);
            assertThat(objects).allSatisfy(object -> {
                assertThat(object.key()).startsWith("customers/").endsWith(".csv.gz");
                assertThat(run.recordCountOf(object.key())).as(object.key()).isEqualTo(object.records());
            });
            assertThat(objects.stream()
                            .mapToLong(EndToEndRun.StoredObject::records)
                            .sum())
                    .isEqualTo(valid);
            assertThat(keysUnder("end-to-end", "customers/")).containsExactlyInAnyOrderElementsOf(keys(objects));

            // quarantine: exactly the deliberately invalid records, under their own prefix
            final List<EndToEndRun.StoredObject> quarantined = run.quarantined();
            assertThat(quarantined).allSatisfy(object -> {
                assertThat(object.key()).startsWith("quarantine/");
                assertThat(run.recordCountOf(object.key())).as(object.key()).isEqualTo(object.records());
            });
            assertThat(quarantined.stream()
                            .mapToLong(EndToEndRun.StoredObject::records)
                            .sum())
                    .isEqualTo(run.generatedInvalidRecords());
            assertThat(keysUnder("end-to-end", "quarantine/")).containsExactlyInAnyOrderElementsOf(keys(quarantined));

            // one announcement per object, every load confirmed with all of its rows
            final Map<String, Long> announcements = announcedPaths(run.snowflake());
            assertThat(announcements).hasSize(objects.size());
            assertThat(announcements.values()).containsOnly(1L);
            assertThat(announcements.keySet())
                    .containsExactlyInAnyOrderElementsOf(objects.stream()
                            .map(object -> object.key().substring("customers/".length()))
                            .toList());
            assertThat(run.loadedRows()).containsOnlyKeys(keys(objects));
            assertThat(run.loadedRows().values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .isEqualTo(valid);

            for (final String port : List.of(
                    CustomerStreamFlow.FAILED_S3_UPLOADS,
                    CustomerStreamFlow.UNREADABLE_INPUT,
                    CustomerStreamFlow.FAILED_SNOWFLAKE_LOADS)) {
                assertThat(run.flow().atPort(port)).as(port).isEmpty();
            }
        }
    }

    @Test
    void batchesThatCannotBeStoredReachTheOperatorsPortAfterNiFisRetriesWithEveryRecord() throws IOException {
        try (EndToEndRun run = new EndToEndRun(FLOW, S3.endpoint(), "no-such-bucket", SMALL_BATCHES)) {
            for (int i = 0; i < 4; i++) {
                run.generate();
            }
            run.drain(TIMEOUT);

            final List<MockFlowFile> failed = run.flow().atPort(CustomerStreamFlow.FAILED_S3_UPLOADS);
            assertThat(failed).isNotEmpty().allSatisfy(flowFile -> {
                flowFile.assertAttributeEquals("s3.errorCode", "NoSuchBucket");
                flowFile.assertAttributeEquals(InProcessFlow.RETRY_ATTEMPT_ATTRIBUTE, "3");
            });
            assertThat(failed.stream()
                            .mapToLong(flowFile -> Long.parseLong(flowFile.getAttribute("record.count")))
                            .sum())
                    .as("records at the port: the valid and the invalid ones, none lost")
                    .isEqualTo(run.generatedRecords());
            assertThat(run.objects()).isEmpty();
            assertThat(run.snowflake().restRequests()).isEmpty();
        }
    }

    @Test
    void filesSnowflakeRefusesReachTheOperatorsPort() throws IOException {
        S3.createBucket("refused");
        try (EndToEndRun run = new EndToEndRun(FLOW, S3.endpoint(), "refused", SMALL_BATCHES)) {
            run.snowflake().answerInsertFiles(404, "091079", "Specified pipe does not exist or not authorized");
            run.generate();
            run.drain(TIMEOUT);

            final List<MockFlowFile> failed = run.flow().atPort(CustomerStreamFlow.FAILED_SNOWFLAKE_LOADS);
            assertThat(failed).hasSize(run.objects().size()).isNotEmpty();
            assertThat(failed)
                    .allSatisfy(flowFile -> assertThat(flowFile.getAttribute("snowpipe.error.message"))
                            .contains("not authorized"));
            assertThat(run.loadedRows()).isEmpty();
        }
    }

    private static List<String> keys(final List<EndToEndRun.StoredObject> objects) {
        return objects.stream().map(EndToEndRun.StoredObject::key).toList();
    }

    private static List<String> keysUnder(final String bucket, final String prefix) {
        return S3.objects(bucket).stream()
                .map(S3Object::key)
                .filter(key -> key.startsWith(prefix))
                .toList();
    }

    /** How often each file path was named in an insertFiles request. */
    private static Map<String, Long> announcedPaths(final SnowflakeStub snowflake) {
        return snowflake.restRequests().stream()
                .filter(request -> request.path().endsWith("/insertFiles"))
                .flatMap(request ->
                        StreamSupport.stream(request.body().path("files").spliterator(), false))
                .collect(Collectors.groupingBy(file -> file.path("path").asText(), Collectors.counting()));
    }
}
