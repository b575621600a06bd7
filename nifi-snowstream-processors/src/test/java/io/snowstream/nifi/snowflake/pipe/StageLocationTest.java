package io.snowstream.nifi.snowflake.pipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StageLocationTest {

    @Test
    void mapsKeysUnderThePrefixToPathsRelativeToIt() {
        final StageLocation stage = StageLocation.parse("s3://snowstream-landing/customers");
        assertThat(stage).hasToString("s3://snowstream-landing/customers/");
        assertThat(stage.relativePath("snowstream-landing", "customers/2026/11/23/a.csv.gz"))
                .contains("2026/11/23/a.csv.gz");
    }

    @Test
    void aBucketWideStageTakesWholeKeys() {
        final StageLocation stage = StageLocation.parse("s3://snowstream-landing/");
        assertThat(stage.relativePath("snowstream-landing", "customers/a.csv")).contains("customers/a.csv");
    }

    @Test
    void objectsOutsideTheLocationHaveNoPath() {
        final StageLocation stage = StageLocation.parse("s3://snowstream-landing/customers/");
        assertThat(stage.relativePath("other-bucket", "customers/a.csv")).isEmpty();
        assertThat(stage.relativePath("snowstream-landing", "customers-old/a.csv"))
                .isEmpty();
        assertThat(stage.relativePath("snowstream-landing", "customers/")).isEmpty();
        assertThat(stage.relativePath("snowstream-landing", null)).isEmpty();
        assertThat(stage.relativePath(null, "customers/a.csv")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "snowstream-landing/customers/",
                "s3://",
                "s3://Bad_Bucket/x/",
                "s3://b/",
                "gcs://x/y/",
                "s3://bucket-name//double/"
            })
    void rejectsWhatIsNotAnS3StageUrl(final String url) {
        assertThatIllegalArgumentException().isThrownBy(() -> StageLocation.parse(url));
    }

    @Test
    void theCommonFolderIsTheNarrowestPrefixCoveringTheBatch() {
        assertThat(StageLocation.commonFolder(List.of("2026/11/23/10/a.csv", "2026/11/23/10/b.csv")))
                .isEqualTo("2026/11/23/10/");
        assertThat(StageLocation.commonFolder(List.of("2026/11/23/10/a.csv", "2026/11/23/11/a.csv")))
                .isEqualTo("2026/11/23/");
        assertThat(StageLocation.commonFolder(List.of("2026/a-1.csv", "2026/a-2.csv")))
                .isEqualTo("2026/");
        assertThat(StageLocation.commonFolder(List.of("2026/11/a.csv"))).isEqualTo("2026/11/a.csv");
        assertThat(StageLocation.commonFolder(List.of("a.csv", "b/c.csv"))).isEmpty();
        assertThat(StageLocation.commonFolder(List.of())).isEmpty();
    }
}
