package io.snowstream.nifi.flows.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The committed flow definition is exactly what {@link CustomerStreamFlow} builds. After changing the builder,
 * regenerate the file with
 * {@code ./mvnw -B -q -pl nifi-snowstream-processors,flows test -Dtest=FlowDefinitionFileTest -Dsurefire.failIfNoSpecifiedTests=false -Dsnowstream.flow.update=true}.
 */
class FlowDefinitionFileTest {

    @Test
    void committedFileIsWhatTheBuilderGenerates() throws IOException {
        final String generated = FlowJson.write(CustomerStreamFlow.snapshot(FlowFiles.rootPomVersion()));
        if (Boolean.getBoolean("snowstream.flow.update")) {
            Files.createDirectories(FlowFiles.FLOW.getParent());
            Files.writeString(FlowFiles.FLOW, generated);
        }

        assertThat(FlowFiles.FLOW).exists();
        assertThat(Files.readString(FlowFiles.FLOW))
                .as("%s is out of date: regenerate it (see this test's comment)", FlowFiles.FLOW)
                .isEqualTo(generated);
    }
}
