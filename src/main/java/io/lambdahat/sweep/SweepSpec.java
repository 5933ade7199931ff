package io.lambdahat.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.InvalidInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A sweep: one training task, a list of seeds and, per command, options whose list values span a grid. Every
 * combination of seed and listed values is one cell, an ordinary run folder. The spec is JSON:
 * <pre>{@code
 * {"task": "dln", "seeds": [0, 1, 2], "shards": 3,
 *  "train": {"steps": 200, "num-checkpoints": 4, "lr": [0.05, 0.1]},
 *  "trajectory": {"draws": 100, "chains": 2},
 *  "stages": {}}
 * }</pre>
 * A key of "train", "trajectory" or "stages" is that command's long option without the dashes; a value is a number, a
 * string, true (a flag) or a list of those (one cell per value). {@code "stages": false} skips stage detection.
 *
 * @param task       the training task
 * @param seeds      the training seeds
 * @param shards     trajectory shards per cell
 * @param train      options of {@code train}, each with its values
 * @param trajectory options of {@code trajectory}
 * @param stages     options of {@code stages}
 * @param runStages  false when the spec says {@code "stages": false}: a cell is done once its trajectory is (stage
 *                   detection refuses short trajectories, e.g. of a quick trial sweep)
 */
public record SweepSpec(String task, List<Long> seeds, int shards, Map<String, List<String>> train,
                        Map<String, List<String>> trajectory, Map<String, List<String>> stages, boolean runStages) {
    /** The top-level keys a spec may have. */
    public static final List<String> KEYS = List.of("task", "seeds", "shards", "train", "trajectory", "stages");
    /** Options the sweep sets itself per cell, refused in a spec. */
    public static final Set<String> RESERVED = Set.of("task", "seed", "out", "run", "shard", "quiet", "verbose", "help", "version", "stop-after", "json");

    /**
     * One cell: a run folder name and the options of its three commands.
     *
     * @param name       the folder name under {@code SWEEP/cells/}
     * @param seed       the training seed
     * @param train      extra options of {@code train} (beyond task, seed, out)
     * @param trajectory extra options of {@code trajectory} (beyond run, shard)
     * @param stages     extra options of {@code stages} (beyond run)
     */
    public record Cell(String name, long seed, List<String> train, List<String> trajectory, List<String> stages) {}

    /**
     * Reads and checks a spec file.
     *
     * @param file        the JSON file
     * @param knownOption whether a command ("train", "trajectory", "stages") has a long option (given without dashes)
     * @return the spec
     * @throws InvalidInputException naming the key, for an unknown key or a value of the wrong kind
     * @throws IOException           if the file cannot be read
     */
    public static SweepSpec read(Path file, java.util.function.BiPredicate<String, String> knownOption) throws IOException {
        if (!Files.isRegularFile(file)) throw new InvalidInputException("sweep spec " + file + " does not exist");
        JsonNode root;
        try {
            // a key given twice would otherwise be taken silently from its last occurrence
            root = new ObjectMapper().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            java.util.regex.Matcher twice = java.util.regex.Pattern.compile("Duplicate field '(.*)'").matcher(String.valueOf(e.getOriginalMessage()));
            String where = e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : "";
            if (twice.find()) {
                throw new InvalidInputException("sweep spec " + file + ": key '" + twice.group(1) + "' is given twice" + where
                        + "; give each key once (a list of values sweeps over them)");
            }
            throw new InvalidInputException("sweep spec " + file + " is not JSON" + where + ": " + e.getOriginalMessage());
        }
        return parse(root, knownOption);
    }

    /**
     * Checks a spec.
     *
     * @param root        the spec's JSON
     * @param knownOption whether a command has a long option
     * @return the spec
     * @throws InvalidInputException naming the key, for an unknown key or a value of the wrong kind
     */
    public static SweepSpec parse(JsonNode root, java.util.function.BiPredicate<String, String> knownOption) {
        if (root == null || !root.isObject()) throw new InvalidInputException("sweep spec: must be a JSON object with keys " + KEYS);
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) throw new InvalidInputException("sweep spec: unknown key '" + key + "'; the keys are " + KEYS);
        }
        JsonNode task = root.get("task");
        if (task == null || !task.isTextual() || task.asText().isBlank()) {
            throw new InvalidInputException("sweep spec: 'task' must be a task name, e.g. \"dln\"");
        }
        List<Long> seeds = new ArrayList<>();
        JsonNode s = root.get("seeds");
        if (s == null) {
            seeds.add(0L);
        } else {
            if (!s.isArray() || s.isEmpty()) throw new InvalidInputException("sweep spec: 'seeds' must be a non-empty list of whole numbers, e.g. [0, 1, 2]");
            for (JsonNode v : s) {
                if (!v.canConvertToLong() || !v.isIntegralNumber()) throw new InvalidInputException("sweep spec: 'seeds' must hold whole numbers, got " + v);
                if (seeds.contains(v.asLong())) throw new InvalidInputException("sweep spec: 'seeds' lists " + v + " twice");
                seeds.add(v.asLong());
            }
        }
        int shards = 1;
        JsonNode n = root.get("shards");
        if (n != null) {
            if (!n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > 10_000) {
                throw new InvalidInputException("sweep spec: 'shards' must be a whole number from 1, got " + n);
            }
            shards = n.asInt();
        }
        boolean runStages = !(root.has("stages") && root.get("stages").isBoolean() && !root.get("stages").asBoolean());
        return new SweepSpec(task.asText(), List.copyOf(seeds), shards,
                options(root, "train", k -> knownOption.test("train", k)),
                options(root, "trajectory", k -> knownOption.test("trajectory", k)),
                runStages ? options(root, "stages", k -> knownOption.test("stages", k)) : Map.of(), runStages);
    }

    private static Map<String, List<String>> options(JsonNode root, String section, Predicate<String> known) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        JsonNode node = root.get(section);
        if (node == null) return out;
        if (!node.isObject()) {
            throw new InvalidInputException("sweep spec: '" + section + "' must be an object of " + section + " options"
                    + (section.equals("stages") ? " or false" : ""));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey(), where = section + "." + key;
            if (RESERVED.contains(key)) throw new InvalidInputException("sweep spec: '" + where + "' is set by the sweep itself; leave it out");
            if (!known.test(key)) {
                throw new InvalidInputException("sweep spec: unknown key '" + where + "': 'lambdahat " + section + "' has no option --" + key);
            }
            List<String> values = new ArrayList<>();
            JsonNode v = e.getValue();
            if (v.isArray()) {
                if (v.isEmpty()) throw new InvalidInputException("sweep spec: '" + where + "' lists no values");
                for (JsonNode one : v) values.add(value(where, one));
                if (new LinkedHashSet<>(values).size() != values.size()) throw new InvalidInputException("sweep spec: '" + where + "' lists a value twice");
            } else {
                values.add(value(where, v));
            }
            out.put(key, List.copyOf(values));
        }
        return out;
    }

    /** A value as its command-line text; true stands for a flag given, false for a flag left out. */
    private static String value(String where, JsonNode v) {
        if (v.isBoolean()) return v.asBoolean() ? "true" : "false";
        if (v.isNumber()) return v.numberValue().toString();
        if (v.isTextual() && !v.asText().isBlank()) return v.asText();
        throw new InvalidInputException("sweep spec: '" + where + "' must be a number, a string, true/false or a list of those, got " + v);
    }

    /** {@return every cell, seeds outermost, then the listed values in the spec's order} */
    public List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        List<String[]> grid = new ArrayList<>(); // section, key
        for (var e : List.of(Map.entry("train", train), Map.entry("trajectory", trajectory), Map.entry("stages", stages))) {
            for (String key : e.getValue().keySet()) grid.add(new String[]{e.getKey(), key});
        }
        int[] at = new int[grid.size()];
        for (long seed : seeds) {
            java.util.Arrays.fill(at, 0);
            while (true) {
                StringBuilder name = new StringBuilder("seed-").append(seed);
                Map<String, List<String>> args = new LinkedHashMap<>(Map.of("train", new ArrayList<>(), "trajectory", new ArrayList<>(), "stages", new ArrayList<>()));
                for (int g = 0; g < grid.size(); g++) {
                    String section = grid.get(g)[0], key = grid.get(g)[1];
                    List<String> values = section(section).get(key);
                    String v = values.get(at[g]);
                    if (!v.equals("false")) args.get(section).add("--" + key);
                    if (!v.equals("true") && !v.equals("false")) args.get(section).add(v);
                    if (values.size() > 1) name.append('_').append(key).append('-').append(v.replaceAll("[^A-Za-z0-9.+-]", "_"));
                }
                cells.add(new Cell(name.toString(), seed, List.copyOf(args.get("train")), List.copyOf(args.get("trajectory")), List.copyOf(args.get("stages"))));
                int g = grid.size() - 1;
                while (g >= 0 && ++at[g] == section(grid.get(g)[0]).get(grid.get(g)[1]).size()) at[g--] = 0;
                if (g < 0) break;
            }
        }
        Set<String> names = new LinkedHashSet<>();
        for (Cell c : cells) {
            if (!names.add(c.name())) throw new InvalidInputException("sweep spec: two cells would share the folder name " + c.name()
                    + " (one key listed in two sections?); list each varied key in one section only");
        }
        return cells;
    }

    private Map<String, List<String>> section(String name) {
        return switch (name) {
            case "train" -> train;
            case "trajectory" -> trajectory;
            default -> stages;
        };
    }
}
