package io.snowstream.nifi.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Scans every text file of the repository (flows, docs, sql, deploy, .env.example, sources and test resources) for
 * credentials committed by mistake: AWS secret access keys next to their name, private key blocks outside test
 * resources (where the throwaway test key lives), passwords assigned in SQL, and sensitive NiFi properties stored in
 * a flow definition with a value instead of a parameter reference.
 */
class RepositorySecretsScanTest {

    /** Build output, VCS data and the Maven wrapper's download are not the repository's text. */
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of(".git", "target", "node_modules", "wrapper", ".idea");

    private static final long MAX_TEXT_FILE_BYTES = 4L * 1024 * 1024;

    record Rule(String name, Pattern pattern, boolean allowedInTestResources, Set<String> extensions) {
        boolean appliesTo(final Path relativePath) {
            final String name = relativePath.getFileName().toString();
            return extensions.isEmpty() || extensions.stream().anyMatch(name::endsWith);
        }
    }

    static final List<Rule> RULES = List.of(
            new Rule(
                    "AWS secret access key",
                    Pattern.compile("(?i)(aws_?secret(_?access)?(_?key)?|secret_?access_?key)[^\\n]{0,24}?"
                            + "(?<![A-Za-z0-9/+])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])"),
                    false,
                    Set.of()),
            new Rule(
                    "private key block",
                    Pattern.compile(
                            "-----BEGIN (RSA |EC |DSA |ENCRYPTED |OPENSSH )?PRIVATE KEY-----\\r?\\n[A-Za-z0-9+/=:\\-,\\s]{0,200}?"
                                    + "[A-Za-z0-9+/=]{40,}"),
                    true,
                    Set.of()),
            new Rule(
                    "password assigned in SQL",
                    Pattern.compile("(?i)\\bPASSWORD\\s*=\\s*(?:'[^']+'|\"[^\"]+\"|\\$\\$[^$]+\\$\\$)"),
                    false,
                    Set.of(".sql", ".md")),
            new Rule(
                    "sensitive property with a value in a flow definition",
                    Pattern.compile(
                            "\"(Secret Access Key|Access Key ID|Password|Private Key|Private Key Passphrase)\"\\s*:\\s*\""
                                    + "(?![#$]\\{)[^\"]+\""),
                    false,
                    Set.of(".json", ".xml", ".yml", ".yaml")),
            new Rule(
                    "sensitive parameter with a value in a flow definition",
                    Pattern.compile("\\{[^{}]*\"sensitive\"\\s*:\\s*true[^{}]*\"value\"\\s*:\\s*\"[^\"]+\"[^{}]*}"
                            + "|\\{[^{}]*\"value\"\\s*:\\s*\"[^\"]+\"[^{}]*\"sensitive\"\\s*:\\s*true[^{}]*}"),
                    false,
                    Set.of(".json")));

    @Test
    void noFileOfTheRepositoryHoldsACredential() throws IOException {
        final Path root = repositoryRoot();
        final List<String> findings = new ArrayList<>();
        final List<Path> scanned = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile)
                    .filter(file -> root.relativize(file).getNameCount() == 1 || !isSkipped(root.relativize(file)))
                    .forEach(file -> {
                        final String text = readText(file);
                        if (text != null) {
                            scanned.add(file);
                            findings.addAll(scan(root.relativize(file), text));
                        }
                    });
        }

        assertThat(scanned)
                .as("the scan read the repository")
                .anyMatch(file -> file.endsWith(".env.example"))
                .anyMatch(file -> file.toString().endsWith(".sql"))
                .hasSizeGreaterThan(100);
        assertThat(findings).isEmpty();
    }

    @Test
    void eachRuleRecognisesWhatItLooksFor() {
        final String fakeSecret = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY";
        final String keyBody = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + "BKcwggSjAgEAAoIBAQC7".repeat(2);
        final List<String> findings = new ArrayList<>();
        findings.addAll(scan(Path.of(".env"), "AWS_SECRET_ACCESS_KEY=" + fakeSecret + "\n"));
        findings.addAll(scan(Path.of("creds.json"), "{\"SecretAccessKey\": \"" + fakeSecret + "\"}"));
        findings.addAll(scan(Path.of("docs/key.md"), "-----BEGIN PRIVATE" + " KEY-----\n" + keyBody + "\n"));
        findings.addAll(scan(Path.of("sql/01.sql"), "CREATE USER loader PASSWORD" + " = 'hunter2-but-longer';"));
        findings.addAll(scan(Path.of("flows/flow.json"), "{\"Password\"" + ": \"hunter2\"}"));

        findings.addAll(scan(
                Path.of("flows/parameters.json"),
                "{\"name\": \"snowflake.password\", \"sensitive\"" + ": true, \"value\": \"hunter2\"}"));
        findings.addAll(scan(Path.of("flows/parameters.json"), "{\"value\": \"hunter2\", \"sensitive\"" + ": true}"));

        assertThat(findings).hasSize(7);
        assertThat(scan(
                        Path.of("flows/parameters.json"),
                        "{\"name\": \"snowflake.password\", \"sensitive\"" + ": true, \"value\": null}"))
                .isEmpty();
        assertThat(scan(
                        Path.of("nifi-snowstream-processors/src/test/resources/snowflake/k.p8"),
                        "-----BEGIN PRIVATE" + " KEY-----\n" + keyBody + "\n"))
                .isEmpty();
        assertThat(scan(Path.of("flows/flow.json"), "{\"Password\"" + ": \"#{snowflake.password}\"}"))
                .isEmpty();
    }

    static List<String> scan(final Path relativePath, final String text) {
        final boolean testResource = relativePath.toString().replace('\\', '/').contains("src/test/resources/");
        final List<String> findings = new ArrayList<>();
        for (final Rule rule : RULES) {
            if (testResource && rule.allowedInTestResources() || !rule.appliesTo(relativePath)) {
                continue;
            }
            final Matcher matcher = rule.pattern().matcher(text);
            while (matcher.find()) {
                final int line = (int) text.substring(0, matcher.start())
                                .chars()
                                .filter(c -> c == '\n')
                                .count()
                        + 1;
                findings.add(rule.name() + " in " + relativePath + ":" + line);
            }
        }
        return findings;
    }

    private static boolean isSkipped(final Path relativePath) {
        for (final Path part : relativePath.getParent()) {
            if (SKIPPED_DIRECTORIES.contains(part.toString())) {
                return true;
            }
        }
        return false;
    }

    /** The file's text, or null for a binary or oversized file. */
    private static String readText(final Path file) {
        try {
            if (Files.size(file) > MAX_TEXT_FILE_BYTES) {
                return null;
            }
            final byte[] bytes = Files.readAllBytes(file);
            for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
                if (bytes[i] == 0) {
                    return null;
                }
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Surefire runs in the module folder; the repository is its parent. */
    private static Path repositoryRoot() {
        final Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("pom.xml")).as("repository root").exists();
        assertThat(root.resolve("nifi-snowstream-processors")).isDirectory();
        return root;
    }
}
