package io.snowstream.nifi.flows.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InProcessFlowTest {

    private static final Map<String, String> PARAMETERS = new HashMap<>();

    static {
        PARAMETERS.put("s3.bucket", "landing");
        PARAMETERS.put("s3.prefix", "customers/");
        PARAMETERS.put("s3.endpoint", null);
    }

    @Test
    void replacesEveryReferenceInAValue() {
        assertThat(InProcessFlow.resolve("s3://#{s3.bucket}/#{s3.prefix}", PARAMETERS))
                .isEqualTo("s3://landing/customers/");
        assertThat(InProcessFlow.resolve("#{s3.prefix}${now():format('yyyy')}", PARAMETERS))
                .isEqualTo("customers/${now():format('yyyy')}");
    }

    @Test
    void aValueThatIsOneReferenceToAParameterWithoutValueIsUnset() {
        assertThat(InProcessFlow.resolve("#{s3.endpoint}", PARAMETERS)).isNull();
        assertThat(InProcessFlow.resolve("x#{s3.endpoint}", PARAMETERS)).isEqualTo("x");
    }

    @Test
    void anUndefinedParameterIsAnError() {
        assertThatThrownBy(() -> InProcessFlow.resolve("#{s3.region}", PARAMETERS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("s3.region");
    }
}
