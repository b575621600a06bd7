package io.snowstream.sql;

import static io.snowstream.sql.CustomerEvent.delete;
import static io.snowstream.sql.CustomerEvent.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.snowstream.sql.Warehouse.ApplyCounts;
import io.snowstream.sql.Warehouse.CustomerRow;
import io.snowstream.sql.Warehouse.HistoryRow;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scenarios of the SCD semantics, each run through the statements of 06_change_processing.sql. */
class ChangeProcessingScenarioTest {

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
    void insertCreatesTheCustomerAndItsFirstVersion() throws SQLException {
        final ApplyCounts counts = loadAndApply("a.csv.gz", upsert(1, t(0), "Ada", "ada@example.com"));

        assertThat(customers()).containsExactly("1 Ada ada@example.com @" + t(0));
        assertThat(history()).containsExactly("1 Ada ada@example.com [" + t(0) + ", ) current");
        assertThat(counts.events()).isEqualTo(1);
        assertThat(counts.of("write_customer")).isEqualTo(1);
        assertThat(warehouse.customers().getFirst())
                .extracting(CustomerRow::sourceFile, CustomerRow::sourceRow)
                .containsExactly("a.csv.gz", 1L);
        assertThat(warehouse.streamRowCount()).isZero();
    }

    @Test
    void updateClosesTheVersionAtTheNewEventTime() throws SQLException {
        loadAndApply("a.csv.gz", upsert(1, t(0), "Ada", "ada@example.com"));
        final ApplyCounts counts = loadAndApply("b.csv.gz", upsert(1, t(5), "Ada", "ada@analytical.org"));

        assertThat(customers()).containsExactly("1 Ada ada@analytical.org @" + t(5));
        assertThat(history())
                .containsExactly(
                        "1 Ada ada@example.com [" + t(0) + ", " + t(5) + ")",
                        "1 Ada ada@analytical.org [" + t(5) + ", ) current");
        assertThat(counts.of("write_history")).as("the old version, ended").isEqualTo(1);
        assertThat(counts.of("remove_replaced_current_versions"))
                .as("the version in force before")
                .isEqualTo(1);
        assertThat(counts.of("write_current_version"))
                .as("the new version in force")
                .isEqualTo(1);
        assertThat(counts.of("remove_replaced_customers"))
                .as("the former state")
                .isEqualTo(1);
        assertThat(counts.of("write_customer")).as("the new state").isEqualTo(1);
    }

    @Test
    void twoUpdatesInSuccessiveBatchesEachMakeAVersion() throws SQLException {
        loadAndApply("a.csv.gz", upsert(1, t(0), "Ada", "a@x"));
        loadAndApply("b.csv.gz", upsert(1, t(1), "Ada", "b@x"));
        loadAndApply("c.csv.gz", upsert(1, t(2), "Ada", "c@x"));

        assertThat(customers()).containsExactly("1 Ada c@x @" + t(2));
        assertThat(history())
                .containsExactly(
                        "1 Ada a@x [" + t(0) + ", " + t(1) + ")",
                        "1 Ada b@x [" + t(1) + ", " + t(2) + ")",
                        "1 Ada c@x [" + t(2) + ", ) current");
    }

    @Test
    void identicalResendChangesNothing() throws SQLException {
        loadAndApply("a.csv.gz", upsert(1, t(0), "Ada", "a@x"), upsert(2, t(0), "Bob", "b@x"));
        final List<HistoryRow> historyBefore = warehouse.history();
        final List<CustomerRow> customersBefore = warehouse.customers();

        // the same file re-sent under a new name, and the same state again with a later event time
        final ApplyCounts counts =
                loadAndApply("b-resent.csv.gz", upsert(1, t(0), "Ada", "a@x"), upsert(2, t(9), "Bob", "b@x"));

        assertThat(counts.events()).isEqualTo(2);
        assertThat(counts.of("remove_superseded_versions")).isZero();
        assertThat(counts.of("write_history")).isZero();
        assertThat(counts.of("write_current_version")).isZero();
        assertThat(counts.of("write_customer")).isZero();
        assertThat(warehouse.history()).isEqualTo(historyBefore);
        assertThat(warehouse.customers()).isEqualTo(customersBefore);
    }

    @Test
    void changesToAndFromNullAreVersions() throws SQLException {
        loadAndApply("a.csv.gz", upsert(1, t(0), "Ada", "a@x"));
        loadAndApply("b.csv.gz", upsert(1, t(1), "Ada", null));
        assertThat(customers()).containsExactly("1 Ada null @" + t(1));

        loadAndApply("c.csv.gz", upsert(1, t(2), "Ada", "a@x"));

        assertThat(customers()).containsExactly("1 Ada a@x @" + t(2));
        assertThat(history())
                .containsExactly(
                        "1 Ada a@x [" + t(0) + ", " + t(1) + ")",
                        "1 Ada null [" + t(1) + ", " + t(2) + ")",
                        "1 Ada a@x [" + t(2) + ", ) current");
    }

    @Test
    void emptyStringAndNullAreDifferentStates() throws SQLException {
        // the pipe never loads '' (EMPTY_FIELD_AS_NULL), but a row written by other means must still be compared right
        loadAndApply("a.csv.gz", upsert(1, t(0), "Ada", null));
        loadAndApply("b.csv.gz", upsert(1, t(1), "Ada", ""));

        assertThat(history())
                .containsExactly("1 Ada null [" + t(0) + ", " + t(1) + ")", "1 Ada  [" + t(1) + ", ) current");
    }

    @Test
    void deleteRemovesTheCustomerAndEndsItsHistoryWithADeletedVersion() throws SQLException {
        loadAndApply("a.csv.gz", upsert(1, t(0), "Ada", "a@x"), upsert(2, t(0), "Bob", "b@x"));
        final ApplyCounts counts = loadAndApply("b.csv.gz", delete(1, t(3)));

        assertThat(customers()).containsExactly("2 Bob b@x @" + t(0));
        assertThat(history())
                .containsExactly(
                        "1 Ada a@x [" + t(0) + ", " + t(3) + ")",
                        "1 deleted [" + t(3) + ", ) current",
                        "2 Bob b@x [" + t(0) + ", ) current");
        assertThat(counts.of("remove_replaced_customers"))
                .as("the deleted customer")
                .isEqualTo(1);
        assertThat(counts.of("write_customer")).isZero();
    }

    @Test
    void deleteOfADeletedCustomerChangesNothing() throws SQLException {
        loadAndApply("a.csv.gz", upsert(1, t(0), "Ada", "a@x"), delete(1, t(1)));
        final ApplyCounts counts = loadAndApply("b.csv.gz", delete(1, t(2)));

        assertThat(counts.of("write_history")).isZero();
        assertThat(history())
                .containsExactly("1 Ada a@x [" + t(0) + ", " + t(1) + ")", "1 deleted [" + t(1) + ", ) current");
    }

    @Test
    void customerComingBackAfterADeleteGetsANewVersion() throws SQLException {
        loadAndApply("a.csv.gz", upsert(1, t(0), "Ada", "a@x"));
        loadAndApply("b.csv.gz", delete(1, t(3)));
        loadAndApply("c.csv.gz", upsert(1, t(6), "Ada", "a@x"));

        assertThat(customers()).containsExactly("1 Ada a@x @" + t(6));
        assertThat(history())
                .containsExactly(
                        "1 Ada a@x [" + t(0) + ", " + t(3) + ")",
                        "1 deleted [" + t(3) + ", " + t(6) + ")",
                        "1 Ada a@x [" + t(6) + ", ) current");
    }

    @Test
    void severalVersionsOfOneKeyInOneBatchAllReachTheHistory() throws SQLException {
        // written out of order, with an exact duplicate: the event time orders them, the duplicate collapses
        final ApplyCounts counts = loadAndApply(
                "a.csv.gz",
                upsert(1, t(2), "Ada", "c@x"),
                upsert(1, t(0), "Ada", "a@x"),
                upsert(1, t(1), "Ada", "b@x"),
                upsert(1, t(1), "Ada", "b@x"));

        assertThat(customers()).containsExactly("1 Ada c@x @" + t(2));
        assertThat(history())
                .containsExactly(
                        "1 Ada a@x [" + t(0) + ", " + t(1) + ")",
                        "1 Ada b@x [" + t(1) + ", " + t(2) + ")",
                        "1 Ada c@x [" + t(2) + ", ) current");
        assertThat(counts.events()).isEqualTo(4);
        assertThat(counts.of("write_history")).isEqualTo(2);
        assertThat(counts.of("write_current_version")).isEqualTo(1);
    }

    @Test
    void sameEventTimeIsDecidedByFileThenRowWhateverTheArrivalOrder() throws SQLException {
        loadAndApply("2026/11/23/batch-0002.csv.gz", upsert(1, t(0), "Ada", "later-file@x"));
        loadAndApply("2026/11/23/batch-0001.csv.gz", upsert(1, t(0), "Ada", "first-file-wins@x"));
        loadAndApply(
                "2026/11/23/batch-0003.csv.gz",
                upsert(2, t(0), "Bob", "row-1-wins@x"),
                upsert(2, t(0), "Bob", "row-2@x"));

        assertThat(customers()).containsExactly("1 Ada first-file-wins@x @" + t(0), "2 Bob row-1-wins@x @" + t(0));
        assertThat(history())
                .containsExactly(
                        "1 Ada first-file-wins@x [" + t(0) + ", ) current",
                        "2 Bob row-1-wins@x [" + t(0) + ", ) current");
        assertThat(warehouse.customers().getFirst().sourceFile()).isEqualTo("2026/11/23/batch-0001.csv.gz");
    }

    @Test
    void lateEventTakesItsPlaceInTheHistoryAndNeverOverwritesANewerState() throws SQLException {
        loadAndApply("a.csv.gz", upsert(1, t(0), "Ada", "a@x"));
        loadAndApply("c.csv.gz", upsert(1, t(6), "Ada", "c@x"));

        final ApplyCounts counts = loadAndApply("b-late.csv.gz", upsert(1, t(3), "Ada", "b@x"));

        assertThat(customers()).containsExactly("1 Ada c@x @" + t(6));
        assertThat(counts.of("write_customer")).isZero();
        assertThat(history())
                .containsExactly(
                        "1 Ada a@x [" + t(0) + ", " + t(3) + ")",
                        "1 Ada b@x [" + t(3) + ", " + t(6) + ")",
                        "1 Ada c@x [" + t(6) + ", ) current");
    }

    @Test
    void lateEventsBeforeTheFirstVersionAndLateDeletesSplitTheChainToo() throws SQLException {
        loadAndApply("a.csv.gz", upsert(1, t(2), "Ada", "a@x"));
        loadAndApply("c.csv.gz", upsert(1, t(8), "Ada", "c@x"));

        loadAndApply("late.csv.gz", upsert(1, t(0), "Ada", "first@x"), delete(1, t(5)));

        assertThat(customers()).containsExactly("1 Ada c@x @" + t(8));
        assertThat(history())
                .containsExactly(
                        "1 Ada first@x [" + t(0) + ", " + t(2) + ")",
                        "1 Ada a@x [" + t(2) + ", " + t(5) + ")",
                        "1 deleted [" + t(5) + ", " + t(8) + ")",
                        "1 Ada c@x [" + t(8) + ", ) current");
    }

    @Test
    void lateEventEqualToTheNextStateMovesThatStateEarlier() throws SQLException {
        loadAndApply("a.csv.gz", upsert(1, t(0), "Ada", "a@x"));
        loadAndApply("c.csv.gz", upsert(1, t(6), "Ada", "c@x"));

        loadAndApply("late.csv.gz", upsert(1, t(3), "Ada", "c@x"));

        assertThat(customers()).containsExactly("1 Ada c@x @" + t(3));
        assertThat(history())
                .containsExactly("1 Ada a@x [" + t(0) + ", " + t(3) + ")", "1 Ada c@x [" + t(3) + ", ) current");
    }

    @Test
    void stateRepeatedLaterIsRestoredWhenAnEventBetweenArrivesLate() throws SQLException {
        // A at 0 and A again at 6 collapse into one version; B at 3, arriving last, must not become current
        loadAndApply("a.csv.gz", upsert(1, t(0), "Ada", "a@x"), upsert(1, t(6), "Ada", "a@x"));
        assertThat(history()).containsExactly("1 Ada a@x [" + t(0) + ", ) current");

        loadAndApply("late.csv.gz", upsert(1, t(3), "Ada", "b@x"));

        assertThat(customers()).containsExactly("1 Ada a@x @" + t(6));
        assertThat(history())
                .containsExactly(
                        "1 Ada a@x [" + t(0) + ", " + t(3) + ")",
                        "1 Ada b@x [" + t(3) + ", " + t(6) + ")",
                        "1 Ada a@x [" + t(6) + ", ) current");
    }

    @Test
    void sameBatchAppliedTwiceChangesNothing() throws SQLException {
        loadAndApply("a.csv.gz", upsert(1, t(0), "Ada", "a@x"), upsert(1, t(4), "Ada", "b@x"), delete(2, t(1)));
        final List<HistoryRow> historyBefore = warehouse.history();
        final List<CustomerRow> customersBefore = warehouse.customers();

        warehouse.replayIntoStream("a.csv.gz");
        final ApplyCounts counts = warehouse.apply();

        assertThat(counts.events()).isEqualTo(3);
        assertThat(counts.of("remove_superseded_versions")).isZero();
        assertThat(counts.of("write_history")).isZero();
        assertThat(counts.of("write_current_version")).isZero();
        assertThat(counts.of("write_customer")).isZero();
        assertThat(warehouse.history()).isEqualTo(historyBefore);
        assertThat(warehouse.customers()).isEqualTo(customersBefore);
    }

    @Test
    void deleteOfAnUnknownCustomerIsRememberedSoThatAnOlderUpsertCannotResurrectIt() throws SQLException {
        loadAndApply("a.csv.gz", delete(7, t(5)));
        assertThat(customers()).isEmpty();

        loadAndApply("b-late.csv.gz", upsert(7, t(1), "Eve", "e@x"));

        assertThat(customers()).isEmpty();
        assertThat(history())
                .containsExactly("7 Eve e@x [" + t(1) + ", " + t(5) + ")", "7 deleted [" + t(5) + ", ) current");
    }

    @Test
    void failedRunRollsBackEverythingAndTheEventsStayInTheStream() throws SQLException {
        loadAndApply("a.csv.gz", upsert(1, t(0), "Ada", "a@x"));
        warehouse.load("b.csv.gz", List.of(upsert(1, t(1), "Ada", "b@x")));
        final List<HistoryRow> historyBefore = warehouse.history();
        warehouse.executeUpdate("ALTER TABLE {schema}.customer RENAME TO customer_unavailable");

        assertThatThrownBy(warehouse::apply).isInstanceOf(SQLException.class);

        assertThat(warehouse.history()).as("history writes rolled back").isEqualTo(historyBefore);
        assertThat(warehouse.streamRowCount()).as("offset not advanced").isEqualTo(1);
        warehouse.executeUpdate("ALTER TABLE {schema}.customer_unavailable RENAME TO customer");
        warehouse.apply();
        assertThat(customers()).containsExactly("1 Ada b@x @" + t(1));
    }

    @Test
    void rawRowsArePurgedByAgeOnlyAfterTheyHaveBeenApplied() throws SQLException {
        // events of a file loaded 30 days ago while the task was suspended: still in the stream
        warehouse.load("old.csv.gz", 30, List.of(upsert(1, t(0), "Ada", "a@x")));
        warehouse.load("new.csv.gz", List.of(upsert(2, t(0), "Bob", "b@x")));

        final ApplyCounts counts = warehouse.apply();

        assertThat(customers()).containsExactly("1 Ada a@x @" + t(0), "2 Bob b@x @" + t(0));
        assertThat(counts.of("purge_raw")).isEqualTo(1);
        assertThat(warehouse.rawRowCount()).isEqualTo(1);
    }

    @Test
    void lateEventBetweenPurgedRepeatsIsQuarantinedInsteadOfReplacingTheRepeatedState() throws SQLException {
        // A at 10:00 and A again at 10:30 are one version; their raw rows are purged in the run that applies them
        warehouse.load("a.csv.gz", 30, List.of(upsert(1, t(0), "Ada", "a@x"), upsert(1, t(30), "Ada", "a@x")));
        warehouse.apply();
        assertThat(warehouse.rawRowCount()).isZero();

        // B at 10:15 would need the forgotten repeat at 10:30 to be placed right: it is set aside, not applied
        final ApplyCounts counts = loadAndApply("late.csv.gz", upsert(1, t(15), "Ada", "b@x"));

        assertThat(customers()).containsExactly("1 Ada a@x @" + t(0));
        assertThat(history()).containsExactly("1 Ada a@x [" + t(0) + ", ) current");
        assertThat(counts.of("quarantine_events")).isEqualTo(1);
        assertThat(counts.events()).isZero();
        assertThat(quarantined()).containsExactly("late.csv.gz:1 1 U @" + t(15) + " OLDER_THAN_PURGED_EVENTS");
    }

    @Test
    void lateUpsertBeforeAPurgedRepeatedDeleteCannotBringTheCustomerBack() throws SQLException {
        warehouse.load("a.csv.gz", 30, List.of(upsert(1, t(0), "Ada", "a@x"), delete(1, t(5)), delete(1, t(9))));
        warehouse.apply();
        assertThat(warehouse.rawRowCount()).isZero();

        final ApplyCounts counts = loadAndApply("late.csv.gz", upsert(1, t(7), "Ada", "b@x"));

        assertThat(customers()).isEmpty();
        assertThat(history())
                .containsExactly("1 Ada a@x [" + t(0) + ", " + t(5) + ")", "1 deleted [" + t(5) + ", ) current");
        assertThat(counts.of("quarantine_events")).isEqualTo(1);
        assertThat(quarantined()).containsExactly("late.csv.gz:1 1 U @" + t(7) + " OLDER_THAN_PURGED_EVENTS");
    }

    @Test
    void afterAPurgeEventsNewerThanEveryPurgedEventOfTheirKeyApplyAsBefore() throws SQLException {
        warehouse.load("a.csv.gz", 30, List.of(upsert(1, t(0), "Ada", "a@x"), upsert(1, t(30), "Ada", "a@x")));
        warehouse.apply();
        loadAndApply("c.csv.gz", upsert(1, t(50), "Ada", "c@x"));

        // late, but after every purged event of key 1; key 2 has no purged event at all
        final ApplyCounts counts =
                loadAndApply("late.csv.gz", upsert(1, t(40), "Ada", "b@x"), upsert(2, t(1), "Bob", "b@x"));

        assertThat(counts.of("quarantine_events")).isZero();
        assertThat(counts.events()).isEqualTo(2);
        assertThat(history())
                .containsExactly(
                        "1 Ada a@x [" + t(0) + ", " + t(40) + ")",
                        "1 Ada b@x [" + t(40) + ", " + t(50) + ")",
                        "1 Ada c@x [" + t(50) + ", ) current",
                        "2 Bob b@x [" + t(1) + ", ) current");
    }

    @Test
    void eventAtTheSameTimeAsAPurgedEventIsQuarantinedBecauseTheTieCannotBeDecidedAnyMore() throws SQLException {
        warehouse.load("b.csv.gz", 30, List.of(upsert(1, t(0), "Ada", "a@x"), upsert(1, t(30), "Ada", "a@x")));
        warehouse.apply();

        // its file sorts first, so it would have won the tie at 10:30 against the purged repeat
        loadAndApply("a.csv.gz", upsert(1, t(30), "Ada", "b@x"));

        assertThat(history()).containsExactly("1 Ada a@x [" + t(0) + ", ) current");
        assertThat(quarantined()).containsExactly("a.csv.gz:1 1 U @" + t(30) + " OLDER_THAN_PURGED_EVENTS");
    }

    @Test
    void rawTableRejectsRowsWithoutKeyOrEventTime() {
        // the pipe's COPY (ON_ERROR = CONTINUE) turns these constraint violations into rejected rows
        assertThatThrownBy(
                        () -> warehouse.executeUpdate(
                                "INSERT INTO {schema}.customer_raw (customer_id, updated_at, op, source_file, "
                                        + "source_row, loaded_at) VALUES (NULL, TIMESTAMP '2026-11-23 10:00:00', 'U', 'f', 1, CURRENT_TIMESTAMP)"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("NOT NULL");
        assertThatThrownBy(() -> warehouse.executeUpdate(
                        "INSERT INTO {schema}.customer_raw (customer_id, updated_at, op, source_file, "
                                + "source_row, loaded_at) VALUES (1, NULL, 'U', 'f', 1, CURRENT_TIMESTAMP)"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("NOT NULL");
    }

    @Test
    void emptyStreamIsANoOp() throws SQLException {
        loadAndApply("a.csv.gz", upsert(1, t(0), "Ada", "a@x"));

        final ApplyCounts counts = warehouse.apply();

        assertThat(counts.events()).isZero();
        // only the work tables are cleared; nothing is read, written or purged
        assertThat(counts.stepCounts()).allSatisfy((step, count) -> {
            if (!step.startsWith("clear_")) {
                assertThat(count).as(step).isZero();
            }
        });
        assertThat(customers()).containsExactly("1 Ada a@x @" + t(0));
    }

    private ApplyCounts loadAndApply(final String sourceFile, final CustomerEvent... events) throws SQLException {
        warehouse.load(sourceFile, List.of(events));
        return warehouse.apply();
    }

    private List<String> customers() throws SQLException {
        return warehouse.customers().stream().map(CustomerRow::describe).toList();
    }

    private List<String> quarantined() throws SQLException {
        return warehouse.quarantined().stream()
                .map(Warehouse.QuarantinedEvent::describe)
                .toList();
    }

    private List<String> history() throws SQLException {
        return warehouse.history().stream().map(HistoryRow::describe).toList();
    }

    /** An event time {@code minute} minutes into the test day. */
    private static String t(final int minute) {
        return "2026-11-23T10:%02d:00.000Z".formatted(minute);
    }
}
