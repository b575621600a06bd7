package io.snowstream.nifi.snowflake.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import org.junit.jupiter.api.Test;

class SnowflakeErrorsTest {

    @Test
    void missingObjectsGrantsAndRefusedLoginsNeedAPerson() {
        assertThat(SnowflakeErrors.fromSql(new SQLException("Pipe does not exist or not authorized", "02000", 2003))
                        .isTransient())
                .isFalse();
        assertThat(SnowflakeErrors.fromSql(new SQLException("Insufficient privileges", "42501", 3001))
                        .isTransient())
                .isFalse();
        assertThat(SnowflakeErrors.fromSql(new SQLException("Incorrect username or password", "08001", 390100))
                        .isTransient())
                .isFalse();
        assertThat(SnowflakeErrors.isLoginRefusal(new SQLException("JWT token is invalid.", "08001", 390144)))
                .isTrue();
        assertThat(SnowflakeErrors.fromSql(new SQLException("syntax error", "42000", 1003))
                        .isTransient())
                .isFalse();
    }

    @Test
    void exhaustedRetriesTimeoutsAndLostConnectionsPass() {
        assertThat(SnowflakeErrors.fromSql(new SQLException("max retries", "58030", 200015))
                        .isTransient())
                .isTrue();
        assertThat(SnowflakeErrors.fromSql(new SQLTimeoutException("timeout", "57014", 604))
                        .isTransient())
                .isTrue();
        assertThat(SnowflakeErrors.fromSql(new SQLException("connection reset", "08006", 0))
                        .isTransient())
                .isTrue();
        assertThat(SnowflakeErrors.isLoginRefusal(new SQLException("reset", "08006", 200002)))
                .isFalse();
    }

    @Test
    void keepsCodeStateAndTheMessageOnOneLine() {
        final SnowpipeException e = SnowflakeErrors.fromSql(new SQLException(
                "SQL compilation error:\nPipe 'A.B.C' does not exist or not authorized.", "02000", 2003));
        assertThat(e.errorCode()).isEqualTo("002003");
        assertThat(e.sqlState()).isEqualTo("02000");
        assertThat(e.getMessage()).isEqualTo("SQL compilation error: Pipe 'A.B.C' does not exist or not authorized.");
    }

    @Test
    void httpThrottlingAndServerErrorsPassClientErrorsDoNot() {
        assertThat(SnowflakeErrors.fromHttp(429, null, "slow down").isTransient())
                .isTrue();
        assertThat(SnowflakeErrors.fromHttp(503, null, null).isTransient()).isTrue();
        assertThat(SnowflakeErrors.fromHttp(404, "390404", "Pipe not found").isTransient())
                .isFalse();
        assertThat(SnowflakeErrors.fromHttp(401, "390144", "JWT token is invalid.")
                        .errorCode())
                .isEqualTo("390144");
        assertThat(SnowflakeErrors.fromHttp(403, null, "").getMessage()).isEqualTo("HTTP 403");
    }

    @Test
    void readsBothSpellingsOfTheLoadStatus() {
        assertThat(LoadStatus.parse("Loaded")).isEqualTo(LoadStatus.LOADED);
        assertThat(LoadStatus.parse("Load failed")).isEqualTo(LoadStatus.LOAD_FAILED);
        assertThat(LoadStatus.parse("PARTIALLY_LOADED")).isEqualTo(LoadStatus.PARTIALLY_LOADED);
        assertThat(LoadStatus.parse("Load in progress").isFinal()).isFalse();
        assertThat(LoadStatus.parse("something new").isFinal()).isFalse();
        assertThat(LoadStatus.parse(null)).isEqualTo(LoadStatus.LOAD_IN_PROGRESS);
    }
}
