package io.lambdahat.cli;

import io.lambdahat.InvalidInputException;
import io.lambdahat.train.ImportedRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The new inputs fuzzed, 10 000 generated cases in all, in bounded time: sweep specs (mutated valid specs, duplicate
 * keys, wrong types, random bytes), import's metrics logs (CSV and JSON lines, mutated and binary) and watched checkpoint
 * folders (odd names, links that loop or lead nowhere, nested folders). Each case is accepted or refused with an
 * {@link InvalidInputException} of one line; nothing else is thrown, and nothing outside the case's own folder changes.
 */
class NewInputsFuzzTest {
    private static final String SPEC = "{\"task\": \"dln\", \"seeds\": [0, 1], \"shards\": 2,\n \"train\": {\"steps\": 200, \"num-checkpoints\": 4, "
            + "\"lr\": [0.05, 0.1]},\n \"trajectory\": {\"draws\": 100, \"chains\": 2, \"targets-from\": \"model\"}, \"stages\": {}}";
    private static final String[] TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "\"lr\"", "\"task\"", "\"seeds\"", "\"train\"", "\"stages\"",
            "\"trajectory\"", "\"shards\"", "-1", "0", "1e400", "NaN", "null", "true", "\"x\"", "[]", "{}", "\"steps\"", "1.5", "\"--out\"",
            "\"a b\"", "\u00e9", "\\u0000", "\n", " ", "\"draws\"", "99999999999999999999"};

    private static String mutate(Random rng, String s) {
        StringBuilder b = new StringBuilder(s);
        int edits = 1 + rng.nextInt(4);
        for (int e = 0; e < edits && !b.isEmpty(); e++) {
            int at = rng.nextInt(b.length());
            switch (rng.nextInt(4)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, TOKENS[rng.nextInt(TOKENS.length)]);
                case 2 -> b.setCharAt(at, (char) (32 + rng.nextInt(95)));
                default -> b.delete(at, Math.min(b.length(), at + rng.nextInt(12)));
            }
        }
        return b.toString();
    }

    private static byte[] noise(Random rng, int max) {
        byte[] b = new byte[rng.nextInt(max)];
        rng.nextBytes(b);
        return b;
    }

    /** One line, named, no Java class names: what the user sees after "error: ". */
    private static void oneLine(InvalidInputException e, String what) {
        assertNotNull(e.getMessage(), what);
        assertFalse(e.getMessage().isBlank(), what);
        assertFalse(e.getMessage().contains("Exception") || e.getMessage().contains("\tat "), what + ": " + e.getMessage());
    }

    @Test
    void tenThousandGeneratedInputsAreAcceptedOrRefusedInOneLine(@TempDir Path tmp) {
        assertTimeoutPreemptively(Duration.ofMinutes(4), () -> {
            Random rng = new Random(29);
            int cases = 0, refused = 0;
            Path specs = Files.createDirectories(tmp.resolve("specs"));
            // the spec check parses every cell's command lines with the real commands' options
            for (int i = 0; i < 3000; i++, cases++) {
                Path f = specs.resolve("spec-" + i + ".json");
                if (i % 10 == 9) Files.write(f, noise(rng, 300));
                else Files.writeString(f, i % 10 == 8 ? SPEC.replace("\"shards\": 2", "\"shards\": 2, \"shards\": 3") : mutate(rng, SPEC));
                try {
                    SweepCommand.check(f);
                } catch (InvalidInputException e) {
                    oneLine(e, f.toString());
                    refused++;
                }
            }
            assertTrue(refused > 500 && refused < 3000, "most mutations are refused, some still parse: " + refused);

            Path logs = Files.createDirectories(tmp.resolve("logs"));
            String csv = "step,train_loss,acc,phase\n0,2.5,0.1,train\n10,2.25,0.2,train\n20,2.0,,eval\n";
            String jsonl = "{\"step\": 0, \"train_loss\": 2.5, \"phase\": \"train\"}\n{\"step\": 10, \"train_loss\": 2.25}\n";
            for (int i = 0; i < 5000; i++, cases++) {
                boolean isCsv = i % 2 == 0;
                Path f = logs.resolve("log-" + i + (isCsv ? ".csv" : ".jsonl"));
                if (i % 13 == 12) Files.write(f, noise(rng, 400));
                else Files.writeString(f, mutate(rng, isCsv ? csv : jsonl), StandardCharsets.UTF_8);
                try {
                    String out = ImportedRun.metricsCsv(f, note -> assertTrue(note.startsWith("note: --metrics " + f), note));
                    List<String> lines = out.lines().toList();
                    assertTrue(List.of(lines.getFirst().split(",", -1)).contains("step"), out);
                    int fields = lines.getFirst().split(",", -1).length;
                    for (String l : lines) assertEquals(fields, l.split(",", -1).length, "a rectangular metrics.csv:\n" + out);
                } catch (InvalidInputException e) {
                    oneLine(e, f.toString());
                    assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
                }
            }

            Path folders = Files.createDirectories(tmp.resolve("folders"));
            String[] names = {"step_%d.safetensors", "step_abc.safetensors", "ckpt-%d.safetensors", "model.safetensors", "%d.safetensors",
                    "step_%d.safetensors.tmp", ".step_%d.safetensors", "step %d.safetensors"};
            for (int i = 0; i < 2000; i++, cases++) {
                Path dir = Files.createDirectories(folders.resolve("w" + i));
                int n = rng.nextInt(5);
                for (int k = 0; k < n; k++) {
                    String name = String.format(names[rng.nextInt(names.length)], rng.nextInt(100));
                    Path sub = rng.nextInt(4) == 0 ? Files.createDirectories(dir.resolve("checkpoint-" + rng.nextInt(50))) : dir;
                    Path f = sub.resolve(name);
                    if (Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
                    switch (rng.nextInt(5)) {
                        case 0 -> Files.createSymbolicLink(f, f);                       // a loop
                        case 1 -> Files.createSymbolicLink(f, dir.resolve("missing"));  // leads nowhere
                        case 2 -> Files.createSymbolicLink(f, dir);                     // a folder that links back
                        default -> Files.write(f, noise(rng, 64));
                    }
                }
                String glob = dir + (rng.nextBoolean() ? "/*.safetensors" : "/*/*.safetensors");
                List<String> before = listing(dir);
                try {
                    ImportedRun.Scan scan = ImportedRun.scan(glob);
                    for (ImportedRun.Found found : scan.found()) assertTrue(found.step() >= 0);
                    for (String p : scan.problems()) assertTrue(p.startsWith(dir.toString()), p);
                } catch (InvalidInputException e) {
                    oneLine(e, glob);
                }
                assertEquals(before, listing(dir), "a scan changes nothing");
            }
            assertEquals(10_000, cases);
        });
    }

    private static List<String> listing(Path dir) throws java.io.IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted().toList()) out.add(dir.relativize(p) + (Files.isSymbolicLink(p) ? " link" : ""));
        }
        return out;
    }
}
