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

    @Test
    void theMonitorReportsTransitionsWhereTheLossDrops() {
        TrainingWithMonitor.Outcome o = TrainingWithMonitor.run(3000, 100, 0);
        // the loss (teacher singular values 4 and 1.5, lr 0.005, init 1e-4) drops between steps ~600–1200 and ~2000–2800;
        // each drop leaves a saddle, where w* is no minimum and λ̂ dips to a minimum just before the loss falls
        var minima = o.transitions().stream().filter(t -> t.kind() == io.lambdahat.dynamics.Boundary.Kind.MINIMUM)
                .mapToDouble(t -> t.step()).toArray();
        System.out.println("transitions reported: " + o.transitions().stream().map(t -> t.describe()).toList());
        assertTrue(java.util.Arrays.stream(minima).anyMatch(s -> s > 500 && s < 1300), "a λ̂ minimum at the first drop");
        assertTrue(java.util.Arrays.stream(minima).anyMatch(s -> s > 1800 && s < 2800), "a λ̂ minimum at the second drop");
        var last = o.history().get(o.history().size() - 1);
        assertTrue(last.loss() < 1e-2, "training converged: " + last.loss());
    }
}
