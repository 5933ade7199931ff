package io.lambdahat.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.InvalidInputException;
import io.lambdahat.io.AtomicFiles;
import io.lambdahat.io.FileFormatException;
import io.lambdahat.io.SafeTensors;
import io.lambdahat.io.SafeTensorsFile;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.ParameterLayout;
import io.lambdahat.torch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One run folder, the only code that knows its layout:
 * <pre>
 *   DIR/config.json                      the run's config ({@link RunConfig}), written once by train or import
 *   DIR/checkpoints/step-NNNNNN.safetensors  the checkpoints ({@link Checkpoints}); an imported run's are symbolic links
 *   DIR/metrics.csv                      the training metrics ({@link MetricsFile})
 *   DIR/state/trainer.safetensors        the trainer's resumable state
 *   DIR/data/train.safetensors           the task's generated training set, cached so commands need not redraw it
 *   DIR/llc/step-N.json                  the λ̂ records of {@code lambdahat trajectory}
 *   DIR/llc-heads/step-N.json            the per-head λ̂ records
 *   DIR/stages.json                      the stage analysis
 *   DIR/calibration.json, .html          the calibration sweep and its recommendation
 *   DIR/report.html, DIR/report/, DIR/trajectory.csv   the report, its charts and its numbers
 *   DIR/watch.json                       what {@code lambdahat watch} has announced
 *   DIR/trajectory-settings.json         ε and γ of the λ̂ records, chosen once at the run's last checkpoint
 * </pre>
 * Every file is written atomically ({@link AtomicFiles}), so a reader sees an old file or a complete new one; the
 * hidden temporaries an interrupted write leaves behind are removed by {@link #removeStaleTemporaries}.
 */
public final class RunFolder {
    /** The run's config file. */
    public static final String CONFIG = "config.json";
    /** The checkpoints' folder. */
    public static final String CHECKPOINTS = "checkpoints";
    /** The training metrics. */
    public static final String METRICS = "metrics.csv";
    /** The folder of the trainer's resumable state. */
    public static final String STATE_FOLDER = "state";
    /** The trainer's resumable state in {@link #STATE_FOLDER}. */
    public static final String STATE_FILE = "trainer.safetensors";
    /** The folder of the task's cached data. */
    public static final String DATA_FOLDER = "data";
    /** The cached training set in {@link #DATA_FOLDER}. */
    public static final String TRAINING_DATA = "train.safetensors";
    /** The λ̂ records' folder. */
    public static final String LLC = "llc";
    /** The per-head λ̂ records' folder. */
    public static final String LLC_HEADS = "llc-heads";
    /** The stage analysis. */
    public static final String STAGES = "stages.json";
    /** The calibration sweep's result. */
    public static final String CALIBRATION_JSON = "calibration.json";
    /** The calibration sweep's page. */
    public static final String CALIBRATION_HTML = "calibration.html";
    /** The report's page. */
    public static final String REPORT_HTML = "report.html";
    /** The report's charts. */
    public static final String REPORT_FOLDER = "report";
    /** The numbers behind the report's λ̂ chart. */
    public static final String TRAJECTORY_CSV = "trajectory.csv";
    /** What {@code lambdahat watch} has announced. */
    public static final String WATCH_STATE = "watch.json";
    /** The sampler setting (ε, γ) of the run's λ̂ records, chosen once. */
    public static final String TRAJECTORY_SETTINGS = "trajectory-settings.json";
    /** The lock a training process holds on the folder. */
    public static final String LOCK = ".lock";

    /** Temporary files of atomic writes: ".NAME.&lt;16 hex&gt;.tmp". */
    static final Pattern TEMPORARY = Pattern.compile("\\..+\\.[0-9a-f]{16}\\.tmp");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private RunConfig config;

    private RunFolder(Path dir) {
        this.dir = dir;
    }

    /**
     * The run folder at {@code dir}; nothing is read or created.
     *
     * @param dir the folder
     * @return its run folder
     */
    public static RunFolder of(Path dir) {
        return new RunFolder(dir);
    }

    /** {@return the folder itself} */
    public Path dir() {
        return dir;
    }

    /** {@return DIR/config.json} */
    public Path configFile() {
        return dir.resolve(CONFIG);
    }

    /** {@return DIR/checkpoints} */
    public Path checkpointFolder() {
        return dir.resolve(CHECKPOINTS);
    }

    /**
     * The checkpoint file of a step, as the trainer names it.
     *
     * @param step       the updates taken
     * @param totalSteps N, which sets the digits
     * @return DIR/checkpoints/step-NNNNNN.safetensors
     */
    public Path checkpointFile(long step, long totalSteps) {
        return checkpointFolder().resolve(Checkpoints.fileName(step, totalSteps));
    }

    /**
     * The link of an imported run's checkpoint (nine digits: an imported run's N is not known).
     *
     * @param step the checkpoint's step
     * @return DIR/checkpoints/step-NNNNNNNNN.safetensors
     */
    public Path importedCheckpointLink(long step) {
        return checkpointFolder().resolve(String.format("step-%09d.safetensors", step));
    }

    /** {@return DIR/metrics.csv} */
    public Path metricsFile() {
        return dir.resolve(METRICS);
    }

    /** {@return DIR/state} */
    public Path stateFolder() {
        return dir.resolve(STATE_FOLDER);
    }

    /** {@return DIR/state/trainer.safetensors} */
    public Path stateFile() {
        return stateFolder().resolve(STATE_FILE);
    }

    /** {@return DIR/data/train.safetensors, the cached training set} */
    public Path trainingDataFile() {
        return dir.resolve(DATA_FOLDER).resolve(TRAINING_DATA);
    }

    /**
     * A task's generated training set as stored in the run folder, with the metadata that says how it was drawn.
     *
     * @param tensors  the tensors by name, in memory (the caller, or the open scope, owns each)
     * @param metadata the file's metadata
     */
    public record StoredData(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /**
     * Writes the task's training set (atomically; DIR/data is created), so that commands working on the run read it
     * instead of drawing it again.
     *
     * @param tensors  the tensors by name; left unchanged and still owned by the caller
     * @param metadata how they were drawn (the reader checks it against its task)
     * @throws IOException if it cannot be written
     */
    public void writeTrainingData(Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Files.createDirectories(trainingDataFile().getParent());
        SafeTensors.write(trainingDataFile(), tensors, metadata);
    }

    /**
     * Reads the cached training set.
     *
     * @return the tensors and metadata, or empty when no cache was written
     * @throws io.lambdahat.io.SafeTensorsFormatException if the file is damaged (truncated, corrupt)
     * @throws IOException if it cannot be read
     */
    public Optional<StoredData> readTrainingData() throws IOException {
        Path file = trainingDataFile();
        if (!Files.exists(file)) return Optional.empty();
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            return Optional.of(new StoredData(f.loadAll(), Map.copyOf(f.metadata())));
        }
    }

    /** {@return DIR/.lock} */
    public Path lockFile() {
        return dir.resolve(LOCK);
    }

    /** {@return DIR/llc, the λ̂ records} */
    public Path llcRecords() {
        return dir.resolve(LLC);
    }

    /** {@return DIR/llc-heads, the per-head λ̂ records} */
    public Path headRecords() {
        return dir.resolve(LLC_HEADS);
    }

    /** {@return DIR/stages.json} */
    public Path stagesFile() {
        return dir.resolve(STAGES);
    }

    /** {@return DIR/calibration.json} */
    public Path calibrationJson() {
        return dir.resolve(CALIBRATION_JSON);
    }

    /** {@return DIR/calibration.html} */
    public Path calibrationHtml() {
        return dir.resolve(CALIBRATION_HTML);
    }

    /** {@return DIR/report.html} */
    public Path reportHtml() {
        return dir.resolve(REPORT_HTML);
    }

    /** {@return DIR/report, the report's charts} */
    public Path reportFolder() {
        return dir.resolve(REPORT_FOLDER);
    }

    /** {@return DIR/trajectory.csv} */
    public Path trajectoryCsv() {
        return dir.resolve(TRAJECTORY_CSV);
    }

    /** {@return DIR/trajectory-settings.json, the ε and γ every λ̂ record of the run is sampled with} */
    public Path trajectorySettingsFile() {
        return dir.resolve(TRAJECTORY_SETTINGS);
    }

    /** {@return DIR/watch.json} */
    public Path watchState() {
        return dir.resolve(WATCH_STATE);
    }

    /** {@return whether the folder holds a config.json (a run of train or import)} */
    public boolean hasConfig() {
        return Files.isRegularFile(configFile());
    }

    /**
     * The run's config, read and checked once: it exists, is JSON, and holds the task's name, the seed and the batch.
     *
     * @return the config
     * @throws InvalidInputException if the folder or its config is missing
     * @throws FileFormatException if the config is damaged or was not written by lambdahat
     * @throws IOException if it cannot be read
     */
    public RunConfig config() throws IOException {
        if (config != null) return config;
        if (!Files.isDirectory(dir)) throw new InvalidInputException("run folder " + dir + " does not exist");
        Path file = configFile();
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(dir + " has no " + CONFIG + ": is it a folder written by 'lambdahat train --out'?");
        }
        JsonNode doc = readJson(file, "the run's configuration");
        for (String field : new String[] {"/run/task/name", "/run/seed", "/run/batch"}) {
            JsonNode v = doc.at(field);
            if (v.isMissingNode() || v.isNull() || (field.endsWith("name") ? !v.isTextual() : !v.isNumber())) {
                throw new FileFormatException(file, "has no " + field.substring(1).replace('/', '.')
                        + "; it is not a config written by 'lambdahat train' (restore it, or train the run again)");
            }
        }
        config = new RunConfig(file, doc);
        return config;
    }

    /**
     * Writes config.json (atomically).
     *
     * @param json the whole document
     * @throws IOException if it cannot be written
     */
    public void writeConfig(String json) throws IOException {
        AtomicFiles.writeString(configFile(), json);
        config = null;
    }

    /**
     * The run's checkpoints.
     *
     * @return by step; empty when there are none
     * @throws IOException if the folder cannot be listed
     */
    public List<Checkpoints.Checkpoint> checkpoints() throws IOException {
        return Checkpoints.list(dir);
    }

    /**
     * Writes a checkpoint (atomically).
     *
     * @param step       the updates taken
     * @param totalSteps N, which sets the file name's digits
     * @param layout     the model's parameter layout
     * @param flat       the [1, P] (or [P]) weights on the CPU
     * @param metadata   the file's metadata
     * @return the file written
     * @throws IOException if it cannot be written
     */
    public Path writeCheckpoint(long step, long totalSteps, ParameterLayout layout, Tensor flat, Map<String, String> metadata) throws IOException {
        Path file = checkpointFile(step, totalSteps);
        Checkpoints.write(file, layout, flat, metadata);
        return file;
    }

    /**
     * A checkpoint's weights as w* for {@code model} ({@link Checkpoints#loadFlat(Path, ChainModel)}).
     *
     * @param checkpoint one of {@link #checkpoints()}
     * @param model      the run's model
     * @return [P] on the CPU; the caller owns it
     * @throws IOException if the file cannot be read
     */
    public Tensor loadCheckpoint(Checkpoints.Checkpoint checkpoint, ChainModel model) throws IOException {
        return Checkpoints.loadFlat(checkpoint.file(), model);
    }

    /**
     * The rows of metrics.csv.
     *
     * @return in file order
     * @throws IOException if it cannot be read or is not a metrics file
     */
    public List<MetricsRow> metrics() throws IOException {
        return MetricsFile.read(metricsFile());
    }

    /**
     * Opens metrics.csv for appending ({@link MetricsFile#open}).
     *
     * @param metricNames the task's metric columns
     * @param keepUpTo    the last step whose rows are kept; negative for none
     * @return the open file; the caller closes it
     * @throws IOException if it cannot be opened
     */
    public MetricsFile openMetrics(List<String> metricNames, long keepUpTo) throws IOException {
        return MetricsFile.open(metricsFile(), metricNames, keepUpTo);
    }

    /**
     * Writes a text file of the run atomically.
     *
     * @param file one of this folder's paths
     * @param text the whole content
     * @throws IOException if it cannot be written
     */
    public void write(Path file, String text) throws IOException {
        AtomicFiles.writeString(file, text);
    }

    /**
     * Fails unless the folder can hold a run: an existing writable folder that is empty or already holds a run
     * (config.json), or a path whose nearest existing parent is a writable folder. Call it before any expensive work.
     *
     * @throws InvalidInputException when it cannot
     */
    public void checkWritable() {
        checkWritable(false);
    }

    /**
     * Fails unless the folder can hold a run, as {@link #checkWritable()}; with {@code otherFiles}, files that are not a
     * run's may be there too (a run that replaces another, {@link #deleteRun}, keeps them).
     *
     * @param otherFiles whether a folder with files but no run is fine
     * @throws InvalidInputException when it cannot
     */
    public void checkWritable(boolean otherFiles) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs)) {
            if (!Files.isDirectory(abs)) throw new InvalidInputException("cannot write the run to " + dir + ": it is a file, not a folder");
            if (!Files.isWritable(abs)) throw new InvalidInputException("cannot write the run to " + dir + ": the folder is not writable");
            if (!otherFiles && !Files.exists(abs.resolve(CONFIG))) {
                try (Stream<Path> s = Files.list(abs)) {
                    if (s.findAny().isPresent()) {
                        throw new InvalidInputException("cannot write the run to " + dir + ": the folder is not empty and holds no run "
                                + "(no " + CONFIG + "); choose a new or empty folder");
                    }
                } catch (IOException e) {
                    throw new InvalidInputException("cannot read folder " + dir + ": " + e.getMessage());
                }
            }
            return;
        }
        Path parent = abs.getParent();
        while (parent != null && !Files.exists(parent)) parent = parent.getParent();
        if (parent == null || !Files.isDirectory(parent)) throw new InvalidInputException("cannot create " + dir + ": no existing parent folder");
        if (!Files.isWritable(parent)) throw new InvalidInputException("cannot create " + dir + ": folder " + parent + " is not writable");
    }

    /** What a folder holds, for a command about to write a run into it. */
    public enum Contents {
        /** nothing (the folder does not exist, or is empty but for stale temporaries) */
        NOTHING,
        /** a run: it has a config.json */
        RUN,
        /** files that are not a run's (no config.json) */
        OTHER
    }

    /** Every entry a run of train, import, trajectory, stages, calibrate, report or watch writes; {@link #deleteRun} deletes these. */
    static final List<String> RUN_ENTRIES = List.of(CONFIG, CHECKPOINTS, METRICS, STATE_FOLDER, DATA_FOLDER, LLC, LLC_HEADS, STAGES,
            CALIBRATION_JSON, CALIBRATION_HTML, REPORT_HTML, REPORT_FOLDER, TRAJECTORY_CSV, WATCH_STATE, TRAJECTORY_SETTINGS, LOCK);

    /**
     * What the folder holds now.
     *
     * @return {@link Contents#NOTHING} for a missing or empty folder (or a path that is not a folder: {@link #checkWritable}
     *         refuses that), {@link Contents#RUN} when it has a config.json, else {@link Contents#OTHER}
     * @throws IOException if the folder cannot be listed
     */
    public Contents contents() throws IOException {
        if (!Files.isDirectory(dir)) return Contents.NOTHING;
        if (Files.exists(configFile(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) return Contents.RUN;
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(f -> !TEMPORARY.matcher(f.getFileName().toString()).matches()) ? Contents.OTHER : Contents.NOTHING;
        }
    }

    /**
     * Deletes the run in the folder: config.json, the checkpoints (an imported run's links, not the files they point
     * to), metrics, state, cached data, λ̂ records, stages, calibration, report and watch state. Files that are not a
     * run's are left where they are.
     *
     * @throws IOException if an entry cannot be deleted
     */
    public void deleteRun() throws IOException {
        for (String name : RUN_ENTRIES) deleteTree(dir.resolve(name));
        removeStaleTemporaries();
    }

    /**
     * Deletes a file, or a folder with everything in it; symbolic links are deleted, never followed.
     *
     * @param path the file or folder (nothing happens when it does not exist)
     * @throws IOException if something cannot be deleted
     */
    public static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.list(path)) {
                for (Path p : s.toList()) deleteTree(p);
            }
        }
        Files.delete(path);
    }

    /**
     * Deletes the temporary files interrupted atomic writes left in the folder, its checkpoints and its state: they
     * were never visible as results.
     *
     * @throws IOException if a folder cannot be listed
     */
    public void removeStaleTemporaries() throws IOException {
        for (Path d : List.of(dir, checkpointFolder(), stateFolder())) removeStaleTemporaries(d);
    }

    private static void removeStaleTemporaries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (TEMPORARY.matcher(f.getFileName().toString()).matches() && Files.isRegularFile(f)) Files.deleteIfExists(f);
            }
        }
    }

    /**
     * Reads a JSON object from a file, naming it and the problem when it is not JSON.
     *
     * @param file the file
     * @param what where it came from, for the message (e.g. "--calibration")
     * @return its tree
     * @throws FileFormatException if it is empty, truncated or not a JSON object
     * @throws IOException if it cannot be read
     */
    public static JsonNode readJson(Path file, String what) throws IOException {
        JsonNode doc;
        try {
            doc = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw FileFormatException.json(file, e);
        }
        if (doc == null || doc.isMissingNode() || !doc.isObject()) throw new FileFormatException(file, "empty or not a JSON object (" + what + ")");
        return doc;
    }
}
