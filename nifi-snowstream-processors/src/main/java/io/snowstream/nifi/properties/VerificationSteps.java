package io.snowstream.nifi.properties;

import org.apache.nifi.components.ConfigVerificationResult;
import org.apache.nifi.components.ConfigVerificationResult.Outcome;

/** One step of a component's Verify, as NiFi's configuration dialog lists it. */
public final class VerificationSteps {

    private VerificationSteps() {}

    public static ConfigVerificationResult step(final String name, final Outcome outcome, final String explanation) {
        return new ConfigVerificationResult.Builder()
                .verificationStepName(name)
                .outcome(outcome)
                .explanation(explanation)
                .build();
    }
}
