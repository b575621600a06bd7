package io.snowstream.sql;

import static io.snowstream.sql.CustomerEvent.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.sql.DuckDbWarehouse.PipeLoad;
import io.snowstream.sql.Warehouse.ApplyCounts;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pipe's COPY expressions of 05_pipe.sql, executed (emulated on DuckDB, see {@link DuckDbWarehouse}): the event
 * time conversion, the lineage from the METADATA$ columns, the rows a load refuses, and the rows it must load for
 * apply_customer_changes() to set aside.
 */
class PipeCopyTest {

    private DuckDbWarehouse warehouse;

    @BeforeEach
    void createWarehouse() throws SQLException {
        warehouse = new DuckDbWarehouse();
    }

    @AfterEach
    void closeWarehouse() throws SQLException {
        warehouse.close();
    }

    @Test
    void canonicalRowLoadsWithItsEventTimeAsUtcWallClockAndItsLineage() throws SQLException {
        final PipeLoad load = warehouse.loadFields(
                "customers/00001.csv.gz",
                3,
                List.of(row(
                        "42",
                        "Ada",
                        "Lovelace",
                        "ada@example.com",
                        "12 St James's Square, Flat 3",
                        "London",
                        "England",
                        "GB",
                        "2026-11-23T10:15:30.123Z",
                        "U")));

        assertThat(load).isEqualTo(new PipeLoad(1, 0, null));
        assertThat(rawRows())
                .containsExactly(
                        "42|Ada|Lovelace|ada@example.com|12 St James's Square, Flat 3|London|England|GB|2026-11-23 10:15:30.123|U|null"
                                + "|customers/00001.csv.gz|1|3");
    }

    /** (An op longer than VARCHAR(1) is refused by Snowflake too; DuckDB does not enforce lengths, so it is not here.) */
    @Test
    void rowsWithoutKeyTimeOrOpAreRefusedAndCountedWhileTheFileLoads() throws SQLException {
        final PipeLoad load = warehouse.loadFields(
                "customers/00002.csv.gz",
                0,
                List.of(
                        row("1", "Ada", null, null, null, null, null, null, "2026-11-23T10:00:00.000Z", "U"),
                        row(null, "NoKey", null, null, null, null, null, null, "2026-11-23T10:00:00.000Z", "U"),
                        row("2", "BadTime", null, null, null, null, null, null, "2026-11-23 10:00:00", "U"),
                        // too few fields: the op is missing
                        row("4", "Short", null, null, null, null, null, null, "2026-11-23T10:00:00.000Z"),
                        row("x7", "NotAnId", null, null, null, null, null, null, "2026-11-23T10:00:00.000Z", "U"),
                        row("5", "Grace", null, null, null, null, null, null, "2026-11-23T10:00:00.000Z", "D")));

        assertThat(load.rowsLoaded()).isEqualTo(2);
        assertThat(load.rowsRejected()).isEqualTo(4);
        assertThat(load.firstError()).isNotBlank();
        assertThat(rawRows())
                .extracting(row -> row.substring(0, row.indexOf('|')))
                .containsExactly("1", "5");
    }

    @Test
    void rowsWithAnUnknownOpOrAnEleventhFieldLoadAndAreQuarantinedWithTheirReason() throws SQLException {
        final PipeLoad load = warehouse.load(
                "customers/00003.csv.gz",
                0,
                List.of(
                        upsert(1, "2026-11-23T10:00:00.000Z", "Ada", "a@x"),
                        upsert(2, "2026-11-23T10:00:00.000Z", "Bob", "b@x").withOp("u"),
                        upsert(3, "2026-11-23T10:00:00.000Z", "Cy", "c@x").withOp("X"),
                        upsert(4, "2026-11-23T10:00:00.000Z", "Di", "d@x").withExtraField("surplus")));
        assertThat(load).isEqualTo(new PipeLoad(4, 0, null));

        final ApplyCounts counts = warehouse.apply();

        assertThat(counts.events()).isEqualTo(1);
        assertThat(counts.of("quarantine_events")).isEqualTo(3);
        assertThat(warehouse.customers())
                .extracting(Warehouse.CustomerRow::customerId)
                .containsExactly(1L);
        assertThat(warehouse.history())
                .extracting(Warehouse.HistoryRow::customerId)
                .containsExactly(1L);
        assertThat(warehouse.quarantined())
                .extracting(Warehouse.QuarantinedEvent::describe)
                .containsExactly(
                        "customers/00003.csv.gz:2 2 u @2026-11-23T10:00:00.000Z UNKNOWN_OP",
                        "customers/00003.csv.gz:3 3 X @2026-11-23T10:00:00.000Z UNKNOWN_OP",
                        "customers/00003.csv.gz:4 4 U @2026-11-23T10:00:00.000Z EXTRA_FIELD");

        // the stream delivering the same rows again quarantines nothing twice
        warehouse.replayIntoStream("customers/00003.csv.gz");
        assertThat(warehouse.apply().of("quarantine_events")).isZero();
        assertThat(warehouse.quarantined()).hasSize(3);
    }

    @Test
    void quarantinedRowsArePurgedFromRawWithTheirFileButKeptInTheQuarantine() throws SQLException {
        warehouse.load(
                "customers/00004.csv.gz",
                30,
                List.of(upsert(1, "2026-11-23T10:00:00.000Z", "Ada", "a@x").withOp("X")));

        final ApplyCounts counts = warehouse.apply();

        assertThat(counts.of("purge_raw")).isEqualTo(1);
        assertThat(warehouse.rawRowCount()).isZero();
        assertThat(warehouse.quarantined()).hasSize(1);
    }

    private static List<String> row(final String... fields) {
        return Arrays.asList(fields);
    }

    /** customer_raw as text, with the load time as whole days ago. */
    private List<String> rawRows() throws SQLException {
        final List<String> rows = new ArrayList<>();
        try (Statement statement = warehouse.connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT customer_id, first_name, last_name, email, street, city, state, country, "
                                + "strftime(updated_at, '%Y-%m-%d %H:%M:%S.%g'), op, extra_field, source_file, source_row, "
                                + "round(epoch(CURRENT_TIMESTAMP - loaded_at) / 86400) FROM " + warehouse.schema
                                + ".customer_raw ORDER BY source_row")) {
            while (result.next()) {
                final List<String> fields = new ArrayList<>();
                for (int column = 1; column <= 14; column++) {
                    fields.add(column == 14 ? Long.toString(result.getLong(column)) : result.getString(column));
                }
                rows.add(String.join("|", fields));
            }
        }
        return rows;
    }
}
