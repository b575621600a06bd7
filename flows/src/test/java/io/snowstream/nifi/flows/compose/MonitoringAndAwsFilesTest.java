package io.snowstream.nifi.flows.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Grafana dashboard kept in the repository and the AWS policy files say what the README promises. */
class MonitoringAndAwsFilesTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void dashboardShowsThroughputQueuesLatencyAndTriggerFailuresFromNiFisOwnMetrics() throws IOException {
        final JsonNode dashboard = json.readTree(Repository.read("deploy/monitoring/grafana/dashboards/nifi-snowstream.json"));
        final List<String> titles = new ArrayList<>();
        final List<String> expressions = new ArrayList<>();
        for (final JsonNode panel : dashboard.get("panels")) {
            titles.add(panel.get("title").asText());
            assertThat(panel.at("/datasource/uid").asText()).as(panel.get("title").asText()).isEqualTo("prometheus");
            panel.get("targets").forEach(target -> expressions.add(target.get("expr").asText()));
        }
        assertThat(titles).contains("Records per second, per processor", "Queue depth, per connection",
                "Batch latency at the S3 writers", "Snowpipe trigger failures");
        assertThat(expressions).allSatisfy(expression -> assertThat(expression).contains("nifi_"));
        assertThat(expressions).anySatisfy(expression -> assertThat(expression).contains("nifi_processor_counters"))
                .anySatisfy(expression -> assertThat(expression).contains("nifi_amount_items_queued"))
                .anySatisfy(expression -> assertThat(expression).contains("nifi_average_lineage_duration"));
        assertThat(dashboard.get("uid").asText()).isEqualTo("nifi-snowstream");
    }

    @Test
    void grafanaProvisionsThatDashboardAndThePrometheusDataSource() {
        assertThat(Repository.read("deploy/monitoring/grafana/provisioning/dashboards/nifi-snowstream.yml"))
                .contains("path: /var/lib/grafana/dashboards");
        assertThat(Repository.read("deploy/monitoring/grafana/provisioning/datasources/prometheus.yml"))
                .contains("uid: prometheus").contains("url: http://prometheus:9090");
    }

    @Test
    void nifiMayOnlyWriteObjectsUnderTheFlowsPrefixes() throws IOException {
        final JsonNode policy = json.readTree(Repository.read("deploy/aws/iam-policy-nifi-s3.json"));
        assertThat(policy.get("Version").asText()).isEqualTo("2012-10-17");
        for (final JsonNode statement : policy.get("Statement")) {
            assertThat(statement.get("Effect").asText()).isEqualTo("Allow");
            final List<String> actions = new ArrayList<>();
            statement.get("Action").forEach(action -> actions.add(action.asText()));
            assertThat(actions).containsExactlyInAnyOrder("s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts");
            statement.get("Resource").forEach(resource -> assertThat(resource.asText())
                    .as("an object prefix of one bucket, never the whole bucket or account")
                    .matches("arn:aws:s3:::[A-Za-z0-9.-]+/[A-Za-z0-9_.-]+/\\*"));
        }
    }

    @Test
    void multipartUploadsACrashLeftOpenAreAbortedByTheBucket() throws IOException {
        final JsonNode rule = json.readTree(Repository.read("deploy/aws/s3-lifecycle-abort-incomplete-multipart.json")).path("Rules").get(0);

        assertThat(rule.path("Status").asText()).isEqualTo("Enabled");
        assertThat(rule.path("AbortIncompleteMultipartUpload").path("DaysAfterInitiation").asInt()).isBetween(1, 7);
        assertThat(rule.has("Expiration")).as("the rule must never expire the objects themselves").isFalse();
    }

    @Test
    void theInstanceRoleCanOnlyBeAssumedByEc2() throws IOException {
        final JsonNode trust = json.readTree(Repository.read("deploy/aws/ec2-trust-policy.json"));
        assertThat(trust.at("/Statement/0/Principal/Service").asText()).isEqualTo("ec2.amazonaws.com");
        assertThat(trust.at("/Statement/0/Action").asText()).isEqualTo("sts:AssumeRole");
    }
}
