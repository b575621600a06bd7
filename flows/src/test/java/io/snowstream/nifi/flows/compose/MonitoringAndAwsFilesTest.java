package io.snowstream.nifi.flows.compose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.snowstream.nifi.flows.definition.CustomerStreamFlow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard kept in the repository and the AWS policy files say what the README promises. */
class MonitoringAndAwsFilesTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void dashboardShowsThroughputQueuesLatencyAndTriggerFailuresFromNiFisOwnMetrics() throws IOException {
        final JsonNode dashboard =
                json.readTree(Repository.read("deploy/monitoring/grafana/dashboards/nifi-snowstream.json"));
        final List<String> titles = new ArrayList<>();
        final List<String> expressions = new ArrayList<>();
        for (final JsonNode panel : dashboard.get("panels")) {
            titles.add(panel.get("title").asText());
            assertThat(panel.at("/datasource/uid").asText())
                    .as(panel.get("title").asText())
                    .isEqualTo("prometheus");
            panel.get("targets")
                    .forEach(target -> expressions.add(target.get("expr").asText()));
        }
        assertThat(titles)
                .contains(
                        "Records per second, per processor",
                        "Queue depth, per connection",
                        "Batch latency at the S3 writers",
                        "Snowpipe trigger failures");
        assertThat(expressions).allSatisfy(expression -> assertThat(expression).contains("nifi_"));
        assertThat(expressions)
                .anySatisfy(expression -> assertThat(expression).contains("nifi_processor_counters"))
                .anySatisfy(expression -> assertThat(expression).contains("nifi_amount_items_queued"))
                .anySatisfy(expression -> assertThat(expression).contains("nifi_average_lineage_duration"));
        assertThat(dashboard.get("uid").asText()).isEqualTo("nifi-snowstream");
    }

    @Test
    void grafanaProvisionsThatDashboardAndThePrometheusDataSource() {
        assertThat(Repository.read("deploy/monitoring/grafana/provisioning/dashboards/nifi-snowstream.yml"))
                .contains("path: /var/lib/grafana/dashboards");
        assertThat(Repository.read("deploy/monitoring/grafana/provisioning/datasources/prometheus.yml"))
                .contains("uid: prometheus")
                .contains("url: http://prometheus:9090");
    }

    @Test
    void nifiMayOnlyWriteObjectsUnderTheFlowsPrefixesAndCheckTheBucketAsVerifyDoes() throws IOException {
        final JsonNode policy = json.readTree(Repository.read("deploy/aws/iam-policy-nifi-s3.json"));
        assertThat(policy.get("Version").asText()).isEqualTo("2012-10-17");
        final List<String> bucketActions = new ArrayList<>();
        for (final JsonNode statement : policy.get("Statement")) {
            assertThat(statement.get("Effect").asText()).isEqualTo("Allow");
            final List<String> actions = new ArrayList<>();
            (statement.get("Action").isArray()
                            ? statement.get("Action")
                            : json.createArrayNode().add(statement.get("Action")))
                    .forEach(action -> actions.add(action.asText()));
            final List<String> resources = new ArrayList<>();
            (statement.get("Resource").isArray()
                            ? statement.get("Resource")
                            : json.createArrayNode().add(statement.get("Resource")))
                    .forEach(resource -> resources.add(resource.asText()));
            if (actions.contains("s3:PutObject")) {
                assertThat(actions)
                        .containsExactlyInAnyOrder(
                                "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts");
                assertThat(resources)
                        .as("an object prefix of one bucket, never the whole bucket or account")
                        .allMatch(resource -> resource.matches("arn:aws:s3:::[A-Za-z0-9.-]+/[A-Za-z0-9_.-]+/\\*"));
            } else {
                bucketActions.addAll(actions);
                assertThat(resources)
                        .as("the bucket itself, no object")
                        .allMatch(resource -> resource.matches("arn:aws:s3:::[A-Za-z0-9.-]+"));
            }
        }
        // PutS3Batch's Verify calls HeadBucket, which S3 authorizes as s3:ListBucket on the bucket
        assertThat(bucketActions).containsExactly("s3:ListBucket");
        assertThat(Repository.read("deploy/aws/README.md")).contains("s3:ListBucket", "HeadBucket");
    }

    @Test
    void anSseKmsBucketAlsoNeedsTheKeysDataKeyActions() throws IOException {
        final JsonNode policy = json.readTree(Repository.read("deploy/aws/iam-policy-nifi-sse-kms.json"));
        final List<String> actions = new ArrayList<>();
        policy.at("/Statement/0/Action").forEach(action -> actions.add(action.asText()));
        assertThat(actions).containsExactlyInAnyOrder("kms:GenerateDataKey", "kms:Decrypt");
        assertThat(policy.at("/Statement/0/Resource").asText())
                .startsWith("arn:aws:kms:")
                .contains(":key/");
        assertThat(Repository.read("deploy/aws/README.md")).contains("iam-policy-nifi-sse-kms.json");
    }

    @Test
    void alertsOnATargetDownAFailurePortHoldingAnythingAndBackPressure() {
        final Map<String, Object> rules = Repository.yaml("deploy/monitoring/alert-rules.yml");
        final Map<String, String> expressions = new HashMap<>();
        for (final Object group : Repository.list(rules.get("groups"))) {
            for (final Object rule : Repository.list(Repository.map(group).get("rules"))) {
                expressions.put(
                        (String) Repository.map(rule).get("alert"),
                        String.valueOf(Repository.map(rule).get("expr")));
            }
        }
        assertThat(expressions.get("NiFiDown")).contains("up{job=\"nifi\"} == 0");
        assertThat(expressions.get("FlowFilesAtAFailurePort")).contains("nifi_amount_items_queued", "> 0");
        for (final String port : List.of(
                CustomerStreamFlow.FAILED_S3_UPLOADS,
                CustomerStreamFlow.UNREADABLE_INPUT,
                CustomerStreamFlow.FAILED_SNOWFLAKE_LOADS)) {
            assertThat(expressions.get("FlowFilesAtAFailurePort"))
                    .as("the flow's port " + port)
                    .contains(port);
        }
        assertThat(expressions.get("BackPressureEngaged")).contains("nifi_backpressure_enabled", "== 1");
        final Map<String, Object> prometheus = Repository.yaml("deploy/monitoring/prometheus.yml");
        assertThat(Repository.list(prometheus.get("rule_files"))).containsExactly("/etc/prometheus/alert-rules.yml");
    }

    @Test
    void multipartUploadsACrashLeftOpenAreAbortedByTheBucket() throws IOException {
        final JsonNode rule = json.readTree(Repository.read("deploy/aws/s3-lifecycle-abort-incomplete-multipart.json"))
                .path("Rules")
                .get(0);

        assertThat(rule.path("Status").asText()).isEqualTo("Enabled");
        assertThat(rule.path("AbortIncompleteMultipartUpload")
                        .path("DaysAfterInitiation")
                        .asInt())
                .isBetween(1, 7);
        assertThat(rule.has("Expiration"))
                .as("the rule must never expire the objects themselves")
                .isFalse();
    }

    @Test
    void theInstanceRoleCanOnlyBeAssumedByEc2() throws IOException {
        final JsonNode trust = json.readTree(Repository.read("deploy/aws/ec2-trust-policy.json"));
        assertThat(trust.at("/Statement/0/Principal/Service").asText()).isEqualTo("ec2.amazonaws.com");
        assertThat(trust.at("/Statement/0/Action").asText()).isEqualTo("sts:AssumeRole");
    }
}
