package io.lambdahat.trajectory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.dynamics.Trajectory;
import io.lambdahat.io.FileFormatException;
import io.lambdahat.InvalidInputException;
import io.lambdahat.run.RunFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The λ̂ records of a run ({@code DIR/llc/step-*.json}) read back in step order. The loss curve used for stages is
 * each record's loss at the checkpoint on the training targets: its {@code init_loss} (the full-data loss on the data
 * λ̂ was sampled on), or its {@code data_loss} when λ̂ took its targets from the model ({@link Targets#MODEL}: there
 * {@code init_loss} is the loss against the checkpoint's own outputs, 0).
 */
public final class RunRecords {
    /**
     * One checkpoint's record. Statistics missing from the file read as NaN.
     *
     * @param step           the checkpoint's training step
     * @param loss           the full-data loss at w* on the training targets (the record's {@code init_loss}, or its
     *                       {@code data_loss} when λ̂ took its targets from the model)
     * @param llcMean        λ̂, the mean over chains
     * @param llcStderr      standard error of λ̂ over chains
     * @param llcStd         standard deviation of the per-chain λ̂
     * @param malaAcceptance mean MALA acceptance probability, a step-size diagnostic
     * @param llcTrace       the online λ̂ per chain and draw, [chains][draws]; empty if the record has none
     * @param raw            the whole record, for fields not lifted out here
     */
    public record Entry(long step, double loss, double llcMean, double llcStderr, double llcStd, double malaAcceptance,
                        double[][] llcTrace, JsonNode raw) {
        /**
         * Whether the chains ran downhill from this checkpoint (the record's {@code diagnostics.not_local_minimum}; for
         * records written before diagnostics existed: λ̂ negative with most chains negative).
         *
         * @return true when this checkpoint is not a local minimum
         */
        public boolean notLocalMinimum() {
            JsonNode d = raw.path("diagnostics").get("not_local_minimum");
            if (d != null) return d.asBoolean();
            int negative = 0, chains = 0;
            for (int c = 0; raw.has("llc-chain/" + c); c++, chains++) if (raw.get("llc-chain/" + c).asDouble(Double.NaN) < 0) negative++;
            return llcMean < 0 && 2 * negative > chains;
        }

        /** {@return what λ̂ was measured against (the record's {@code config.targets}; data when it has none)} */
        public Targets targets() {
            return Targets.parse(raw.path("config").path("targets").asText(""));
        }

        /** {@return the record's diagnostic findings of error severity (not local, stuck chains, all diverged)} */
        public List<String> errors() {
            List<String> out = new ArrayList<>();
            for (JsonNode i : raw.path("diagnostics").path("issues")) {
                if (i.path("severity").asText().equals("error")) out.add(i.path("kind").asText());
            }
            if (out.isEmpty() && notLocalMinimum()) out.add("not_local_minimum");
            return out;
        }

        /** {@return every diagnostic finding's kind, errors first} */
        public List<String> findings() {
            List<String> out = new ArrayList<>(errors());
            for (JsonNode i : raw.path("diagnostics").path("issues")) {
                if (!i.path("severity").asText().equals("error")) out.add(i.path("kind").asText());
            }
            return out;
        }
    }

    /**
     * A short note of a record's diagnostic findings for a table row.
     *
     * @param e the record
     * @return "" when there are none, else two spaces and the findings' kinds
     */
    public static String flags(Entry e) {
        List<String> f = e.findings();
        return f.isEmpty() ? "" : "  [" + String.join(", ", f).replace('_', ' ') + "]";
    }

    private RunRecords() {}

    /**
     * Where a run keeps its λ̂ records.
     *
     * @param runDir the run's directory
     * @return {@code runDir/llc}
     */
    public static Path folder(Path runDir) {
        return RunFolder.of(runDir).llcRecords();
    }

    /**
     * A record that cannot be used: not JSON (a truncated write from outside, a hand edit) or missing its step or loss.
     *
     * @param file    the record file
     * @param problem what is wrong with it
     */
    public record Damaged(Path file, String problem) {}

    /**
     * A run's records: those that could be read, and those that could not.
     *
     * @param entries the usable records, in step order
     * @param damaged the damaged ones, in file-name order
     */
    public record Scan(List<Entry> entries, List<Damaged> damaged) {}

    /**
     * Reads every {@code step-*.json} record of a run, setting none aside: a damaged record is an error.
     *
     * @param runDir the run's directory
     * @return the records in step order
     * @throws IllegalArgumentException if the run has no {@code llc} folder (λ̂ was never estimated)
     * @throws FileFormatException naming the first damaged record and what is wrong with it
     * @throws IOException if a record cannot be read
     */
    public static List<Entry> read(Path runDir) throws IOException {
        Scan scan = scan(runDir);
        if (!scan.damaged().isEmpty()) throw new FileFormatException(scan.damaged().getFirst().file(), scan.damaged().getFirst().problem());
        return scan.entries();
    }

    /**
     * Reads every {@code step-*.json} record of a run; the damaged ones are listed apart, so that the rest can be used.
     *
     * @param runDir the run's directory
     * @return the usable records in step order, and the damaged ones
     * @throws InvalidInputException if the run has no {@code llc} folder (λ̂ was never estimated)
     * @throws IOException if the folder cannot be listed or a record cannot be read
     */
    public static Scan scan(Path runDir) throws IOException {
        Path dir = folder(runDir);
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException("no λ̂ records in " + runDir + ": run 'lambdahat trajectory --run " + runDir + "' first");
        }
        List<Entry> out = new ArrayList<>();
        List<Damaged> damaged = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(f -> f.getFileName().toString().startsWith("step-") && f.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        for (Path f : files) {
            try {
                out.add(parse(f));
            } catch (FileFormatException e) {
                damaged.add(new Damaged(f, e.problem()));
            }
        }
        out.sort(Comparator.comparingLong(Entry::step));
        return new Scan(out, damaged);
    }

    /**
     * Why a record cannot stand as the finished estimate of its checkpoint, for resuming: it does not parse, is not the
     * record of {@code step}, or its λ̂ is not finite (a run whose chains all diverged, or an edit).
     *
     * @param record the record file
     * @param step   the checkpoint's step
     * @return the problem, or null if the record is usable
     * @throws IOException if it cannot be read
     */
    public static String problem(Path record, long step) throws IOException {
        JsonNode n;
        try {
            n = tree(record);
        } catch (FileFormatException e) {
            return e.problem();
        }
        JsonNode s = n.get("step");
        if (s == null || !s.canConvertToLong()) return "it has no step";
        if (s.asLong() != step) return "it is the record of step " + s.asLong() + ", not of step " + step;
        JsonNode llc = n.get("llc/mean");
        if (n.has("llc/mean") && (llc == null || !llc.isNumber() || !Double.isFinite(llc.asDouble()))) return "its λ̂ (llc/mean) is " + llc + ", not a number";
        return null;
    }

    private static JsonNode tree(Path f) throws IOException {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(f.toFile());
        } catch (JsonProcessingException e) {
            throw FileFormatException.json(f, e);
        }
        if (n == null || !n.isObject()) throw new FileFormatException(f, "empty or not a JSON object");
        return n;
    }

    /**
     * Reads one record.
     *
     * @param f a {@code step-*.json} file
     * @return its entry
     * @throws FileFormatException naming the file if it is not JSON or lacks its step or loss
     * @throws IOException if it cannot be read
     */
    public static Entry parse(Path f) throws IOException {
        JsonNode n = tree(f);
        JsonNode step = n.get("step");
        if (step == null || !step.canConvertToLong()) throw new FileFormatException(f, "has no step (an integer)");
        JsonNode loss = n.has("data_loss") ? n.get("data_loss") : n.get("init_loss");
        if (loss == null || !(loss.isNumber() || loss.isTextual())) throw new FileFormatException(f, "has no init_loss (the loss at the checkpoint)");
        JsonNode trace = n.get("llc/trace");
        double[][] traces = new double[trace == null || !trace.isArray() ? 0 : trace.size()][];
        for (int c = 0; c < traces.length; c++) {
            traces[c] = new double[trace.get(c).size()];
            for (int t = 0; t < traces[c].length; t++) traces[c][t] = trace.get(c).get(t).asDouble(Double.NaN);
        }
        return new Entry(step.asLong(), loss.isNumber() ? loss.asDouble() : number(n, n.has("data_loss") ? "data_loss" : "init_loss"),
                number(n, "llc/mean"), number(n, "llc/stderr"),
                number(n, "llc/std"), number(n, "mala_accept/mean"), traces, n);
    }

    private static double number(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
    }

    /**
     * Whether the records were made with different sampler settings (their λ̂ are then not comparable).
     *
     * @param entries the records
     * @return empty when every record shares the first one's settings; else one line naming a record and what differs
     */
    public static java.util.Optional<String> mixedSettings(List<Entry> entries) {
        if (entries.isEmpty()) return java.util.Optional.empty();
        Entry first = entries.get(0);
        Map<String, Object> reference = new java.util.LinkedHashMap<>();
        first.raw().path("config").fields().forEachRemaining(f -> reference.put(f.getKey(), f.getValue().isNumber() ? f.getValue().asDouble() : f.getValue().asText()));
        for (Entry e : entries) {
            List<String> diff = TrajectoryRunner.differences(e.raw(), reference);
            if (!diff.isEmpty()) {
                return java.util.Optional.of("the records mix sampler settings: step " + e.step() + " differs from step " + first.step()
                        + " (" + String.join(", ", diff) + ")");
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * The trajectory for stage detection, from the checkpoints whose λ̂ and loss are finite and that are local minima:
     * at a checkpoint whose chains ran downhill λ̂ measures the descent, not complexity, so it would put boundaries
     * where there are none. Standard errors are kept only if every one of those checkpoints has a finite one.
     *
     * @param entries the records, in step order
     * @return the trajectory
     * @throws IllegalArgumentException if fewer than {@link Trajectory#MIN_CHECKPOINTS} usable checkpoints remain
     */
    public static Trajectory trajectory(List<Entry> entries) {
        List<Entry> ok = entries.stream().filter(e -> Double.isFinite(e.llcMean()) && Double.isFinite(e.loss()) && !e.notLocalMinimum()).toList();
        long[] steps = ok.stream().mapToLong(Entry::step).toArray();
        double[] loss = ok.stream().mapToDouble(Entry::loss).toArray();
        double[] llc = ok.stream().mapToDouble(Entry::llcMean).toArray();
        boolean haveErrors = ok.stream().allMatch(e -> Double.isFinite(e.llcStderr()));
        double[] se = haveErrors ? ok.stream().mapToDouble(Entry::llcStderr).toArray() : null;
        return new Trajectory(steps, loss, llc, se);
    }
}
