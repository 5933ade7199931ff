package io.lambdahat.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lambdahat.io.SafeTensorsFile;
import io.lambdahat.run.RunConfig;
import io.lambdahat.run.RunFolder;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import io.lambdahat.tasks.TaskOptions;
import io.lambdahat.tasks.TaskRegistry;
import io.lambdahat.tasks.TorchScriptTask;
import io.lambdahat.tasks.TrainingTask;

/**
 * A PyTorch run as a run folder: config.json names the TorchScript module, the data, the loss and the checkpoint glob
 * (task "torchscript", {@link TorchScriptTask}); {@code checkpoints/step-N.safetensors} are symbolic links to the
 * user's files (referred to, not copied), so trajectory, stages, report and calibrate read it as they read a run of
 * {@code lambdahat train}. The step of each checkpoint comes from its file name ({@code step_001500.safetensors}) or,
 * when that has no number, its folder's ({@code checkpoint-1500/model.safetensors}, as Hugging Face writes them).
 */
public final class ImportedRun {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern DIGITS = Pattern.compile("(\\d+)(?!.*\\d)");

    /**
     * One checkpoint file the glob matched.
     *
     * @param step     its training step
     * @param file     the file (absolute)
     * @param complete false while it is still being written (its bytes fall short of what its header promises)
     */
    public record Found(long step, Path file, boolean complete) {}

    private ImportedRun() {}

    /**
     * The step a checkpoint's path names: the last number in the file name without its extension, else in its folder's name.
     *
     * @param file the checkpoint
     * @return the step
     * @throws IllegalArgumentException if neither names a number
     */
    public static long stepOf(Path file) {
        String name = file.getFileName().toString();
        int dot = name.indexOf('.');
        Matcher m = DIGITS.matcher(dot > 0 ? name.substring(0, dot) : name);
        if (m.find()) return Long.parseLong(m.group(1));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && parent.getFileName() != null) {
            Matcher p = DIGITS.matcher(parent.getFileName().toString());
            if (p.find()) return Long.parseLong(p.group(1));
        }
        throw new io.lambdahat.InvalidInputException("cannot tell the step of checkpoint " + file
                + ": neither its name nor its folder's holds a number (e.g. step_001500.safetensors, checkpoint-1500/model.safetensors)");
    }

    /**
     * Every file the glob matches, by step.
     *
     * @param glob e.g. {@code runs/x/*.safetensors} or {@code out/checkpoint-*}{@code /model.safetensors}
     * @return the checkpoints by step
     * @throws IllegalArgumentException if it matches nothing, or two files name one step
     * @throws IOException if a folder cannot be listed
     */
    public static List<Found> resolve(String glob) throws IOException {
        String[] parts = glob.split("/", -1);
        int fixed = 0;
        while (fixed < parts.length - 1 && !parts[fixed].matches(".*[*?\\[{].*")) fixed++;
        String baseText = String.join("/", java.util.Arrays.copyOfRange(parts, 0, fixed));
        Path base = baseText.isEmpty() ? (glob.startsWith("/") ? Path.of("/") : Path.of(".")) : Path.of(baseText);
        if (!Files.isDirectory(base)) throw new io.lambdahat.InvalidInputException("--checkpoints '" + glob + "': folder " + base + " does not exist");
        String pattern = String.join("/", java.util.Arrays.copyOfRange(parts, fixed, parts.length));
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        int depth = parts.length - fixed;
        Map<Long, Found> bySteps = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(base, depth)) {
            for (Path f : (Iterable<Path>) walk.sorted()::iterator) {
                if (!Files.isRegularFile(f) || !matcher.matches(base.relativize(f))) continue;
                Path abs = f.toAbsolutePath().normalize();
                long step = stepOf(abs);
                Found other = bySteps.put(step, new Found(step, abs, complete(abs)));
                if (other != null) {
                    throw new io.lambdahat.InvalidInputException("--checkpoints '" + glob + "' matches two files for step " + step + ": "
                            + other.file() + " and " + abs + "; narrow the pattern");
                }
            }
        }
        if (bySteps.isEmpty()) throw new io.lambdahat.InvalidInputException("--checkpoints '" + glob + "' matches no file");
        return new ArrayList<>(bySteps.values());
    }

    /** Whether a safetensors file holds every byte its header promises (a file still being written does not). */
    static boolean complete(Path file) {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Writes a run folder for a PyTorch run.
     *
     * @param out     the run folder (new, or empty)
     * @param options the task's options: module, data, targets (optional), loss, checkpoints (absolute paths and glob)
     * @param metrics the run's own log (CSV with a step column, or JSON lines with a "step" key); null for none
     * @return the checkpoints linked, by step; those still being written are left for a later refresh
     * @throws IOException if a file cannot be written
     */
    public static List<Found> create(Path out, Map<String, String> options, Path metrics) throws IOException {
        RunFolder folder = RunFolder.of(out);
        folder.checkWritable();
        List<Found> found = resolve(options.get("checkpoints"));
        Files.createDirectories(folder.checkpointFolder());
        try (TrainingTask task = TaskRegistry.get("torchscript").create(new TaskOptions(0, 32, options))) {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("format", Trainer.FORMAT);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", "torchscript");
            t.putAll(task.settings());
            run.put("task", t);
            run.put("seed", 0);
            run.put("batch", 32);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("run", run);
            doc.put("task_options", options);
            folder.writeConfig(JSON.writeValueAsString(doc));
        }
        if (metrics != null) folder.write(folder.metricsFile(), metricsCsv(metrics));
        return link(out, found);
    }

    /**
     * Re-reads the checkpoint glob of an imported run and links the complete files not linked yet.
     *
     * @param run the run folder
     * @return the newly linked checkpoints (empty for a run of {@code lambdahat train}, whose checkpoints are its own)
     * @throws IOException if the folder cannot be read or written
     */
    public static List<Found> refresh(Path run) throws IOException {
        RunConfig config = RunFolder.of(run).config();
        String glob = config.taskOption("checkpoints");
        if (glob == null || !config.taskName().equals("torchscript")) {
            return List.of();
        }
        List<Found> found;
        try {
            found = resolve(glob);
        } catch (IllegalArgumentException e) {
            return List.of();  // nothing there yet
        }
        return link(run, found);
    }

    /** Links each complete file not linked yet as checkpoints/step-N.safetensors; returns those it linked. */
    private static List<Found> link(Path run, List<Found> found) throws IOException {
        RunFolder runFolder = RunFolder.of(run);
        Files.createDirectories(runFolder.checkpointFolder());
        List<Found> linked = new ArrayList<>();
        for (Found f : found) {
            Path link = runFolder.importedCheckpointLink(f.step());
            if (!f.complete() || Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
            Files.createSymbolicLink(link, f.file());
            linked.add(f);
        }
        linked.sort(Comparator.comparingLong(Found::step));
        return linked;
    }

    /** The run's own log as metrics.csv: a CSV with a step column as it is, or JSON lines' numeric fields by step. */
    static String metricsCsv(Path metrics) throws IOException {
        String name = metrics.getFileName().toString();
        List<String> lines = Files.readAllLines(metrics);
        if (name.endsWith(".csv")) {
            if (lines.isEmpty() || !List.of(lines.get(0).split(",")).contains("step")) {
                throw new io.lambdahat.InvalidInputException("--metrics " + metrics + " needs a header line with a 'step' column");
            }
            return String.join("\n", lines) + "\n";
        }
        if (!name.endsWith(".jsonl")) throw new io.lambdahat.InvalidInputException("--metrics must be a .csv or .jsonl file, got " + metrics);
        List<String> columns = new ArrayList<>(List.of("step"));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) continue;
            JsonNode o = JSON.readTree(line);
            if (!o.has("step")) throw new io.lambdahat.InvalidInputException("--metrics " + metrics + ": a line has no \"step\": " + line);
            Map<String, String> row = new LinkedHashMap<>();
            o.fields().forEachRemaining(e -> {
                if (!e.getValue().isNumber()) return;
                if (!columns.contains(e.getKey())) columns.add(e.getKey());
                row.put(e.getKey(), e.getValue().asText());
            });
            rows.add(row);
        }
        StringBuilder s = new StringBuilder(String.join(",", columns)).append('\n');
        for (Map<String, String> row : rows) {
            s.append(String.join(",", columns.stream().map(c -> row.getOrDefault(c, "")).toList())).append('\n');
        }
        return s.toString();
    }
}
