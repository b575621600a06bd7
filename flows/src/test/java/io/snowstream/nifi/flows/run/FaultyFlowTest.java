package io.snowstream.nifi.flows.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.nifi.flows.definition.CustomerStreamFlow;
import io.snowstream.nifi.s3.S3MockServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The flow under faults at a test's size (the million-record run is {@code ./benchmarks.sh faults}): 30 % of all
 * S3 requests fail or crawl, Snowflake answers 503 storms, refuses tokens and fails loads, and still no record is
 * lost, no object holds a record another holds, no multipart upload stays open, every failed FlowFile says why, and
 * no trigger held its thread beyond the configured timeouts.
 */
class FaultyFlowTest {

    @RegisterExtension
    static final S3MockServer S3 = new S3MockServer();

    private static final Path FLOW = Path.of(System.getProperty("snowstream.repository.root", ".."))
            .resolve("flows")
            .resolve(CustomerStreamFlow.BUCKET)
            .resolve(CustomerStreamFlow.FLOW_NAME + ".json");

    @Test
    void underFaultsNoRecordIsLostOrDuplicatedAndEveryFailureSaysWhy() throws IOException {
        S3.createBucket("faults");
        final FaultyFlowRun.Report report = FaultyFlowRun.run(
                FLOW,
                S3.endpoint(),
                "faults",
                new FaultyFlowRun.Settings(60_000, 1_000, 4_000, 0.3, 8),
                Duration.ofMinutes(3));
        System.out.print(report.describe());

        assertThat(report.generated()).isGreaterThanOrEqualTo(60_000);
        assertThat(report.lost()).as("records lost").isZero();
        assertThat(report.atUnreadable()).isZero();
        assertThat(report.objectsInBucket())
                .as("objects in the bucket: each one the flow reported, no orphan")
                .isEqualTo(report.objects());
        assertThat(report.objectsSharingRecords())
                .as("objects holding a record another object holds")
                .isZero();
        assertThat(report.openMultipartUploads())
                .as("multipart uploads left open")
                .isZero();
        assertThat(report.failedFlowFilesWithoutReason()).isZero();
        // faults of every kind were met, and some files did fail visibly
        assertThat(report.faults().values())
                .allSatisfy(count -> assertThat(count).isPositive());
        assertThat(report.atFailedLoads()).isPositive();
        assertThat(report.longestTriggers().values())
                .allSatisfy(longest -> assertThat(longest).isLessThan(report.triggerBound()));
    }
}
