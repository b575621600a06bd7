package io.snowstream.nifi.snowflake.service;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * Connects through a driver instance directly: NiFi's per-bundle class loaders hide drivers from DriverManager,
 * and the key-pair property must reach the driver as a {@code PrivateKey} object, which a pool's string-only
 * driver properties cannot carry.
 */
final class DriverDataSource implements DataSource {

    private final Driver driver;
    private final String url;
    private final Properties properties;

    DriverDataSource(final Driver driver, final String url, final Properties properties) {
        this.driver = driver;
        this.url = url;
        this.properties = properties;
    }

    @Override
    public Connection getConnection() throws SQLException {
        final Connection connection = driver.connect(url, properties);
        if (connection == null) {
            throw new SQLException("the Snowflake driver does not accept the URL " + url);
        }
        return connection;
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
    public void setLogWriter(final PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(final int seconds) {
    }

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
