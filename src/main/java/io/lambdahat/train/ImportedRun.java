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
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
     * What a checkpoint glob matches.
     *
     * @param found    the checkpoints by step
     * @param problems one line for each matching file that cannot be used: a symbolic link that leads nowhere (a loop,
     *                 or a missing target), a name without a step, a folder that links back to its own parent
     */
    public record Scan(List<Found> found, List<String> problems) {}

    /**
     * Every file the glob matches, by step; a file that cannot be used is an error.
     *
     * @param glob e.g. {@code runs/x/*.safetensors} or {@code out/checkpoint-*}{@code /model.safetensors}
     * @return the checkpoints by step
     * @throws io.lambdahat.InvalidInputException if it matches nothing, a file it matches cannot be used, or two files name one step
     * @throws IOException if a folder cannot be listed
     */
    public static List<Found> resolve(String glob) throws IOException {
        Scan scan = scan(glob);
        if (!scan.problems().isEmpty()) {
            List<String> shown = scan.problems().subList(0, Math.min(3, scan.problems().size()));
            throw new io.lambdahat.InvalidInputException("--checkpoints '" + glob + "': " + String.join("; ", shown)
                    + (scan.problems().size() > shown.size() ? " (and " + (scan.problems().size() - shown.size()) + " more)" : "")
                    + "; remove " + (scan.problems().size() > 1 ? "them" : "it") + " or narrow the pattern");
        }
        if (scan.found().isEmpty()) throw new io.lambdahat.InvalidInputException("--checkpoints '" + glob + "' matches no file");
        return scan.found();
    }

    /**
     * Every file the glob matches, by step, and the files it matches that cannot be used. Symbolic links to folders and
     * files are followed (a glob through a linked folder works).
     *
     * @param glob e.g. {@code runs/x/*.safetensors}
     * @return what it matches (possibly nothing)
     * @throws io.lambdahat.InvalidInputException if the glob's fixed folder does not exist, or two files name one step
     * @throws IOException if a folder cannot be listed
     */
    public static Scan scan(String glob) throws IOException {
        String[] parts = glob.split("/", -1);
        int fixed = 0;
        while (fixed < parts.length - 1 && !parts[fixed].matches(".*[*?\\[{].*")) fixed++;
        String baseText = String.join("/", java.util.Arrays.copyOfRange(parts, 0, fixed));
        Path base = baseText.isEmpty() ? (glob.startsWith("/") ? Path.of("/") : Path.of(".")) : Path.of(baseText);
        if (!Files.isDirectory(base)) throw new io.lambdahat.InvalidInputException("--checkpoints '" + glob + "': folder " + base + " does not exist");
        String pattern = String.join("/", java.util.Arrays.copyOfRange(parts, fixed, parts.length));
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        int depth = parts.length - fixed;
        List<Path> files = new ArrayList<>();
        Map<Path, String> unusable = new TreeMap<>();
        Files.walkFileTree(base, java.util.EnumSet.of(java.nio.file.FileVisitOption.FOLLOW_LINKS), depth, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes attrs) {
                if (!matcher.matches(base.relativize(f))) return java.nio.file.FileVisitResult.CONTINUE;
                if (attrs.isRegularFile()) files.add(f);
                else if (attrs.isSymbolicLink()) unusable.put(f, "is a symbolic link that leads nowhere (a loop, or its target is missing)");
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) {
                if (e instanceof java.nio.file.FileSystemLoopException) {
                    unusable.put(f, "is a folder that links back to a folder above it (a loop)");
                } else if (matcher.matches(base.relativize(f))) {
                    unusable.put(f, "cannot be read (" + e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "") + ")");
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        files.sort(null);
        Map<Long, Found> bySteps = new TreeMap<>();
        for (Path f : files) {
            Path abs = f.toAbsolutePath().normalize();
            long step;
            try {
                step = stepOf(abs);
            } catch (io.lambdahat.InvalidInputException e) {
                unusable.put(f, "names no step (neither the file's name nor its folder's holds a number, e.g. step_001500.safetensors)");
                continue;
            }
            Found other = bySteps.put(step, new Found(step, abs, complete(abs)));
            if (other != null) {
                throw new io.lambdahat.InvalidInputException("--checkpoints '" + glob + "' matches two files for step " + step + ": "
                        + other.file() + " and " + abs + "; narrow the pattern");
            }
        }
        List<String> problems = new ArrayList<>();
        unusable.forEach((f, why) -> problems.add(f.toAbsolutePath().normalize() + " " + why));
        return new Scan(new ArrayList<>(bySteps.values()), problems);
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
     * Writes a run folder for a PyTorch run. The metrics are checked before anything is written, and a folder this call
     * created is removed again when a later write fails, so a refused import leaves nothing behind.
     *
     * @param out     the run folder (new, or empty)
     * @param options the task's options: module, data, targets (optional), loss, checkpoints (absolute paths and glob)
     * @param metrics the run's own log (CSV with a step column, or JSON lines with a "step" key); null for none
     * @return the checkpoints linked, by step; those still being written are left for a later refresh
     * @throws IOException if a file cannot be written
     * @throws io.lambdahat.InvalidInputException if the folder holds something, or the metrics or glob are unusable
     */
    public static List<Found> create(Path out, Map<String, String> options, Path metrics) throws IOException {
        return create(out, options, metrics == null ? null : metricsCsv(metrics, note -> { }));
    }

    /**
     * Writes a run folder for a PyTorch run, its metrics already converted by {@link #metricsCsv}.
     *
     * @param out        the run folder (new, or empty)
     * @param options    the task's options: module, data, targets (optional), loss, checkpoints (absolute paths and glob)
     * @param metricsCsv the text of metrics.csv, or null for none
     * @return the checkpoints linked, by step
     * @throws IOException if a file cannot be written
     * @throws io.lambdahat.InvalidInputException if the folder holds something, or the glob is unusable
     */
    public static List<Found> create(Path out, Map<String, String> options, String metricsCsv) throws IOException {
        return write(out, options, metricsCsv, false);
    }

    /**
     * Deletes the run in a folder ({@link RunFolder#deleteRun}: files that are not a run's stay) and writes a run folder
     * for a PyTorch run in its place.
     *
     * @param out        the run folder
     * @param options    the task's options: module, data, targets (optional), loss, checkpoints (absolute paths and glob)
     * @param metricsCsv the text of metrics.csv, or null for none
     * @return the checkpoints linked, by step
     * @throws IOException if a file cannot be deleted or written
     * @throws io.lambdahat.InvalidInputException if the glob is unusable (then nothing is deleted)
     */
    public static List<Found> replace(Path out, Map<String, String> options, String metricsCsv) throws IOException {
        return write(out, options, metricsCsv, true);
    }

    private static List<Found> write(Path out, Map<String, String> options, String metricsCsv, boolean replace) throws IOException {
        RunFolder folder = RunFolder.of(out);
        folder.checkWritable();
        if (!replace && folder.contents() != RunFolder.Contents.NOTHING) {
            throw new io.lambdahat.InvalidInputException("cannot import into " + out + ": the folder is not empty; choose a new or empty folder");
        }
        List<Found> found = resolve(options.get("checkpoints"));
        if (replace) folder.deleteRun();
        Path firstMissing = out.toAbsolutePath().normalize();
        while (firstMissing.getParent() != null && !Files.exists(firstMissing.getParent())) firstMissing = firstMissing.getParent();
        Path created = Files.exists(out) ? null : firstMissing;
        try {
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
            if (metricsCsv != null) folder.write(folder.metricsFile(), metricsCsv);
            return link(out, found);
        } catch (IOException | RuntimeException | Error e) {
            try {
                if (created != null) RunFolder.deleteTree(created);
                else folder.deleteRun();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Adds to an imported run the checkpoints its glob matches now and that are not linked yet, and replaces its
     * metrics.csv when a log is given; config.json, the links already there and the λ̂ records stay as they are.
     *
     * @param run        an imported run's folder
     * @param metricsCsv the text of metrics.csv ({@link #metricsCsv}), or null to keep the one there
     * @return the newly linked checkpoints, by step
     * @throws IOException if a file cannot be read or written
     * @throws io.lambdahat.InvalidInputException if the glob matches nothing usable
     */
    public static List<Found> append(Path run, String metricsCsv) throws IOException {
        RunFolder folder = RunFolder.of(run);
        List<Found> found = resolve(folder.config().taskOption("checkpoints"));
        if (metricsCsv != null) folder.write(folder.metricsFile(), metricsCsv);
        return link(run, found);
    }

    /**
     * Re-reads the checkpoint glob of an imported run and links the complete files not linked yet.
     *
     * @param run the run folder
     * @return the newly linked checkpoints (empty for a run of {@code lambdahat train}, whose checkpoints are its own)
     * @throws IOException if the folder cannot be read or written
     */
    public static List<Found> refresh(Path run) throws IOException {
        return refresh(run, note -> { });
    }

    /**
     * Re-reads the checkpoint glob of an imported run and links the complete files not linked yet; the files the glob
     * matches that cannot be used (a link that leads nowhere, a name without a step) are told, not dropped in silence.
     *
     * @param run   the run folder
     * @param notes receives one line per unusable file
     * @return the newly linked checkpoints (empty for a run of {@code lambdahat train}, whose checkpoints are its own)
     * @throws IOException if the folder cannot be read or written
     */
    public static List<Found> refresh(Path run, Consumer<String> notes) throws IOException {
        RunConfig config = RunFolder.of(run).config();
        String glob = config.taskOption("checkpoints");
        if (glob == null || !config.taskName().equals("torchscript")) {
            return List.of();
        }
        Scan scan;
        try {
            scan = scan(glob);
        } catch (IllegalArgumentException e) {
            notes.accept(e.getMessage());
            return List.of();  // nothing there yet, or two files for one step
        }
        for (String p : scan.problems()) notes.accept("--checkpoints '" + glob + "': " + p + "; left out");
        return link(run, scan.found());
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

    /**
     * The run's own log as the text of metrics.csv: a CSV with a step column (its non-numeric columns left out, with a
     * note), or JSON lines' numeric fields by step. Every problem names the file and the line.
     *
     * @param metrics the log (.csv or .jsonl)
     * @param notes   receives a line for each column left out
     * @return the text of metrics.csv
     * @throws io.lambdahat.InvalidInputException if it is not UTF-8 text, has no step column or key, a step is not a
     *                                            whole number ≥ 0, a CSV row has another field count, or a line is not JSON
     * @throws IOException if it cannot be read
     */
    public static String metricsCsv(Path metrics, Consumer<String> notes) throws IOException {
        String name = metrics.getFileName().toString();
        if (!name.endsWith(".csv") && !name.endsWith(".jsonl")) {
            throw new io.lambdahat.InvalidInputException("--metrics must be a .csv or .jsonl file, got " + metrics);
        }
        if (Files.isDirectory(metrics)) throw new io.lambdahat.InvalidInputException("--metrics " + metrics + " is a folder, expected a .csv or .jsonl file");
        if (!Files.exists(metrics)) throw new io.lambdahat.InvalidInputException("no such file: " + metrics + " (--metrics)");
        List<String> lines = utf8Lines(metrics);
        return name.endsWith(".csv") ? csvMetrics(metrics, lines, notes) : jsonlMetrics(metrics, lines);
    }

    private static List<String> utf8Lines(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        java.nio.charset.CharsetDecoder decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT).onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
        java.nio.charset.CoderResult r = decoder.decode(in, out, true);
        int nul = -1;
        for (int i = 0; i < bytes.length && nul < 0; i++) if (bytes[i] == 0) nul = i;
        int bad = r.isError() ? in.position() : nul;
        if (bad >= 0) {
            int line = 1;
            for (int i = 0; i < bad; i++) if (bytes[i] == '\n') line++;
            throw new io.lambdahat.InvalidInputException("--metrics " + file + " line " + line + " is not text (byte " + bad
                    + " is " + (r.isError() ? "not UTF-8" : "a NUL") + "); give the run's log as a CSV or JSON lines text file");
        }
        out.flip();
        return out.toString().lines().toList();
    }

    private static String csvMetrics(Path file, List<String> lines, Consumer<String> notes) {
        int headerAt = 0;
        while (headerAt < lines.size() && lines.get(headerAt).isBlank()) headerAt++;
        List<String> header = headerAt < lines.size() ? List.of(lines.get(headerAt).strip().split(",", -1)) : List.of();
        int stepColumn = header.indexOf("step");
        if (stepColumn < 0) {
            throw new io.lambdahat.InvalidInputException("--metrics " + file + " needs a header line with a 'step' column"
                    + (header.isEmpty() ? " (the file is empty)" : ", its first line is '" + abbreviate(lines.get(headerAt)) + "'"));
        }
        List<String[]> rows = new ArrayList<>();
        List<Integer> rowLines = new ArrayList<>();
        for (int i = headerAt + 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            String[] f = lines.get(i).strip().split(",", -1);
            if (f.length != header.size()) {
                throw new io.lambdahat.InvalidInputException("--metrics " + file + " line " + (i + 1) + " has " + f.length + " fields, the header "
                        + header.size());
            }
            step(file, i + 1, f[stepColumn]);
            rows.add(f);
            rowLines.add(i + 1);
        }
        List<Integer> kept = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            int bad = -1;
            for (int r = 0; r < rows.size() && bad < 0 && c != stepColumn; r++) {
                if (!rows.get(r)[c].isBlank() && !isNumber(rows.get(r)[c])) bad = r;
            }
            if (bad < 0) kept.add(c);
            else notes.accept("note: --metrics " + file + ": column '" + header.get(c) + "' is not numeric (line " + rowLines.get(bad) + ": '"
                    + abbreviate(rows.get(bad)[c]) + "'); left out");
        }
        StringBuilder s = new StringBuilder(String.join(",", kept.stream().map(header::get).toList())).append('\n');
        for (String[] row : rows) s.append(String.join(",", kept.stream().map(c -> row[c].strip()).toList())).append('\n');
        return s.toString();
    }

    private static String jsonlMetrics(Path file, List<String> lines) {
        List<String> columns = new ArrayList<>(List.of("step"));
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            JsonNode o;
            try {
                o = JSON.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new io.lambdahat.InvalidInputException("--metrics " + file + " line " + (i + 1) + " is not JSON ("
                        + e.getOriginalMessage().lines().findFirst().orElse("") + "): " + abbreviate(line));
            }
            if (o == null || !o.isObject()) {
                throw new io.lambdahat.InvalidInputException("--metrics " + file + " line " + (i + 1) + " is not a JSON object: " + abbreviate(line));
            }
            if (!o.has("step")) throw new io.lambdahat.InvalidInputException("--metrics " + file + " line " + (i + 1) + " has no \"step\": " + abbreviate(line));
            Map<String, String> row = new LinkedHashMap<>();
            row.put("step", Long.toString(step(file, i + 1, o.get("step").asText())));
            o.fields().forEachRemaining(e -> {
                if (e.getKey().equals("step") || !e.getValue().isNumber() || e.getKey().contains(",") || e.getKey().contains("\n")) return;
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

    private static long step(Path file, int line, String text) {
        String t = text.strip();
        if (t.matches("\\d{1,18}")) return Long.parseLong(t);
        if (t.matches("\\d{1,18}\\.0+")) return Long.parseLong(t.substring(0, t.indexOf('.')));
        throw new io.lambdahat.InvalidInputException("--metrics " + file + " line " + line + ": step '" + abbreviate(text)
                + "' is not a whole number ≥ 0");
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s.strip());
            return !s.strip().endsWith("d") && !s.strip().endsWith("f") && !s.strip().endsWith("D") && !s.strip().endsWith("F");
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() <= 60 ? t : t.substring(0, 57) + "...";
    }
}
