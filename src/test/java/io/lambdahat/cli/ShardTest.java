package io.lambdahat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lambdahat.sweep.Shard;
import io.lambdahat.trajectory.RunRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code trajectory --shard I/N}: N shards together write exactly the records of one unsharded run, the ε and γ the
 * pilot chose at the whole run's last checkpoint included.
 */
class ShardTest {
    /** Every record of a run by file name, without the timing field (the only one allowed to differ). */
    static Map<String, JsonNode> records(Path run) throws Exception {
        Map<String, JsonNode> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(RunRecords.folder(run))) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("step-\\d+\\.json")).toList()) {
                ObjectNode node = (ObjectNode) new ObjectMapper().readTree(f.toFile());
                node.remove("seconds");
                out.put(f.getFileName().toString(), node);
            }
        }
        return out;
    }

    static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
    }

    @Test
    void threeShardsWriteTheRecordsOfOneRun(@TempDir Path root) throws Exception {
        Path whole = root.resolve("whole");
        assertEquals(0, CliTest.run("train", "--task", "dln", "--steps", "200", "--num-checkpoints", "4", "--out", whole.toString(), "--quiet").code());
        Path sharded = root.resolve("sharded");
        copyTree(whole, sharded);
        // no --epsilon: the pilot chooses ε and γ, and must choose them at the whole run's last checkpoint in every shard
        String[] sampler = {"--draws", "30", "--burnin", "20", "--chains", "2", "--quiet"};
        CliTest.Run one = CliTest.run(cat(new String[]{"trajectory", "--run", whole.toString()}, sampler));
        assertEquals(0, one.code(), one.err());
        for (int i = 1; i <= 3; i++) {
            CliTest.Run part = CliTest.run(cat(new String[]{"trajectory", "--run", sharded.toString(), "--shard", i + "/3"}, sampler));
            assertEquals(0, part.code(), part.err());
        }
        Map<String, JsonNode> a = records(whole), b = records(sharded);
        assertTrue(a.size() >= 4, "the run has several checkpoints: " + a.keySet());
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            assertEquals(a.get(name).get("llc/mean").asDouble(), b.get(name).get("llc/mean").asDouble(), 0.0, name);
            assertEquals(a.get(name).get("loss/trace"), b.get(name).get("loss/trace"), name);
            assertEquals(a.get(name), b.get(name), name + ": every field but the timing");
        }
    }

    @Test
    void aShardTakesEveryNthCheckpointFromItsIndex() {
        List<Integer> all = List.of(0, 1, 2, 3, 4, 5, 6);
        assertEquals(List.of(0, 3, 6), Shard.parse("1/3").of(all));
        assertEquals(List.of(1, 4), Shard.parse("2/3").of(all));
        assertEquals(List.of(2, 5), Shard.parse(" 3/3 ").of(all));
        assertEquals(all, Shard.ALL.of(all));
        assertEquals(List.of(), Shard.parse("5/5").of(List.of(1, 2, 3)));
    }

    @Test
    void aBadShardIsRefusedNamingTheOption(@TempDir Path root) {
        for (String bad : List.of("0/3", "4/3", "3", "a/b", "1/0")) {
            CliTest.Run r = CliTest.run("trajectory", "--run", root.toString(), "--shard", bad);
            assertEquals(2, r.code(), bad + ": " + r.err());
            assertTrue(r.err().contains("--shard must be I/N"), r.err());
        }
    }

    private static String[] cat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
