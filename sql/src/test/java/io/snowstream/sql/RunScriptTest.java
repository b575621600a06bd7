package io.snowstream.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** run.sh calls the client once per script, in order, with every variable of snowstream.env as one argument. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class RunScriptTest {

    @TempDir
    Path clientDirectory;

    @Test
    void snowCliGetsEveryScriptInOrderWithTheVariables() throws Exception {
        final List<String> calls = run("snow");

        assertThat(calls).hasSize(8);
        for (int i = 0; i < calls.size(); i++) {
            final String script = SqlScript.all().get(i).name();
            assertThat(calls.get(i)).startsWith("sql|-f|" + script + "|");
        }
        assertThat(calls)
                .allSatisfy(call -> assertThat(call)
                        .contains("|-D|database=SNOWSTREAM|")
                        .contains("|-D|task_compute=WAREHOUSE = SNOWSTREAM_WH|")
                        .doesNotContain("99_teardown.sql"));
    }

    @Test
    void snowSqlGetsVariableSubstitutionSwitchedOn() throws Exception {
        final List<String> calls = run("snowsql", "04_tables.sql");

        assertThat(calls)
                .containsExactly(String.join(
                                "|",
                                List.of(
                                        "-o",
                                        "variable_substitution=true",
                                        "-o",
                                        "exit_on_error=true",
                                        "-f",
                                        "04_tables.sql"))
                        + "|"
                        + String.join(
                                "|",
                                SqlScript.variables().entrySet().stream()
                                        .flatMap(variable ->
                                                List.of("-D", variable.getKey() + "=" + variable.getValue()).stream())
                                        .toList()));
    }

    /** Runs run.sh with a stand-in client that records its arguments, one call per line, joined by '|'. */
    private List<String> run(final String client, final String... scripts) throws IOException, InterruptedException {
        final Path log = clientDirectory.resolve("calls.log");
        final Path fakeClient = clientDirectory.resolve(client);
        Files.writeString(
                fakeClient, "#!/usr/bin/env bash\n(IFS='|'; echo \"$*\") >> '" + log + "'\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(fakeClient, PosixFilePermissions.fromString("rwx------"));

        final List<String> command = new ArrayList<>(
                List.of("bash", SqlScript.directory().resolve("run.sh").toString(), client));
        command.addAll(List.of(scripts));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PATH", clientDirectory + ":" + System.getenv("PATH"));
        builder.environment().remove("SNOWSTREAM_ENV");
        builder.environment().remove("SNOWSTREAM_CLIENT_OPTS");
        final Process process = builder.start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }
}
