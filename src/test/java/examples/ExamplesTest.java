package examples;

import io.lambdahat.sampling.LlcResult;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The integrator examples run and give the answers their comments promise. */
class ExamplesTest {
    @Test
    void customModelHasTheRegularLearningCoefficient() {
        LlcResult r = CustomModelLlc.run(0);
        System.out.printf("custom quadratic model: λ̂ = %.3f ± %.3f (λ = 1.5)%n", r.llcMean(), r.llcStderr());
        assertEquals(1.5, r.llcMean(), 0.15 * 1.5);
    }
}
