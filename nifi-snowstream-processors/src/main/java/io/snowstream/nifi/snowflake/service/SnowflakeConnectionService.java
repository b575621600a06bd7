package io.snowstream.nifi.snowflake.service;

import java.net.URI;
import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.apache.nifi.controller.ControllerService;

/** One Snowflake account and identity, served as pooled JDBC connections and Snowpipe REST tokens. */
public interface SnowflakeConnectionService extends ControllerService {

    /** A pooled connection; closing it returns it to the pool. */
    Connection getConnection() throws SQLException;

    /** The account identifier as configured, for transit URIs. */
    String getAccount();

    /** {@code https://<account>.snowflakecomputing.com} unless overridden. */
    URI getAccountUrl();

    /** Shared HTTP client for the REST API, with the service's connect timeout. */
    HttpClient getHttpClient();

    /** Bound for one REST request and one SQL statement. */
    Duration getRequestTimeout();

    /** Whether {@link #getRestToken()} is available: the REST API takes key-pair authentication only. */
    boolean supportsRestApi();

    /**
     * A key-pair JWT for the Snowpipe REST API.
     *
     * @throws IllegalStateException when the service authenticates with a password
     */
    String getRestToken();
}
