package io.snowstream.nifi.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario a in NiFi's default security set-up: HTTPS on localhost with the self-signed certificate NiFi's bootstrap
 * generates at first start, and single-user login (credentials set with {@code bin/nifi.sh
 * set-single-user-credentials}). The client trusts exactly the generated certificate, as an operator would after
 * checking its fingerprint. The HTTP set-up is covered by {@link CustomerStreamSystemTest}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NarLoadsOverHttpsSystemTest {

    @RegisterExtension
    static final NiFiInstance NIFI = NiFiInstance.httpsSingleUser();

    @Test
    @Order(1)
    void everyComponentIsListedAndDocumented() {
        NarLoads.verify(NIFI);
    }

    @Test
    @Order(2)
    void theDeployScriptUploadsTheFlowOverHttpsWithLogin() {
        final DeployedFlow flow = DeployedFlow.upload(NIFI);

        assertThat(NIFI.client().groupFlow(flow.groupId()).path("processors")).hasSize(5);
        // the script is safe to re-run: a second upload leaves the group alone
        final DeployedFlow again = DeployedFlow.upload(NIFI);
        assertThat(again.groupId()).isEqualTo(flow.groupId());
        assertThat(NIFI.errorLines()).as("ERROR lines in logs/nifi-app.log").isEmpty();
    }
}
