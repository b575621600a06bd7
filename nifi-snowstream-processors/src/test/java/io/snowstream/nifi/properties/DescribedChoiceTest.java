package io.snowstream.nifi.properties;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DescribedChoiceTest {

    private enum Shape implements DescribedChoice {
        ROUND_BOX;

        @Override
        public Label label() {
            return new Label("Round box", "A box with round corners.");
        }
    }

    @Test
    void theValueAFlowStoresIsTheConstantsNameAndTheUiShowsItsLabel() {
        assertThat(Shape.ROUND_BOX.getValue()).isEqualTo("ROUND_BOX");
        assertThat(Shape.ROUND_BOX.getDisplayName()).isEqualTo("Round box");
        assertThat(Shape.ROUND_BOX.getDescription()).isEqualTo("A box with round corners.");
    }
}
