package io.snowstream.nifi.snowflake.pipe;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.snowstream.nifi.snowflake.QualifiedName;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Load history from the {@code INFORMATION_SCHEMA.COPY_HISTORY} table function, one query per batch. */
public final class CopyHistory implements LoadHistory {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RefreshNotifier.ConnectionSource connections;
    private final QualifiedName table;
    private final Duration queryTimeout;

    public CopyHistory(
            final RefreshNotifier.ConnectionSource connections,
            final QualifiedName table,
            final Duration queryTimeout) {
        this.connections = connections;
        this.table = table;
        this.queryTimeout = queryTimeout;
    }

    @Override
    public Map<String, FileLoad> lookUp(final Collection<String> relativePaths, final Instant since)
            throws SnowpipeException {
        final Map<String, FileLoad> found = new HashMap<>();
        if (relativePaths.isEmpty()) {
            return found;
        }
        try (Connection connection = connections.get();
                PreparedStatement statement = connection.prepareStatement(SnowpipeStatements.copyHistory(table))) {
            statement.setQueryTimeout((int) Math.max(1, queryTimeout.toSeconds()));
            statement.setString(1, table.toCanonical());
            statement.setString(2, since.toString());
            statement.setString(3, JSON.writeValueAsString(relativePaths));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    final FileLoad load = read(rows);
                    // a file loaded, failed, then staged again appears twice: the latest attempt decides
                    found.merge(load.path(), load, CopyHistory::later);
                }
            }
            return found;
        } catch (final SQLException e) {
            throw SnowflakeErrors.fromSql(e);
        } catch (final com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileLoad read(final ResultSet rows) throws SQLException {
        final Timestamp loadedAt = rows.getTimestamp("LAST_LOAD_TIME");
        return new FileLoad(
                rows.getString("FILE_NAME"),
                LoadStatus.parse(rows.getString("STATUS")),
                rows.getLong("ROW_COUNT"),
                rows.getLong("ROW_PARSED"),
                loadedAt == null ? null : loadedAt.toInstant(),
                rows.getString("FIRST_ERROR_MESSAGE"));
    }

    private static FileLoad later(final FileLoad a, final FileLoad b) {
        if (a.loadedAt() == null) {
            return b;
        }
        return b.loadedAt() != null && b.loadedAt().isAfter(a.loadedAt()) ? b : a;
    }
}
