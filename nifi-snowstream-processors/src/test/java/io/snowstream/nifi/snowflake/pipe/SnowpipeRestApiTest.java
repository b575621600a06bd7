package io.snowstream.nifi.snowflake.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.nifi.snowflake.QualifiedName;
import io.snowstream.nifi.snowflake.auth.KeyPairJwt;
import io.snowstream.nifi.snowflake.stub.SnowflakeStub;
import io.snowstream.nifi.snowflake.stub.TestKeys;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SnowpipeRestApiTest {

    private SnowflakeStub stub;
    private HttpClient http;
    private SnowpipeRestApi api;

    @BeforeEach
    void setUp() throws IOException {
        stub = SnowflakeStub.start("acct", "loader", TestKeys.publicKey());
        http = HttpClient.newHttpClient();
        final KeyPairJwt jwt = new KeyPairJwt("acct", "loader", TestKeys.privateKey(), Clock.systemUTC());
        api = new SnowpipeRestApi(
                http, stub.url(), QualifiedName.parse("db", "\"Raw Data\"", "pipe"), jwt::token, Duration.ofSeconds(5));
    }

    @AfterEach
    void tearDown() {
        http.close();
        stub.close();
    }

    @Test
    void splitsAnnouncementsAt5000FilesPerCall() throws SnowpipeException {
        final List<String> paths =
                IntStream.range(0, 5_001).mapToObj(i -> "f-" + i + ".csv").toList();

        assertThat(api.requestLoad(paths)).isEqualTo(2);

        assertThat(stub.restRequests())
                .extracting(request -> request.body().path("files").size())
                .containsExactly(5_000, 1);
        assertThat(stub.restRequests()
                        .getLast()
                        .body()
                        .path("files")
                        .get(0)
                        .path("path")
                        .asText())
                .isEqualTo("f-5000.csv");
    }

    @Test
    void encodesQuotedPipeNamesInThePath() throws SnowpipeException {
        api.requestLoad(List.of("a.csv"));

        assertThat(stub.restRequests().getFirst().path())
                .isEqualTo("/v1/data/pipes/DB.%22Raw%20Data%22.PIPE/insertFiles");
    }

    @Test
    void returnsOnlyTheFilesAskedFor() throws SnowpipeException {
        stub.addLoadHistory("a.csv", "LOADED", 3, 3, "2026-11-23T10:00:00.000Z", null);
        stub.addLoadHistory("other.csv", "LOADED", 1, 1, "2026-11-23T10:00:00.000Z", null);
        stub.addLoadHistory("b.csv", "LOAD_IN_PROGRESS", 0, 0, null, null);

        final var found = api.lookUp(List.of("a.csv", "b.csv", "c.csv"), Instant.parse("2026-11-23T09:00:00Z"));

        assertThat(found).containsOnlyKeys("a.csv", "b.csv");
        assertThat(found.get("a.csv").loadedAt()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
        assertThat(found.get("b.csv").status().isFinal()).isFalse();
        assertThat(stub.restRequests().getFirst().query()).containsEntry("startTimeInclusive", "2026-11-23T09:00:00Z");
    }

    @Test
    void followsAnIncompleteScanUntilEveryFileIsFound() throws SnowpipeException {
        for (int i = 0; i < 5; i++) {
            stub.addLoadHistory("f-" + i + ".csv", "LOADED", 1, 1, "2026-11-23T10:00:00.000Z", null);
        }
        stub.pageLoadHistory(2);

        final var found = api.lookUp(List.of("f-0.csv", "f-3.csv"), Instant.parse("2026-11-23T09:00:00Z"));

        assertThat(found).containsOnlyKeys("f-0.csv", "f-3.csv");
        // pages [0,1] and [2,3]: it stops as soon as it has every file, not at the end of the history
        assertThat(stub.restRequests()).hasSize(2);
    }
}
