package io.snowstream.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.snowstream.nifi.customer.csv.CustomerCsvFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What reading the scripts can prove: safe to re-run, no secrets, least privilege, the canonical CSV exactly. */
class ScriptStaticChecksTest {

    private static final Pattern CREATE =
            Pattern.compile("^CREATE\\s+(?<rest>.*)", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

    @Test
    void scriptsAreNumberedInRunOrderAndTeardownIsLast() {
        assertThat(SqlScript.all())
                .extracting(SqlScript::name)
                .containsExactly(
                        "01_roles.sql",
                        "02_accountadmin.sql",
                        "03_storage.sql",
                        "04_tables.sql",
                        "05_pipe.sql",
                        "06_change_processing.sql",
                        "07_tasks.sql",
                        "08_monitoring.sql",
                        "99_teardown.sql");
    }

    @Test
    void nothingHoldingDataOffsetsOrLoadHistoryIsEverReplaced() {
        for (final String statement : allStatements()) {
            final Matcher replace = Pattern.compile("CREATE\\s+OR\\s+REPLACE\\s+(\\w+)", Pattern.CASE_INSENSITIVE)
                    .matcher(statement);
            while (replace.find()) {
                assertThat(replace.group(1)).as(statement).isEqualToIgnoringCase("PROCEDURE");
            }
        }
    }

    @Test
    void everyStatementIsSafeToRunAgain() {
        for (final SqlScript script : SqlScript.all()) {
            for (final String statement : script.statements()) {
                final String normalized = statement.replaceAll("\\s+", " ").toUpperCase();
                if (normalized.startsWith("CREATE ")) {
                    assertThat(normalized.contains(" IF NOT EXISTS ")
                                    || normalized.startsWith("CREATE OR ALTER ")
                                    || normalized.startsWith("CREATE OR REPLACE PROCEDURE "))
                            .as("%s: %s", script, firstLine(statement))
                            .isTrue();
                } else if (normalized.startsWith("DROP ")) {
                    assertThat(normalized)
                            .as("%s: %s", script, firstLine(statement))
                            .contains(" IF EXISTS ");
                } else if (normalized.startsWith("ALTER TASK ") && normalized.endsWith(" SUSPEND")) {
                    assertThat(normalized)
                            .as("suspending before the task may exist: %s", statement)
                            .contains(" IF EXISTS ");
                }
            }
        }
    }

    @Test
    void noCredentialsInAnyScript() {
        for (final SqlScript script : SqlScript.all()) {
            assertThat(script.text())
                    .as(script.name())
                    .doesNotContainPattern("(?i)AWS_KEY_ID|AWS_SECRET_KEY|AWS_TOKEN|CREDENTIALS\\s*=|PASSWORD\\s*=")
                    .doesNotContainPattern("A[KS]IA[0-9A-Z]{16}");
        }
        assertThat(SqlScript.read("03_storage.sql").text()).contains("STORAGE_INTEGRATION = &{storage_integration}");
    }

    @Test
    void rawRowsAreNeverTruncated() {
        for (final SqlScript script : SqlScript.all()) {
            assertThat(withoutComments(script.text())).as(script.name()).doesNotContainPattern("(?i)\\bTRUNCATE\\b");
        }
    }

    @Test
    void changeProcessingRunsInOneTransactionThatRollsBackOnAnyError() {
        final String text = SqlScript.read("06_change_processing.sql").text();
        final int begin = text.indexOf("BEGIN TRANSACTION;");
        final int commit = text.indexOf("COMMIT;");
        assertThat(begin).isPositive();
        final Matcher step = Pattern.compile("(?m)^\\s*-- @step \\w+$").matcher(text);
        int steps = 0;
        while (step.find()) {
            assertThat(step.start()).as("step inside the transaction").isBetween(begin, commit);
            steps++;
        }
        assertThat(steps)
                .isEqualTo(new ArrayList<>(SqlScript.read("06_change_processing.sql")
                                .marked("step")
                                .keySet())
                        .size())
                .isGreaterThan(5);
        assertThat(text.substring(commit))
                .containsPattern("EXCEPTION\\s+(--[^\\n]*\\n\\s*)*WHEN OTHER THEN\\s+ROLLBACK;\\s+RAISE;");
        // the stream is read only inside the explicit transaction, where every read sees the same rows (Snowflake
        // locks the stream for the transaction) and the offset advances once, at COMMIT: by the two steps that split
        // its rows into quarantined and applied events
        final Matcher streamRead = Pattern.compile("FROM &\\{database}\\.&\\{schema}\\.customer_raw_stream")
                .matcher(text);
        int reads = 0;
        while (streamRead.find()) {
            assertThat(streamRead.start())
                    .as("stream read inside the transaction")
                    .isBetween(begin, commit);
            reads++;
        }
        assertThat(reads).isEqualTo(2);
        final Map<String, String> marked =
                SqlScript.read("06_change_processing.sql").marked("step");
        assertThat(marked.get("quarantine_events")).contains("customer_raw_stream");
        assertThat(marked.get("read_stream")).contains("customer_raw_stream");
    }

    @Test
    void quarantineAndApplyTakeComplementaryEventsOfTheStream() {
        final Map<String, String> steps =
                SqlScript.read("06_change_processing.sql").marked("step");
        assertThat(steps.get("read_stream").replaceAll("\\s+", " "))
                .contains(
                        "AND s.op IN ('U', 'D') AND s.extra_field IS NULL AND (p.purged_through IS NULL OR s.updated_at > p.purged_through)");
        // the quarantine takes the rest: it runs after the batch is read, and a known event left out of the batch
        // is one before its key's earliest applied event
        final List<String> names = new ArrayList<>(steps.keySet());
        assertThat(names.indexOf("quarantine_events")).isGreaterThan(names.indexOf("read_stream"));
        assertThat(steps.get("quarantine_events").replaceAll("\\s+", " "))
                .contains("(s.op NOT IN ('U', 'D') OR s.extra_field IS NOT NULL OR b.customer_id IS NULL "
                        + "OR s.updated_at < b.first_event_at)");
        // the horizon moves before the purge, which deletes only what the horizon covers
        assertThat(names.indexOf("advance_purge_horizon")).isEqualTo(names.indexOf("purge_raw") - 1);
        assertThat(steps.get("purge_raw")).contains("p.purged_through >= r.updated_at");
    }

    @Test
    void changeDetectionIsNullSafe() {
        for (final Map.Entry<String, String> step :
                SqlScript.read("06_change_processing.sql").marked("step").entrySet()) {
            assertThat(step.getValue()).as(step.getKey()).doesNotContain("<>").doesNotContain("!=");
        }
        final String rebuild =
                SqlScript.read("06_change_processing.sql").marked("step").get("rebuild_chains");
        for (final String attribute :
                List.of("first_name", "last_name", "email", "street", "city", "state", "country")) {
            assertThat(rebuild)
                    .as("row hash covers " + attribute)
                    .contains("COALESCE('v' || CAST(LENGTH(r." + attribute + ") AS VARCHAR) || ':' || r." + attribute
                            + ", 'n')");
        }
    }

    @Test
    void pipeLoadsTheCanonicalColumnsInHeaderOrderWithLineage() {
        final String pipe = SqlScript.read("05_pipe.sql").statements().stream()
                .filter(statement -> statement.startsWith("CREATE PIPE"))
                .findFirst()
                .orElseThrow();
        final Matcher columns = Pattern.compile("COPY INTO [^(]+\\(([^)]*)\\)").matcher(pipe);
        assertThat(columns.find()).isTrue();
        final List<String> loaded =
                Arrays.stream(columns.group(1).split(",")).map(String::strip).toList();
        final List<String> header = Arrays.asList(CustomerCsvFormat.HEADER.split(","));
        assertThat(loaded.subList(0, header.size())).isEqualTo(header);
        assertThat(loaded.subList(header.size(), loaded.size()))
                .containsExactly("extra_field", "source_file", "source_row", "loaded_at");

        final Matcher positions = Pattern.compile("\\$(\\d+)").matcher(pipe.substring(pipe.indexOf("SELECT")));
        final List<Integer> fields = new ArrayList<>();
        while (positions.find()) {
            fields.add(Integer.parseInt(positions.group(1)));
        }
        // one field more than the header: a COPY transformation ignores ERROR_ON_COLUMN_COUNT_MISMATCH, so the
        // eleventh field is loaded to be seen
        assertThat(fields).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(pipe)
                .contains("TO_TIMESTAMP_NTZ($9, 'YYYY-MM-DD\"T\"HH24:MI:SS.FF3\"Z\"')")
                .contains("METADATA$FILENAME, METADATA$FILE_ROW_NUMBER, METADATA$START_SCAN_TIME")
                .contains("ON_ERROR = CONTINUE")
                .contains("PATTERN = '.*[.]csv[.]gz'")
                .contains("CREATE PIPE IF NOT EXISTS");
    }

    @Test
    void fileFormatIsTheCanonicalCsv() {
        final String format = SqlScript.read("03_storage.sql").statements().stream()
                .filter(statement -> statement.startsWith("CREATE FILE FORMAT"))
                .findFirst()
                .orElseThrow();
        assertThat(options(format))
                .containsAllEntriesOf(Map.ofEntries(
                        Map.entry("TYPE", "CSV"),
                        Map.entry("COMPRESSION", "GZIP"),
                        Map.entry("ENCODING", "'UTF8'"),
                        Map.entry("FIELD_DELIMITER", "','"),
                        Map.entry("RECORD_DELIMITER", "'\\n'"),
                        Map.entry("SKIP_HEADER", "1"),
                        Map.entry("FIELD_OPTIONALLY_ENCLOSED_BY", "'\"'"),
                        Map.entry("ESCAPE", "NONE"),
                        Map.entry("ESCAPE_UNENCLOSED_FIELD", "NONE"),
                        Map.entry("TRIM_SPACE", "FALSE"),
                        Map.entry("EMPTY_FIELD_AS_NULL", "TRUE"),
                        Map.entry("NULL_IF", "()"),
                        Map.entry("ERROR_ON_COLUMN_COUNT_MISMATCH", "TRUE")));
        assertThat((char) CustomerCsvFormat.DELIMITER).isEqualTo(',');
        assertThat((char) CustomerCsvFormat.QUOTE).isEqualTo('"');
        assertThat((char) CustomerCsvFormat.LINE_FEED).isEqualTo('\n');
    }

    @Test
    void loaderRoleGetsOnlyWhatNiFiNeeds() {
        final List<String> grants = new ArrayList<>();
        for (final String statement : allStatements()) {
            if (statement.startsWith("GRANT ") && statement.endsWith("TO ROLE SNOWSTREAM_LOADER")) {
                grants.add(statement.replaceAll("&\\{\\w+}", "X").replaceAll("\\s+", " "));
            }
        }
        assertThat(grants)
                .containsExactlyInAnyOrder(
                        "GRANT USAGE ON WAREHOUSE X TO ROLE SNOWSTREAM_LOADER",
                        "GRANT USAGE ON DATABASE X TO ROLE SNOWSTREAM_LOADER",
                        "GRANT USAGE ON SCHEMA X.X TO ROLE SNOWSTREAM_LOADER",
                        "GRANT OPERATE, MONITOR ON PIPE X.X.customer_pipe TO ROLE SNOWSTREAM_LOADER",
                        // COPY_HISTORY returns Snowpipe loads only to a role with some privilege on the target table
                        "GRANT REFERENCES ON TABLE X.X.customer_raw TO ROLE SNOWSTREAM_LOADER");
    }

    @Test
    void tasksRunOnAWarehouseNeedNoManagedTaskPrivilege() {
        assertThat(SqlScript.variables().get("task_compute")).startsWith("WAREHOUSE = ");
        for (final String statement : allStatements()) {
            assertThat(statement)
                    .as("granted only by hand for serverless tasks")
                    .doesNotContain("EXECUTE MANAGED TASK");
        }
    }

    @Test
    void noStatementUsesWhatSnowflakeRefusesOrHasDeprecated() {
        for (final SqlScript script : SqlScript.all()) {
            final String code = withoutComments(script.text());
            assertThat(code)
                    .as("%s: not supported for a COPY that transforms", script)
                    .doesNotContain("VALIDATE_PIPE_LOAD");
            assertThat(code)
                    .as("%s: deprecated for OVERLAP_POLICY", script)
                    .doesNotContain("ALLOW_OVERLAPPING_EXECUTION");
        }
        assertThat(withoutComments(SqlScript.read("07_tasks.sql").text()))
                .contains("DROP TASK IF EXISTS &{database}.&{schema}.capture_rejected_rows_task");
    }

    @Test
    void taskHistoryIsReadBeyondItsDefaultHundredRows() {
        final String monitoring =
                withoutComments(SqlScript.read("08_monitoring.sql").text());
        int calls = 0;
        for (int call = monitoring.indexOf("TASK_HISTORY(");
                call >= 0;
                call = monitoring.indexOf("TASK_HISTORY(", call + 1)) {
            assertThat(arguments(monitoring, call + "TASK_HISTORY".length())).contains("RESULT_LIMIT => 10000");
            calls++;
        }
        assertThat(calls).isEqualTo(2);
    }

    @Test
    void storageIntegrationAndStageFollowTheVariablesOnEveryRun() {
        final List<String> statements = SqlScript.read("02_accountadmin.sql").statements();
        final String alter = statements.stream()
                .filter(statement -> statement.startsWith("ALTER STORAGE INTEGRATION"))
                .findFirst()
                .orElseThrow();
        assertThat(alter)
                .contains("STORAGE_AWS_ROLE_ARN = '&{aws_role_arn}'")
                .contains("STORAGE_ALLOWED_LOCATIONS = ('&{bucket_url}')");
        assertThat(statements.indexOf(alter))
                .isGreaterThan(statements.indexOf(statements.stream()
                        .filter(statement -> statement.startsWith("CREATE STORAGE INTEGRATION IF NOT EXISTS"))
                        .findFirst()
                        .orElseThrow()));
        assertThat(SqlScript.read("03_storage.sql").text())
                .contains("CREATE OR ALTER STAGE")
                .contains("URL = '&{bucket_url}'");
    }

    @Test
    void accountAdminIsUsedOnlyWhereItMustBe() {
        for (final SqlScript script : SqlScript.all()) {
            if (script.text().contains("USE ROLE ACCOUNTADMIN")) {
                assertThat(script.name()).isIn("02_accountadmin.sql", "99_teardown.sql");
            }
            assertThat(script.text().strip())
                    .as("%s states its role first", script)
                    .containsPattern("(?m)^USE ROLE \\w+;");
        }
    }

    @Test
    void variablesAreDefinedInOnePlaceAndAllUsed() {
        final Set<String> used = new HashSet<>();
        for (final SqlScript script : SqlScript.all()) {
            used.addAll(script.variableNames());
            script.templated(SqlScript.variables());
        }
        assertThat(SqlScript.variables().keySet()).containsExactlyInAnyOrderElementsOf(used);
    }

    @Test
    void theTaskWakesComputeOnlyWhenTheStreamHasData() {
        final String tasks = SqlScript.read("07_tasks.sql").text();
        assertThat(tasks)
                .contains("WHEN SYSTEM$STREAM_HAS_DATA('&{database}.&{schema}.customer_raw_stream')")
                .contains("CALL &{database}.&{schema}.apply_customer_changes()")
                .contains("OVERLAP_POLICY = NO_OVERLAP");
        assertThat(SqlScript.read("04_tables.sql").text()).contains("APPEND_ONLY = TRUE");
    }

    @Test
    void everyDuckDbSubstitutionIsNeededByTheStatementsTheTestsRun() {
        final List<String> executed =
                new ArrayList<>(SqlScript.read("04_tables.sql").marked("ddl").values());
        executed.addAll(
                SqlScript.read("06_change_processing.sql").marked("step").values());
        for (final DuckDbDialect.Substitution substitution : DuckDbDialect.SUBSTITUTIONS) {
            assertThat(executed)
                    .as(substitution.reason())
                    .anyMatch(statement -> statement.contains(substitution.snowflake()));
        }
    }

    /** The text between the parenthesis at {@code open} and the one that closes it. */
    private static String arguments(final String text, final int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            depth += text.charAt(i) == '(' ? 1 : text.charAt(i) == ')' ? -1 : 0;
            if (depth == 0) {
                return text.substring(open + 1, i);
            }
        }
        throw new IllegalArgumentException("unbalanced parentheses after " + open);
    }

    private static List<String> allStatements() {
        return SqlScript.all().stream()
                .flatMap(script -> script.statements().stream())
                .toList();
    }

    /** NAME = value pairs of a DDL statement, values as written. */
    private static Map<String, String> options(final String statement) {
        final Map<String, String> options = new LinkedHashMap<>();
        final Matcher option = Pattern.compile("(?m)^\\s*(\\w+) = (.+)$").matcher(statement);
        while (option.find()) {
            options.put(option.group(1), option.group(2).strip());
        }
        return options;
    }

    private static String withoutComments(final String text) {
        return text.replaceAll("--[^\\n]*", "");
    }

    private static String firstLine(final String statement) {
        return statement.lines().findFirst().orElse("");
    }
}
