package io.lambdahat.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lambdahat.nn.ChainParameters;
import io.lambdahat.nn.Transformer;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Generator;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.lambdahat.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.lambdahat.data.Seeds;
import io.lambdahat.train.Trainer;

/** The induction task's chunked evaluation against one pass over the held-out set, its row defaults, and old runs. */
class InductionTrainingTaskTest {
    @Test
    void chunkedEvaluationEqualsOnePassOverTheHeldOutSet() {
        // 600 sequences: two full chunks of 256 and a remainder of 88
        try (TrainingTask t = TaskRegistry.get("induction").create(TaskOptions.of(3, 32, "held-out", "600", "n", "64"));
             Scope s = Scope.open(); var ng = Torch.noGrad(); Generator g = new Generator(9)) {
            Transformer model = (Transformer) t.model();
            Tensor w = t.initialParameters(g).mul(5.0); // weights of scale 0.1: the metrics are far from their values at 0
            ChainParameters p = ChainParameters.replicate(model.layout(), w, 1);
            TrainingTask.Evaluation e = t.evaluate(p.views());

            InductionTask task = new InductionTask(32, 32, Seeds.derive(3, Seeds.TEACHER));
            InductionTask.Sequences held = task.heldOut(600);
            Tensor[] xy = InductionTask.split(held.toTensor(Device.CPU));
            Tensor x = xy[0].unsqueeze(0), y = xy[1].unsqueeze(0);
            Tensor logits = model.logits(p.views(), x);
            Tensor perPosition = Transformer.positionLoss(logits, y);
            assertEquals(perPosition.mean().item(), e.loss(), 1e-6);
            assertEquals(InductionTask.iclScore(perPosition).item(), e.metrics().get("icl_score"), 1e-5);
            assertEquals(InductionTask.inductionAccuracy(logits, y, held.repeatMask(Device.CPU).unsqueeze(0)).item(),
                    e.metrics().get("induction_accuracy"), 1e-6);
            assertTrue(e.metrics().get("induction_accuracy") > 0);
            p.close();
        }
    }

    @Test
    void defaultRowsAreBoundedAndDenseLogGivesTheOldCount(@TempDir Path tmp) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path cheap = tmp.resolve("cheap"), dense = tmp.resolve("dense");
        String[] common = {"train", "--task", "induction", "--steps", "200", "--num-checkpoints", "2", "-o", "n=256", "--quiet"};
        var c = run(concat(common, "--out", cheap.toString()));
        assertEquals(0, c.code(), c.err());
        assertEquals(0, run(concat(common, "--out", dense.toString(), "--dense-log")).code());
        assertEquals(5, json.readTree(cheap.resolve(Trainer.CONFIG).toFile()).get("run").get("log_every").asLong(), "⌈200 / 40⌉");
        assertEquals(1, json.readTree(dense.resolve(Trainer.CONFIG).toFile()).get("run").get("log_every").asLong(), "⌈200 / 500⌉");
        assertEquals(512, json.readTree(cheap.resolve(Trainer.CONFIG).toFile()).get("run").get("task").get("held_out").asInt());
        var both = run(concat(common, "--out", tmp.resolve("both").toString(), "--dense-log", "--log-every", "3"));
        assertEquals(2, both.code());
        assertTrue(both.err().contains("give --log-every or --dense-log, not both"), both.err());
    }

    @Test
    void aRunTrainedUnderTheOldHeldOutDefaultStillOpens(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("old");
        assertEquals(0, run("train", "--task", "induction", "--steps", "2", "--num-checkpoints", "2", "-o", "n=64", "-o", "held-out=2048",
                "--quiet", "--out", dir.toString()).code());
        // as an earlier build wrote it: 2048 was the default, so the options it was given do not name it
        ObjectMapper json = new ObjectMapper();
        ObjectNode doc = (ObjectNode) json.readTree(dir.resolve(Trainer.CONFIG).toFile());
        ((ObjectNode) doc.get("task_options")).remove("held-out");
        Files.writeString(dir.resolve(Trainer.CONFIG), json.writeValueAsString(doc));
        try (TrainingTask t = Trainer.openTask(dir)) {
            assertEquals(2048, ((Number) t.settings().get("held_out")).intValue());
            assertEquals(64, t.trainingSet().size());
        }
        // a recorded setting that is no option of the task is still refused
        ((ObjectNode) doc.get("run").get("task")).put("sparsity", 0.5);
        Files.writeString(dir.resolve(Trainer.CONFIG), json.writeValueAsString(doc));
        try {
            Trainer.openTask(dir).close();
            throw new AssertionError("a task that cannot be rebuilt was opened");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("differs from the recorded one"), expected.getMessage());
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
