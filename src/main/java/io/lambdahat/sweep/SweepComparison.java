package io.lambdahat.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.InvalidInputException;
import io.lambdahat.dynamics.Boundary;
import io.lambdahat.dynamics.MetricTransition;
import io.lambdahat.dynamics.StageAnalysis;
import io.lambdahat.trajectory.RunRecords;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Statistics across the runs of a sweep. Cells that differ only by seed form a setting; per setting:
 * <ul>
 *   <li>every run's λ̂ and loss (the records' {@code init_loss}) at its usable checkpoints (finite, a local minimum),
 *   and on the union of the setting's checkpoint steps the median across seeds with a 25–75 % band (quantiles by
 *   linear interpolation, {@link SeedStatistics#quantile}); a run is read between its own checkpoints by linear
 *   interpolation in ln(step + 1) and not at all outside its first and last one;</li>
 *   <li>each λ̂ transition (a stage boundary: a critical point of the smoothed λ̂) matched across runs by kind and
 *   order — the k-th maximum of one seed with the k-th maximum of every other — with its step per seed, median,
 *   quartiles and range;</li>
 *   <li>for every run and boundary, the lead of the boundary over the nearest task-metric transition (nearest in
 *   ln(step + offset), the stages' axis): metric step − boundary step, positive when λ̂ moves first; and per matched
 *   transition the mean lead over seeds with a 95 % Student-t interval, in steps and in ln step.</li>
 * </ul>
 * The stage analysis itself is handed in ({@link StageSource}; the CLI passes {@code workflow.RunStages.analyse}, what
 * {@code lambdahat stages} runs), so that this class uses exactly the stages {@code stages} finds in each cell while
 * {@code sweep} stays below {@code workflow}, which uses it.
 */
public final class SweepComparison {
    /** The confidence level of the lead/lag intervals. */
    public static final double LEVEL = 0.95;

    /**
     * A cell's stage analysis and its task metrics' fastest changes, as {@code lambdahat stages} computes them.
     *
     * @param stages  the stage analysis of the cell's λ̂ records
     * @param metrics the fastest change of each task metric of the cell's metrics.csv
     */
    public record CellStages(StageAnalysis stages, List<MetricTransition> metrics) {}

    /** Computes a cell's stages from its run folder. */
    @FunctionalInterface
    public interface StageSource {
        /**
         * The stages of one run.
         *
         * @param run the run folder
         * @return its stages and metric transitions
         * @throws Exception if they cannot be computed; an {@link InvalidInputException} (e.g. too few checkpoints)
         *                   leaves the run out of the transition statistics with a note
         */
        CellStages analyse(Path run) throws Exception;
    }

    /**
     * One run of a setting.
     *
     * @param cell  the cell's name
     * @param seed  the training seed
     * @param steps the usable checkpoints' steps, ascending
     * @param llc   λ̂ at those steps
     * @param loss  the loss at those steps
     */
    public record Run(String cell, long seed, long[] steps, double[] llc, double[] loss) {}

    /**
     * A median across seeds and its band, on the union of the setting's steps.
     *
     * @param steps  the union of the runs' steps
     * @param median the median over the runs that cover each step
     * @param low    the 25 % quantile
     * @param high   the 75 % quantile
     * @param runs   how many runs cover each step
     */
    public record Band(long[] steps, double[] median, double[] low, double[] high, int[] runs) {}

    /**
     * The lead of a λ̂ boundary over the task-metric transition nearest it.
     *
     * @param metric     the metric's name
     * @param metricStep the metric's fastest change, in steps
     * @param steps      metricStep − boundary step (positive: λ̂ moves first)
     * @param logSteps   ln(metricStep + offset) − ln(boundary step + offset)
     */
    public record Lead(String metric, double metricStep, double steps, double logSteps) {}

    /**
     * One seed's occurrence of a matched transition.
     *
     * @param cell     the cell
     * @param seed     its seed
     * @param boundary the λ̂ boundary
     * @param lead     its lead over the nearest metric transition; null when the run has no metric transition
     */
    public record Occurrence(String cell, long seed, Boundary boundary, Lead lead) {}

    /**
     * A λ̂ transition matched across the seeds of a setting.
     *
     * @param kind         the boundary's kind
     * @param ordinal      which boundary of that kind it is in each run, from 1
     * @param occurrences  the seeds that have it, in seed order
     * @param medianStep   the median of its step over those seeds
     * @param lowStep      the 25 % quantile
     * @param highStep     the 75 % quantile
     * @param minStep      the earliest
     * @param maxStep      the latest
     * @param leadSteps    the mean lead over seeds, in steps, with its interval
     * @param leadLogSteps the mean lead over seeds, in ln step, with its interval
     */
    public record Transition(Boundary.Kind kind, int ordinal, List<Occurrence> occurrences, double medianStep, double lowStep,
                             double highStep, double minStep, double maxStep, SeedStatistics.Interval leadSteps,
                             SeedStatistics.Interval leadLogSteps) {
        /** {@return e.g. "maximum 1"} */
        public String name() {
            return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " " + ordinal;
        }
    }

    /**
     * The runs of one setting and their statistics.
     *
     * @param name        the setting, from the cell names without the seed (e.g. "lr-0.05"; "all" when only seeds vary)
     * @param runs        its runs, in seed order
     * @param llc         λ̂: median and band
     * @param loss        loss: median and band
     * @param transitions the matched λ̂ transitions, in order of their median step
     * @param metrics     each task metric's fastest change across the seeds, in order of its median step
     * @param notes       runs left out of the transition statistics, and why
     */
    public record Setting(String name, List<Run> runs, Band llc, Band loss, List<Transition> transitions, List<MetricSteps> metrics,
                          List<String> notes) {}

    /**
     * One task metric's fastest change (as {@code stages} finds it in each run's metrics.csv) across the seeds of a
     * setting: where the task changes, whether or not λ̂ has a boundary there.
     *
     * @param metric     the metric's name
     * @param seeds      the seeds whose runs have the transition, in seed order
     * @param steps      its step in each of those runs
     * @param medianStep the median step
     * @param lowStep    the 25 % quantile
     * @param highStep   the 75 % quantile
     * @param minStep    the earliest
     * @param maxStep    the latest
     */
    public record MetricSteps(String metric, long[] seeds, double[] steps, double medianStep, double lowStep, double highStep,
                              double minStep, double maxStep) {}

    /**
     * A sweep's comparison.
     *
     * @param sweep    the sweep folder
     * @param settings   one entry per setting with a finished cell, in the spec's order
     * @param unfinished the cells without λ̂ records, left out (a partial comparison); empty when every cell is compared
     */
    public record Comparison(Path sweep, List<Setting> settings, List<Unfinished> unfinished) {
        /**
         * A comparison of every cell.
         *
         * @param sweep    the sweep folder
         * @param settings one entry per setting
         */
        public Comparison(Path sweep, List<Setting> settings) {
            this(sweep, settings, List.of());
        }

        /** {@return true when some cells have no λ̂ records (failed, or not run yet): the comparison covers the others} */
        public boolean partial() {
            return !unfinished.isEmpty();
        }
    }

    /**
     * A cell left out of a comparison because it has no λ̂ records.
     *
     * @param cell   the cell's name
     * @param reason its failed step and why (from its marker), or "not run yet", "still running"
     */
    public record Unfinished(String cell, String reason) {}

    private SweepComparison() {}

    /**
     * Reads every cell of a sweep and compares the runs of each setting.
     *
     * @param sweep  the sweep folder
     * @param stages the stage analysis of one run
     * @return the comparison
     * @throws InvalidInputException if the folder is not a sweep, or no cell has λ̂ records yet (cells without them are
     *                               left out and listed: {@link Comparison#unfinished()})
     * @throws Exception             if a record cannot be read or the stage analysis fails otherwise
     */
    public static Comparison compare(Path sweep, StageSource stages) throws Exception {
        SweepFolder folder = new SweepFolder(sweep);
        if (!Files.isRegularFile(folder.spec())) {
            throw new InvalidInputException(sweep + " is not a sweep folder (no sweep.json): run 'lambdahat sweep --spec SPEC --out " + sweep + "' first");
        }
        // the spec was checked when the sweep started; its options are read back as they were given
        SweepSpec spec = SweepSpec.parse(new ObjectMapper().readTree(folder.spec().toFile()), (command, key) -> true);
        Map<String, List<SweepSpec.Cell>> bySetting = new LinkedHashMap<>();
        for (SweepSpec.Cell c : spec.cells()) {
            List<String> options = new ArrayList<>(c.train());
            options.add("|");
            options.addAll(c.trajectory());
            options.add("|");
            options.addAll(c.stages());
            bySetting.computeIfAbsent(String.join(" ", options), k -> new ArrayList<>()).add(c);
        }
        List<Unfinished> unfinished = new ArrayList<>();
        for (SweepSpec.Cell c : spec.cells()) {
            Path run = folder.run(c.name());
            if (!Files.isDirectory(RunRecords.folder(run)) || RunRecords.scan(run).entries().isEmpty()) {
                String why = folder.failure(c.name());
                if (why == null) why = folder.cellState(c.name()) == SweepFolder.State.RUNNING ? "still running" : "not run yet";
                unfinished.add(new Unfinished(c.name(), why));
            }
        }
        if (unfinished.size() == spec.cells().size()) {
            throw new InvalidInputException("no cell of " + sweep + " has λ̂ records (" + unfinished.getFirst().cell() + ": "
                    + unfinished.getFirst().reason() + (unfinished.size() > 1 ? "; and " + (unfinished.size() - 1) + " more" : "")
                    + "): finish the sweep first ('lambdahat sweep --spec " + folder.spec() + " --out " + sweep + "'; 'lambdahat sweep status "
                    + sweep + "' shows what is left)");
        }
        java.util.Set<String> left = new java.util.HashSet<>();
        for (Unfinished u : unfinished) left.add(u.cell());
        List<Setting> settings = new ArrayList<>();
        for (List<SweepSpec.Cell> cells : bySetting.values()) {
            List<SweepSpec.Cell> finished = cells.stream().filter(c -> !left.contains(c.name())).toList();
            if (!finished.isEmpty()) settings.add(setting(folder, finished, stages));
        }
        return new Comparison(sweep, settings, unfinished);
    }

    private static Setting setting(SweepFolder folder, List<SweepSpec.Cell> cells, StageSource source) throws Exception {
        String prefix = "seed-" + cells.getFirst().seed();
        String name = cells.getFirst().name().substring(prefix.length()).replaceFirst("^_", "");
        List<Run> runs = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<Run, CellStages> analysed = new LinkedHashMap<>();
        for (SweepSpec.Cell c : cells) {
            Path dir = folder.run(c.name());
            List<RunRecords.Entry> usable = RunRecords.scan(dir).entries().stream()
                    .filter(e -> Double.isFinite(e.llcMean()) && Double.isFinite(e.loss()) && !e.notLocalMinimum()).toList();
            Run run = new Run(c.name(), c.seed(), usable.stream().mapToLong(RunRecords.Entry::step).toArray(),
                    usable.stream().mapToDouble(RunRecords.Entry::llcMean).toArray(), usable.stream().mapToDouble(RunRecords.Entry::loss).toArray());
            runs.add(run);
            try {
                analysed.put(run, source.analyse(dir));
            } catch (InvalidInputException e) {
                notes.add(c.name() + ": no stages (" + e.getMessage() + ")");
            }
        }
        return new Setting(name.isEmpty() ? "all" : name, runs, band(runs, true), band(runs, false), transitions(analysed),
                metricSteps(analysed), notes);
    }

    /** The median and 25–75 % band of λ̂ (or the loss) over the runs, on the union of their steps. */
    static Band band(List<Run> runs, boolean llc) {
        TreeSet<Long> union = new TreeSet<>();
        for (Run r : runs) for (long s : r.steps()) union.add(s);
        long[] steps = union.stream().mapToLong(Long::longValue).toArray();
        double[] median = new double[steps.length], low = new double[steps.length], high = new double[steps.length];
        int[] count = new int[steps.length];
        for (int i = 0; i < steps.length; i++) {
            double[] at = new double[runs.size()];
            for (int r = 0; r < runs.size(); r++) at[r] = valueAt(runs.get(r).steps(), llc ? runs.get(r).llc() : runs.get(r).loss(), steps[i]);
            count[i] = (int) java.util.Arrays.stream(at).filter(Double::isFinite).count();
            median[i] = SeedStatistics.quantile(at, 0.5);
            low[i] = SeedStatistics.quantile(at, 0.25);
            high[i] = SeedStatistics.quantile(at, 0.75);
        }
        return new Band(steps, median, low, high, count);
    }

    /** A run's value at a step: its own where it has a checkpoint, else linear in ln(step + 1) between its neighbours; NaN outside. */
    static double valueAt(long[] steps, double[] values, long step) {
        int i = java.util.Arrays.binarySearch(steps, step);
        if (i >= 0) return values[i];
        int after = -i - 1;
        if (after == 0 || after == steps.length) return Double.NaN;
        double x0 = Math.log(steps[after - 1] + 1.0), x1 = Math.log(steps[after] + 1.0), x = Math.log(step + 1.0);
        return values[after - 1] + (x - x0) / (x1 - x0) * (values[after] - values[after - 1]);
    }

    /** Matches the boundaries of the analysed runs by kind and order, with their leads over the nearest metric transition. */
    static List<Transition> transitions(Map<Run, CellStages> analysed) {
        Map<Boundary.Kind, Map<Integer, List<Occurrence>>> matched = new java.util.EnumMap<>(Boundary.Kind.class);
        for (var e : analysed.entrySet()) {
            Run run = e.getKey();
            CellStages cs = e.getValue();
            double offset = cs.stages().options().logOffset();
            Map<Boundary.Kind, Integer> seen = new java.util.EnumMap<>(Boundary.Kind.class);
            for (Boundary b : cs.stages().llcBoundaries()) {
                int ordinal = seen.merge(b.kind(), 1, Integer::sum);
                matched.computeIfAbsent(b.kind(), k -> new java.util.TreeMap<>()).computeIfAbsent(ordinal, k -> new ArrayList<>())
                        .add(new Occurrence(run.cell(), run.seed(), b, nearestLead(b, cs.metrics(), offset)));
            }
        }
        List<Transition> out = new ArrayList<>();
        for (var byKind : matched.entrySet()) {
            for (var byOrdinal : byKind.getValue().entrySet()) {
                List<Occurrence> occ = byOrdinal.getValue();
                double[] steps = occ.stream().mapToDouble(o -> o.boundary().step()).toArray();
                double[] lead = occ.stream().mapToDouble(o -> o.lead() == null ? Double.NaN : o.lead().steps()).toArray();
                double[] logLead = occ.stream().mapToDouble(o -> o.lead() == null ? Double.NaN : o.lead().logSteps()).toArray();
                out.add(new Transition(byKind.getKey(), byOrdinal.getKey(), List.copyOf(occ), SeedStatistics.quantile(steps, 0.5),
                        SeedStatistics.quantile(steps, 0.25), SeedStatistics.quantile(steps, 0.75), SeedStatistics.quantile(steps, 0),
                        SeedStatistics.quantile(steps, 1), SeedStatistics.tInterval(lead, LEVEL), SeedStatistics.tInterval(logLead, LEVEL)));
            }
        }
        out.sort(Comparator.comparingDouble(Transition::medianStep));
        return out;
    }

    /** Each metric's fastest change across the analysed runs, in order of the median step. */
    static List<MetricSteps> metricSteps(Map<Run, CellStages> analysed) {
        Map<String, List<long[]>> seedsByMetric = new LinkedHashMap<>();
        Map<String, List<Double>> stepsByMetric = new LinkedHashMap<>();
        for (var e : analysed.entrySet()) {
            for (MetricTransition m : e.getValue().metrics()) {
                seedsByMetric.computeIfAbsent(m.metric(), k -> new ArrayList<>()).add(new long[] {e.getKey().seed()});
                stepsByMetric.computeIfAbsent(m.metric(), k -> new ArrayList<>()).add(m.step());
            }
        }
        List<MetricSteps> out = new ArrayList<>();
        for (String metric : stepsByMetric.keySet()) {
            long[] seeds = seedsByMetric.get(metric).stream().mapToLong(a -> a[0]).toArray();
            double[] steps = stepsByMetric.get(metric).stream().mapToDouble(Double::doubleValue).toArray();
            out.add(new MetricSteps(metric, seeds, steps, SeedStatistics.quantile(steps, 0.5), SeedStatistics.quantile(steps, 0.25),
                    SeedStatistics.quantile(steps, 0.75), SeedStatistics.quantile(steps, 0), SeedStatistics.quantile(steps, 1)));
        }
        out.sort(Comparator.comparingDouble(MetricSteps::medianStep));
        return out;
    }

    /** The lead of a boundary over the metric transition nearest it in ln(step + offset); null when there is none. */
    static Lead nearestLead(Boundary b, List<MetricTransition> metrics, double offset) {
        Lead best = null;
        for (MetricTransition m : metrics) {
            double log = Math.log(m.step() + offset) - Math.log(b.step() + offset);
            if (best == null || Math.abs(log) < Math.abs(best.logSteps())) best = new Lead(m.metric(), m.step(), m.step() - b.step(), log);
        }
        return best;
    }
}
