package io.lambdahat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lambdahat.sweep.SweepFolder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A sweep through a real one-node Slurm cluster ({@code bin/slurm-local}: training array, trajectory shards array,
 * stages job) writes the same records, bit for bit, as the local executor. Skipped, with the reason, where the cluster
 * cannot start (no slurm-wlm or munge, not root).
 */
class SlurmSweepTest {
    static final String SPEC = """
            {"task": "dln", "seeds": [0, 1, 2], "shards": 3,
             "train": {"steps": 200, "num-checkpoints": 6},
             "trajectory": {"draws": 20, "burnin": 10, "chains": 2},
             "stages": false}
            """;

    @Test
    void slurmSweepWritesTheLocalExecutorsRecords(@TempDir Path root) throws Exception {
        Path script = Path.of(System.getProperty("user.dir"), "bin", "slurm-local");
        Path state = root.resolve("slurm");
        // a port of its own, so that a cluster someone started by hand is left alone
        String port = Long.toString(20_000 + ProcessHandle.current().pid() % 20_000);
        ProcessBuilder start = new ProcessBuilder("bash", script.toString(), "start").redirectErrorStream(true);
        start.environment().put("LAMBDAHAT_SLURM_DIR", state.toString());
        start.environment().put("LAMBDAHAT_SLURM_PORT", port);
        Process p = start.start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        boolean up = p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0;
        Assumptions.assumeTrue(up, () -> "no local Slurm cluster: " + said);
        try {
            Path spec = root.resolve("sweep.json");
            Files.writeString(spec, SPEC);
            Path local = root.resolve("local"), slurm = root.resolve("viaslurm");
            BadInputTest.Proc a = SweepTest.launch(root, Map.of(), "sweep", "--spec", spec.toString(), "--out", local.toString(), "--jobs", "2");
            assertEquals(0, a.code(), a.err());

            Map<String, String> env = Map.of("SLURM_CONF", state.resolve("slurm.conf").toString());
            BadInputTest.Proc b = SweepTest.launch(root, env, "sweep", "--spec", spec.toString(), "--out", slurm.toString(), "--executor", "slurm",
                    "--jobs", "2", "--cpus", "1");
            assertEquals(0, b.code(), b.err());
            assertTrue(b.out().startsWith("submitted 3 cells × 3 shards"), b.out());

            SweepFolder folder = new SweepFolder(slurm);
            List<String> cells = List.of("seed-0", "seed-1", "seed-2");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
            while (true) {
                boolean finished = true;
                for (String c : cells) {
                    SweepFolder.State s = folder.cellState(c);
                    if (s == SweepFolder.State.FAILED) fail(c + " failed: " + folder.failure(c) + "\n" + logs(slurm));
                    if (s != SweepFolder.State.DONE) finished = false;
                }
                if (finished) break;
                if (System.nanoTime() > deadline) fail("the Slurm sweep did not finish in 8 minutes\n" + logs(slurm));
                Thread.sleep(1000);
            }
            BadInputTest.Proc status = SweepTest.launch(root, env, "sweep", "status", slurm.toString());
            assertEquals(0, status.code(), status.err());
            assertTrue(status.out().contains("3 done") && status.out().contains("Slurm jobs"), status.out());

            for (String c : cells) {
                Map<String, JsonNode> x = ShardTest.records(local.resolve("cells").resolve(c)), y = ShardTest.records(slurm.resolve("cells").resolve(c));
                assertTrue(x.size() >= 5, c + ": " + x.keySet());
                assertEquals(x.keySet(), y.keySet(), c);
                for (String r : x.keySet()) {
                    assertEquals(x.get(r).get("llc/mean").asDouble(), y.get(r).get("llc/mean").asDouble(), 0.0, c + " " + r);
                    assertEquals(x.get(r).get("loss/trace"), y.get(r).get("loss/trace"), c + " " + r);
                    assertEquals(x.get(r), y.get(r), c + " " + r + ": every field but the timing");
                }
            }
        } finally {
            ProcessBuilder stop = new ProcessBuilder("bash", script.toString(), "stop").inheritIO();
            stop.environment().put("LAMBDAHAT_SLURM_DIR", state.toString());
            stop.start().waitFor(1, TimeUnit.MINUTES);
        }
    }

    private static String logs(Path sweep) throws Exception {
        StringBuilder s = new StringBuilder();
        try (Stream<Path> files = Files.list(sweep.resolve("logs"))) {
            for (Path f : files.sorted().toList()) s.append("== ").append(f.getFileName()).append('\n').append(Files.readString(f)).append('\n');
        }
        return s.toString();
    }
}
