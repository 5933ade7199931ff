package io.lambdahat.cli;

import io.lambdahat.torchscript.TorchScriptFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Resources before work: the memory estimate refuses a run that cannot fit before any pilot or sampling, in trajectory
 * and watch (built-in model) and in llc --torchscript, which had no check; one error line, exit 2, nothing written.
 */
class ResourcesFirstTest {
    private static final String[] TOO_MANY = {"--chains", "100000", "--draws", "1000000"};

    private static void refusedForMemory(BadInputTest.Proc p) {
        assertEquals(2, p.code(), p.err());
        List<String> lines = p.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "no pilot's settings line, no progress, one error:\n" + p.err());
        assertTrue(lines.getFirst().startsWith("error: ") && lines.getFirst().contains("of Java heap") && lines.getFirst().contains("100000 chains"),
                p.err());
    }

    @Test
    void trajectoryChecksMemoryBeforeThePilot(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        assertEquals(0, CliTest.run("train", "--task", "dln", "--steps", "60", "--num-checkpoints", "3", "--out", run.toString(), "--quiet").code());
        List<String> args = new java.util.ArrayList<>(List.of("trajectory", "--run", run.toString()));
        args.addAll(List.of(TOO_MANY));
        refusedForMemory(BadInputTest.launch(tmp, args.toArray(String[]::new)));
        assertFalse(Files.exists(run.resolve("trajectory-settings.json")), "the pilot did not run");
        assertFalse(Files.exists(run.resolve("llc")), "nothing was sampled");

        args.set(0, "watch");
        args.add("--once");
        refusedForMemory(BadInputTest.launch(tmp, args.toArray(String[]::new)));
        assertFalse(Files.exists(run.resolve("trajectory-settings.json")) || Files.exists(run.resolve("llc")), "watch neither piloted nor sampled");
    }

    @Test
    void llcOfATorchScriptModuleChecksMemoryBeforeSampling(@TempDir Path tmp) throws Exception {
        Path fx = Files.createDirectories(tmp.resolve("fx"));
        TorchScriptFixtures.python(Path.of("src/test/python/torchscript_fixtures.py"), fx.toString());
        List<String> args = new java.util.ArrayList<>(List.of("llc", "--torchscript", fx.resolve("run_mlp.pt").toString(), "--data",
                fx.resolve("run_data.safetensors").toString()));
        args.addAll(List.of(TOO_MANY));
        refusedForMemory(BadInputTest.launch(tmp, args.toArray(String[]::new)));
    }
}
