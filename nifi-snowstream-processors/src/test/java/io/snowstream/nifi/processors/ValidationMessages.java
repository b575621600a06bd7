package io.snowstream.nifi.processors;

import java.util.List;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.util.MockProcessContext;
import org.apache.nifi.util.TestRunner;

/** What NiFi would show a user for a processor's invalid configuration: "subject: explanation" per problem. */
final class ValidationMessages {

    private ValidationMessages() {}

    static List<String> of(final TestRunner runner) {
        return ((MockProcessContext) runner.getProcessContext())
                .validate().stream()
                        .filter(result -> !result.isValid())
                        .map(ValidationMessages::describe)
                        .toList();
    }

    static String describe(final ValidationResult result) {
        return result.getSubject() + ": " + result.getExplanation();
    }
}
