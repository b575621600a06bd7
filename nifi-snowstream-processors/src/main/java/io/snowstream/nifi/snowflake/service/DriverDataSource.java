package io.snowstream.nifi.snowflake.service;

import io.snowstream.nifi.snowflake.pipe.SnowflakeErrors;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connects through a driver instance directly: NiFi's per-bundle class loaders hide drivers from DriverManager,
 * and the key-pair property must reach the driver as a {@code PrivateKey} object, which a pool's string-only
 * driver properties cannot carry.
 * <p>
 * A refused login is remembered for {@link #REFUSAL_HOLD}: the pool retries failed connects in a loop until its
 * timeout, and hammering Snowflake with a wrong key or password can lock the user. Within the hold the refusal is
 * answered without contacting Snowflake.
 */
final class DriverDataSource implements DataSource {

    static final Duration REFUSAL_HOLD = Duration.ofSeconds(30);

    private record Refusal(SQLException cause, long atNanos) {}

    private final Driver driver;
    private final String url;
    private final Properties properties;
    private volatile Refusal refusal;

    DriverDataSource(final Driver driver, final String url, final Properties properties) {
        this.driver = driver;
        this.url = url;
        this.properties = properties;
    }

    @Override
    public Connection getConnection() throws SQLException {
        final Optional<SQLException> refused = recentRefusal();
        if (refused.isPresent()) {
            throw refused.get();
        }
        final Connection connection;
        try {
            connection = driver.connect(url, properties);
        } catch (final SQLException e) {
            if (SnowflakeErrors.isLoginRefusal(e)) {
                refusal = new Refusal(e, System.nanoTime());
            }
            throw e;
        }
        if (connection == null) {
            throw new SQLException("the Snowflake driver does not accept the URL " + url);
        }
        refusal = null;
        return connection;
    }

    /** The login refusal seen within the hold, if any. */
    Optional<SQLException> recentRefusal() {
        final Refusal current = refusal;
        if (current == null || System.nanoTime() - current.atNanos() > REFUSAL_HOLD.toNanos()) {
            return Optional.empty();
        }
        return Optional.of(current.cause());
    }

    @Override
    public Connection getConnection(final String username, final String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the user is configured on the controller service");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(final PrintWriter out) {}

    @Override
    public void setLoginTimeout(final int seconds) {}

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(final Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(final Class<?> type) {
        return false;
    }
}
