package io.snowstream.nifi.processors;

import io.snowstream.nifi.snowflake.service.SnowflakeStubServices;
import io.snowstream.nifi.snowflake.service.StandardSnowflakeConnectionService;
import io.snowstream.nifi.snowflake.stub.SnowflakeStub;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;

/**
 * The TriggerSnowpipeRefresh runner every stub-backed test starts from: {@code analytics.raw.customer_pipe} over
 * {@code s3://<bucket>/customers/}, REFRESH without load confirmation, through a connection service to the stub
 * (see {@link SnowflakeStubServices}) that is neither given credentials nor enabled.
 */
final class SnowpipeRunners {

    private SnowpipeRunners() {}

    static TestRunner against(final SnowflakeStub stub, final String bucket) throws InitializationException {
        final TestRunner runner = TestRunners.newTestRunner(TriggerSnowpipeRefresh.class);
        SnowflakeStubServices.addTo(runner, stub);
        runner.setProperty(TriggerSnowpipeRefresh.CONNECTION_SERVICE, SnowflakeStubServices.SERVICE_ID);
        runner.setProperty(TriggerSnowpipeRefresh.DATABASE, "analytics");
        runner.setProperty(TriggerSnowpipeRefresh.SCHEMA, "raw");
        runner.setProperty(TriggerSnowpipeRefresh.PIPE_NAME, "customer_pipe");
        runner.setProperty(TriggerSnowpipeRefresh.STAGE_LOCATION, "s3://" + bucket + "/customers/");
        runner.setProperty(TriggerSnowpipeRefresh.NOTIFICATION_METHOD, "REFRESH");
        runner.setProperty(TriggerSnowpipeRefresh.LOAD_CONFIRMATION, "NONE");
        return runner;
    }

    /** The connection service {@link #against} added to {@code runner}. */
    static StandardSnowflakeConnectionService service(final TestRunner runner) {
        return (StandardSnowflakeConnectionService) runner.getControllerService(SnowflakeStubServices.SERVICE_ID);
    }
}
