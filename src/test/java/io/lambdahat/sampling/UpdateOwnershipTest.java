package io.lambdahat.sampling;

import io.lambdahat.tasks.Teachers;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** {@link LangevinSampler#update}: the caller closes the update it passed; the sampler closes the one it made. */
class UpdateOwnershipTest {
    /** Counts the close calls of the update it wraps. */
    static final class Counting implements SgldUpdate {
        final SgldUpdate inner;
        int closes;

        Counting(SgldUpdate inner) {
            this.inner = inner;
        }

        @Override
        public ChainNorms step(Tensor w, Tensor grad, Tensor centre, Tensor mask, boolean[] frozen, StepCoefficients k,
                               Generator noise, boolean wantNorms) {
            return inner.step(w, grad, centre, mask, frozen, k, noise, wantNorms);
        }

        @Override
        public void close() {
            closes++;
            inner.close();
        }
    }

    @Test
    void theCallersUpdateStaysOpenAndTheSamplersOwnIsClosed() {
        DeepLinearNetwork model = new DeepLinearNetwork(4, 3, 4);
        // RMSProp-SGLD's update holds its preconditioner V, one [C, P] tensor, until it is closed.
        SamplerConfig cfg = SamplerConfig.builder().sampler(Sampler.RMSPROP_SGLD).epsilon(1e-6).gamma(100).chains(2)
                .burnin(5).draws(10).batchSize(50).seed(3).build();
        try (Teachers.Task t = Teachers.dln(model, 1, Teachers.Options.of(500, 3))) {
            long base = Torch.liveTensors();
            new LangevinSampler(model, t.data(), cfg).run(t.teacherWeights());
            assertEquals(base, Torch.liveTensors(), "the update the sampler made is closed, with its V");

            Counting mine = new Counting(new RmspropSgldUpdate());
            double first = new LangevinSampler(model, t.data(), cfg).update(mine).run(t.teacherWeights()).llcMean();
            assertEquals(0, mine.closes, "the sampler closed the caller's update");
            assertEquals(base + 1, Torch.liveTensors(), "the caller's update still holds its V");
            // Still usable: a second run goes on from the V of the first.
            double second = new LangevinSampler(model, t.data(), cfg).update(mine).run(t.teacherWeights()).llcMean();
            assertTrue(Double.isFinite(first) && Double.isFinite(second), first + ", " + second);
            assertEquals(0, mine.closes);
            mine.close();
            assertEquals(1, mine.closes);
            assertEquals(base, Torch.liveTensors());
        }
    }
}
