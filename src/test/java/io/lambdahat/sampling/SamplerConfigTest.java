package io.lambdahat.sampling;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Invalid sampler settings are usage errors that name the setting, before any work starts. */
class SamplerConfigTest {
    @Test
    void badValuesAreRejectedWithTheirName() {
        var b = SamplerConfig.builder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.epsilon(0).build()).getMessage().contains("ε"));
        assertThrows(IllegalArgumentException.class, () -> SamplerConfig.builder().epsilon(-1).build());
        assertThrows(IllegalArgumentException.class, () -> SamplerConfig.builder().epsilon(Double.NaN).build());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SamplerConfig.builder().chains(0).build()).getMessage().contains("chains"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SamplerConfig.builder().draws(0).build()).getMessage().contains("draws"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SamplerConfig.builder().nbeta(0).build()).getMessage().contains("nβ"));
        assertThrows(IllegalArgumentException.class, () -> SamplerConfig.builder().nbeta(Double.NaN).build());
        assertThrows(IllegalArgumentException.class, () -> SamplerConfig.builder().gamma(Double.NaN).build());
    }

    @Test
    void nbetaRulesFollowTheirFormulas() {
        assertEquals(10_000 / Math.log(10_000), NBetaRule.N_OVER_LOG_N.value(10_000, 256, Double.NaN), 1e-12);
        assertEquals(256 / Math.log(256), NBetaRule.BATCH_OVER_LOG_BATCH.value(10_000, 256, Double.NaN), 1e-12);
        assertEquals(42, NBetaRule.FIXED.value(10_000, 256, 42), 0);
        assertEquals(NBetaRule.BATCH_OVER_LOG_BATCH, NBetaRule.parse("devinterp"));
    }
}
