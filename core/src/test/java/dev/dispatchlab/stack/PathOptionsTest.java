package dev.dispatchlab.stack;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The live paths build on {@link PathOptions#DEFAULT}: it verifies checksums, and no other setting turns that off. */
class PathOptionsTest {

    @Test
    void theDefaultVerifiesChecksumsAndTheOtherSettingsKeepIt() {
        assertThat(PathOptions.DEFAULT.verifyChecksums()).isTrue();
        assertThat(PathOptions.DEFAULT.withVerifyInnerChecksums(true).verifyChecksums()).isTrue();
        assertThat(PathOptions.DEFAULT.withRequireEsp(false).verifyChecksums()).isTrue();
        PathOptions lenient = PathOptions.DEFAULT.withVerifyChecksums(false);
        assertThat(lenient.verifyChecksums()).isFalse();
        assertThat(lenient.withVerifyInnerChecksums(true).verifyChecksums()).isFalse();
        assertThat(lenient.withRequireEsp(false).verifyChecksums()).isFalse();
    }
}
