package io.snowstream.nifi.snowflake.service;

import io.snowstream.nifi.snowflake.stub.SnowflakeStub;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.TestRunner;

/**
 * The connection service every stub-backed test starts from: the stub's account as user {@code loader}, with login,
 * network and retry bounds small enough that a refused or dead stub fails a test within seconds instead of hanging it,
 * yet wide enough for a JVM's first login, which loads the driver's classes, on a loaded machine. It
 * carries no credentials, because those are what the tests vary.
 */
public final class SnowflakeStubServices {

    public static final String SERVICE_ID = "snowflake";

    private SnowflakeStubServices() {}

    /** Adds a not yet enabled connection service for {@code stub} to {@code runner} as {@link #SERVICE_ID}. */
    public static StandardSnowflakeConnectionService addTo(final TestRunner runner, final SnowflakeStub stub)
            throws InitializationException {
        final StandardSnowflakeConnectionService service = new StandardSnowflakeConnectionService();
        runner.addControllerService(SERVICE_ID, service);
        runner.setProperty(service, StandardSnowflakeConnectionService.ACCOUNT_IDENTIFIER, "testacct");
        runner.setProperty(
                service,
                StandardSnowflakeConnectionService.ACCOUNT_URL,
                stub.url().toString());
        runner.setProperty(service, StandardSnowflakeConnectionService.USER, "loader");
        runner.setProperty(service, StandardSnowflakeConnectionService.LOGIN_TIMEOUT, "10 sec");
        runner.setProperty(service, StandardSnowflakeConnectionService.NETWORK_TIMEOUT, "10 sec");
        runner.setProperty(service, StandardSnowflakeConnectionService.MAX_HTTP_RETRIES, "1");
        return service;
    }
}
