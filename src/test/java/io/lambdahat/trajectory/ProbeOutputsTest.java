package io.lambdahat.trajectory;

import io.lambdahat.tasks.Teachers;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.run.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Probe outputs per checkpoint are the model's predictions: for a DLN, x · (W2 W1)ᵀ. */
class ProbeOutputsTest {
    @Test
    void rowsAreTheFlattenedPredictionsAtEachCheckpoint(@TempDir Path run) throws Exception {
        DeepLinearNetwork model = new DeepLinearNetwork(3, 2, 3);
        try (Teachers.Task t = Teachers.dln(model, 1, Teachers.Options.of(100, 2)); Scope s = Scope.open()) {
            Path dir = Files.createDirectories(run.resolve(Checkpoints.FOLDER));
            Checkpoints.write(dir.resolve(Checkpoints.fileName(10, 100)), model.layout(), t.teacherWeights().mul(0.5), Map.of());
            Checkpoints.write(dir.resolve(Checkpoints.fileName(100, 100)), model.layout(), t.teacherWeights(), Map.of());
            Tensor probe = t.data().x().narrow(0, 0, 5);
            double[][] rows = ProbeOutputs.of(model, probe, Checkpoints.list(run));
            assertEquals(2, rows.length);
            var w = model.layout().unflatten(t.teacherWeights());
            Tensor product = w.get("layers.1.weight").matmul(w.get("layers.0.weight"));
            double[] expected = probe.matmul(product.transpose(0, 1)).to(io.lambdahat.torch.DType.FLOAT64).contiguous().toDoubleArray();
            assertArrayEquals(expected, rows[1], 1e-4);
            for (int i = 0; i < expected.length; i++) assertEquals(0.25 * expected[i], rows[0][i], 1e-4); // both layers halved
        }
    }
}
