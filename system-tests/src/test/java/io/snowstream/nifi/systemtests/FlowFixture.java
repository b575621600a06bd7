package io.snowstream.nifi.systemtests;

import io.snowstream.nifi.s3.S3MockServer;
import io.snowstream.nifi.snowflake.stub.SnowflakeStub;
import io.snowstream.nifi.snowflake.stub.TestKeys;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The outside world of a deployed flow: S3Mock (the project's child-JVM fixture) with the bucket, the loopback
 * Snowflake stub with the test key pair, Snowpipe played behind the stub, and the flow uploaded into NiFi and pointed
 * at them through its parameter context. NiFi reaches both on 127.0.0.1; PutS3Batch takes S3Mock's credentials from
 * the default chain (environment variables of NiFi's JVM), as on EC2 or in docker compose.
 */
final class FlowFixture implements AutoCloseable {

    static final String ACCOUNT = "SNOWSTREAM_TEST";
    static final String USER = "SNOWSTREAM_NIFI";
    /** The generator's seed: deterministic records; with a 1 ms event time step, updated_at names each record. */
    static final String SEED = "20261130";

    final SnowflakeStub snowflake;
    final SnowpipePlayer snowpipe;
    final DeployedFlow flow;
    final Delivery delivery;
    private final Supplier<S3Client> s3;

    private FlowFixture(
            final SnowflakeStub snowflake,
            final SnowpipePlayer snowpipe,
            final DeployedFlow flow,
            final Supplier<S3Client> s3) {
        this.snowflake = snowflake;
        this.snowpipe = snowpipe;
        this.flow = flow;
        this.s3 = s3;
        this.delivery = new Delivery(flow, s3, snowpipe);
    }

    /** NiFi's JVM environment for PutS3Batch's default credentials chain (S3Mock accepts any credentials). */
    static NiFiInstance withAwsEnvironment(final NiFiInstance nifi) {
        return nifi.withEnvironment("AWS_ACCESS_KEY_ID", S3MockServer.ACCESS_KEY_ID)
                .withEnvironment("AWS_SECRET_ACCESS_KEY", S3MockServer.SECRET_ACCESS_KEY)
                .withEnvironment("AWS_EC2_METADATA_DISABLED", "true")
                .withEnvironment("SNOWFLAKE_DISABLE_MINICORE", "true");
    }

    /**
     * Creates the bucket, starts the Snowflake stub, uploads the flow with the deploy script and configures it: the
     * parameters for the test servers, a seeded generator, and Trigger Snowpipe polling the load history every second
     * (its Penalty Duration; 30 s in the file) so that a test waits seconds, not minutes, for confirmations.
     */
    static FlowFixture deploy(
            final NiFiInstance nifi, final S3MockServer s3Server, final Map<String, String> parameters)
            throws IOException {
        return deploy(nifi, s3Server::client, s3Server.endpoint().toString(), parameters);
    }

    static FlowFixture deploy(
            final NiFiInstance nifi,
            final Supplier<S3Client> s3,
            final String s3Endpoint,
            final Map<String, String> parameters)
            throws IOException {
        return deploy(nifi.client(), () -> DeployedFlow.upload(nifi), s3, s3Endpoint, parameters);
    }

    /** The same into a cluster, through any of its nodes. */
    static FlowFixture deploy(
            final NiFiCluster cluster, final S3MockServer s3Server, final Map<String, String> parameters)
            throws IOException {
        return deploy(
                cluster.client(),
                () -> DeployedFlow.upload(cluster),
                s3Server::client,
                s3Server.endpoint().toString(),
                parameters);
    }

    private static FlowFixture deploy(
            final NiFiClient client,
            final Supplier<DeployedFlow> upload,
            final Supplier<S3Client> s3,
            final String s3Endpoint,
            final Map<String, String> parameters)
            throws IOException {
        if (s3.get().listBuckets().buckets().stream()
                .noneMatch(bucket -> bucket.name().equals(Delivery.BUCKET))) {
            s3.get().createBucket(request -> request.bucket(Delivery.BUCKET));
        }
        final SnowflakeStub snowflake = SnowflakeStub.start(ACCOUNT, USER, TestKeys.publicKey());
        final SnowpipePlayer snowpipe = new SnowpipePlayer(snowflake, s3, Delivery.BUCKET, Delivery.STAGE_PREFIX);

        NarLoads.awaitProcessorTypes(client);
        final DeployedFlow flow = upload.get();
        final Map<String, String> values = new HashMap<>();
        values.put("s3.bucket", Delivery.BUCKET);
        values.put("s3.endpoint", s3Endpoint);
        values.put("s3.path.style.access", "true");
        values.put("s3.prefix", Delivery.STAGE_PREFIX);
        values.put("s3.quarantine.prefix", Delivery.QUARANTINE_PREFIX);
        values.put("snowflake.account", ACCOUNT);
        values.put("snowflake.account.url", snowflake.url().toString());
        values.put("snowflake.user", USER);
        values.put("snowflake.private.key", TestKeys.privateKeyPem());
        values.put("snowflake.stage.location", "s3://" + Delivery.BUCKET + "/" + Delivery.STAGE_PREFIX);
        values.putAll(parameters);
        flow.setParameters(values);
        flow.configureProcessor(
                DeployedFlow.GENERATE,
                Map.of("Seed", SEED, "Simulated Start Time", Delivery.SIMULATED_START, "Event Time Step", "1 millis"),
                Map.of());
        flow.configureProcessor(DeployedFlow.TRIGGER, Map.of(), Map.of("penaltyDuration", "1 sec"));
        flow.enableSnowflake();
        return new FlowFixture(snowflake, snowpipe, flow, s3);
    }

    S3Client s3() {
        return s3.get();
    }

    @Override
    public void close() throws Exception {
        snowpipe.close();
        snowflake.close();
    }
}
