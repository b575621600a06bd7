package io.snowstream.nifi.processors;

import io.snowstream.nifi.snowflake.service.StandardSnowflakeConnectionService;
import io.snowstream.nifi.snowflake.stub.SnowflakeStub;
import io.snowstream.nifi.snowflake.stub.TestKeys;
import java.io.IOException;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The set-up every stub-backed TriggerSnowpipeRefresh test shares: a fresh loopback Snowflake stub that knows the
 * test key, the runner of {@link SnowpipeRunners#against} and its connection service holding the private key, not yet
 * enabled; after each test the service is disabled and the stub closed.
 */
abstract class SnowpipeStubFixture {

    static final String BUCKET = "snowstream-landing";

    SnowflakeStub stub;
    TestRunner runner;
    StandardSnowflakeConnectionService service;

    @BeforeEach
    void startStub() throws IOException, InitializationException {
        stub = SnowflakeStub.start("testacct", "loader", TestKeys.publicKey());
        runner = SnowpipeRunners.against(stub, BUCKET);
        service = SnowpipeRunners.service(runner);
        runner.setProperty(service, StandardSnowflakeConnectionService.PRIVATE_KEY, TestKeys.privateKeyPem());
    }

    @AfterEach
    void stopStub() {
        if (runner.isControllerServiceEnabled(service)) {
            runner.disableControllerService(service);
        }
        stub.close();
    }
}
