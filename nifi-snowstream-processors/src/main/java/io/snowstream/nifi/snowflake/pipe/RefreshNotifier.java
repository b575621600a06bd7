package io.snowstream.nifi.snowflake.pipe;

import io.snowstream.nifi.snowflake.QualifiedName;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * {@code ALTER PIPE ... REFRESH PREFIX = '<common folder>'}: one statement per batch, whatever its size. Snowflake
 * queues the files under the prefix that were staged in the last 7 days and are not in the pipe's load history, so
 * repeating it never loads a file twice.
 */
public final class RefreshNotifier implements SnowpipeNotifier {

    /** A JDBC connection from a pool; closing it gives it back. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection get() throws SQLException;
    }

    private final ConnectionSource connections;
    private final QualifiedName pipe;
    private final Duration queryTimeout;

    public RefreshNotifier(final ConnectionSource connections, final QualifiedName pipe, final Duration queryTimeout) {
        this.connections = connections;
        this.pipe = pipe;
        this.queryTimeout = queryTimeout;
    }

    @Override
    public int requestLoad(final List<String> relativePaths) throws SnowpipeException {
        if (relativePaths.isEmpty()) {
            return 0;
        }
        final String sql = SnowpipeStatements.refresh(pipe, StageLocation.commonFolder(relativePaths));
        try (Connection connection = connections.get();
                Statement statement = connection.createStatement()) {
            statement.setQueryTimeout((int) Math.max(1, queryTimeout.toSeconds()));
            statement.execute(sql);
            return 1;
        } catch (final SQLException e) {
            throw SnowflakeErrors.fromSql(e);
        }
    }
}
