package io.lambdahat.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A {@link SweepComparison} as text tables (one per setting) and as JSON ({@code SWEEP/compare.json}). */
public final class ComparisonTables {
    private ComparisonTables() {}

    /**
     * One table per setting: each matched λ̂ transition with its step per seed (median, 25–75 %, range) and its mean
     * lead over the nearest task-metric transition with the 95 % t-interval.
     *
     * @param c the comparison
     * @return the tables
     */
    public static String text(SweepComparison.Comparison c) {
        StringBuilder s = new StringBuilder();
        if (c.partial()) {
            s.append(String.format(Locale.ROOT, "PARTIAL: %d cells have no λ̂ records and are left out:%n", c.unfinished().size()));
            for (SweepComparison.Unfinished u : c.unfinished()) s.append("  ").append(u.cell()).append(": ").append(u.reason()).append('\n');
        }
        for (SweepComparison.Setting st : c.settings()) {
            s.append(String.format(Locale.ROOT, "setting %s: %d runs (seeds %s)%n", st.name(), st.runs().size(),
                    st.runs().stream().map(r -> Long.toString(r.seed())).collect(Collectors.joining(", "))));
            for (String n : st.notes()) s.append("  note: ").append(n).append('\n');
            s.append(last("λ̂", st.llc())).append(last("loss", st.loss()));
            metricTable(s, st);
            if (st.transitions().isEmpty()) {
                s.append("  no λ̂ transitions found\n");
                continue;
            }
            s.append(String.format(Locale.ROOT, "  %-19s %5s %10s %17s %17s   %-34s %s%n", "λ̂ transition", "seeds", "median", "25–75 %",
                    "min–max", "lead over metric, steps [95 % CI]", "ln step [95 % CI]"));
            for (SweepComparison.Transition t : st.transitions()) {
                s.append(String.format(Locale.ROOT, "  %-18s %2d/%-2d %10.0f %17s %17s   %-34s %s%n", t.name(), t.occurrences().size(), st.runs().size(),
                        t.medianStep(), range(t.lowStep(), t.highStep()), range(t.minStep(), t.maxStep()),
                        interval(t.leadSteps(), "%+.0f") + metrics(t), interval(t.leadLogSteps(), "%+.3f")));
            }
            s.append("  per seed (step of the boundary; nearest metric transition and lead):\n");
            for (SweepComparison.Transition t : st.transitions()) {
                s.append("    ").append(t.name()).append(":");
                for (SweepComparison.Occurrence o : t.occurrences()) {
                    s.append(String.format(Locale.ROOT, "  seed %d %.0f", o.seed(), o.boundary().step()));
                    if (o.lead() != null) s.append(String.format(Locale.ROOT, " (%s %.0f, %+.0f)", o.lead().metric(), o.lead().metricStep(), o.lead().steps()));
                }
                s.append('\n');
            }
        }
        s.append("lead = metric step − λ̂ boundary step (positive: λ̂ moves first); CI: Student-t over seeds; bands: 25–75 % quantiles\n");
        return s.toString();
    }

    /** Each task metric's fastest change across the seeds: where the task changes, with or without a λ̂ boundary. */
    private static void metricTable(StringBuilder s, SweepComparison.Setting st) {
        if (st.metrics().isEmpty()) return;
        s.append(String.format(Locale.ROOT, "  %-22s %5s %10s %17s %17s   %s%n", "metric transition", "seeds", "median", "25–75 %", "min–max", "per seed"));
        for (SweepComparison.MetricSteps m : st.metrics()) {
            StringBuilder perSeed = new StringBuilder();
            for (int i = 0; i < m.seeds().length; i++) perSeed.append(String.format(Locale.ROOT, "%s%d: %.0f", i == 0 ? "" : ", ", m.seeds()[i], m.steps()[i]));
            s.append(String.format(Locale.ROOT, "  %-22s %2d/%-2d %10.0f %17s %17s   %s%n", m.metric(), m.seeds().length, st.runs().size(), m.medianStep(),
                    range(m.lowStep(), m.highStep()), range(m.minStep(), m.maxStep()), perSeed));
        }
    }

    /** The median and band at the last step that most runs reach (a run is not read past its last checkpoint). */
    private static String last(String what, SweepComparison.Band b) {
        int most = java.util.Arrays.stream(b.runs()).max().orElse(0);
        for (int i = b.steps().length - 1; i >= 0; i--) {
            if (b.runs()[i] == most && most > 0) {
                return String.format(Locale.ROOT, "  %-4s at step %d (%d runs): median %.4g, 25–75 %% %.4g–%.4g%n", what, b.steps()[i], most,
                        b.median()[i], b.low()[i], b.high()[i]);
            }
        }
        return "";
    }

    private static String metrics(SweepComparison.Transition t) {
        List<String> names = t.occurrences().stream().filter(o -> o.lead() != null).map(o -> o.lead().metric()).distinct().toList();
        return names.isEmpty() ? "" : " " + String.join("/", names);
    }

    private static String range(double a, double b) {
        return String.format(Locale.ROOT, "%.0f–%.0f", a, b);
    }

    /**
     * A mean with its interval, e.g. "+210 [+120, +300]".
     *
     * @param i      the interval
     * @param format the numbers' format, e.g. "%+.0f"
     * @return the text; "no metric transition" when no seed had a value, "(1 seed)" without an interval for one
     */
    public static String interval(SeedStatistics.Interval i, String format) {
        if (i.n() == 0) return "no metric transition";
        String mean = String.format(Locale.ROOT, format, i.mean());
        if (i.n() < 2) return mean + " (1 seed)";
        return mean + " [" + String.format(Locale.ROOT, format, i.low()) + ", " + String.format(Locale.ROOT, format, i.high()) + "]";
    }

    /**
     * The comparison as JSON: per setting its runs' curves, the median and band, and the matched transitions with
     * each seed's boundary and lead. NaN is written as null.
     *
     * @param c the comparison
     * @return the JSON text
     * @throws java.io.IOException if it cannot be serialised
     */
    public static String json(SweepComparison.Comparison c) throws java.io.IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("sweep", c.sweep().toString());
        root.put("partial", c.partial());
        ArrayNode unfinished = root.putArray("unfinished_cells");
        for (SweepComparison.Unfinished u : c.unfinished()) unfinished.addObject().put("cell", u.cell()).put("reason", u.reason());
        root.put("band", "25-75 % quantiles across seeds (linear interpolation); runs read between checkpoints linearly in ln(step + 1)");
        root.put("lead", "metric step - λ̂ boundary step, nearest metric transition in ln step; positive: λ̂ moves first");
        root.put("interval", "Student-t, level " + SweepComparison.LEVEL);
        ArrayNode settings = root.putArray("settings");
        for (SweepComparison.Setting st : c.settings()) {
            ObjectNode s = settings.addObject();
            s.put("name", st.name());
            ArrayNode runs = s.putArray("runs");
            for (SweepComparison.Run r : st.runs()) {
                ObjectNode o = runs.addObject();
                o.put("cell", r.cell());
                o.put("seed", r.seed());
                longs(o.putArray("steps"), r.steps());
                doubles(o.putArray("llc"), r.llc());
                doubles(o.putArray("loss"), r.loss());
            }
            band(s.putObject("llc"), st.llc());
            band(s.putObject("loss"), st.loss());
            ArrayNode ms = s.putArray("metric_transitions");
            for (SweepComparison.MetricSteps mt : st.metrics()) {
                ObjectNode o = ms.addObject();
                o.put("metric", mt.metric());
                longs(o.putArray("seeds"), mt.seeds());
                doubles(o.putArray("steps"), mt.steps());
                number(o, "median_step", mt.medianStep());
                number(o, "q25_step", mt.lowStep());
                number(o, "q75_step", mt.highStep());
                number(o, "min_step", mt.minStep());
                number(o, "max_step", mt.maxStep());
            }
            ArrayNode ts = s.putArray("transitions");
            for (SweepComparison.Transition t : st.transitions()) {
                ObjectNode o = ts.addObject();
                o.put("name", t.name());
                o.put("kind", t.kind().name());
                o.put("ordinal", t.ordinal());
                number(o, "median_step", t.medianStep());
                number(o, "q25_step", t.lowStep());
                number(o, "q75_step", t.highStep());
                number(o, "min_step", t.minStep());
                number(o, "max_step", t.maxStep());
                interval(o.putObject("lead_steps"), t.leadSteps());
                interval(o.putObject("lead_log_steps"), t.leadLogSteps());
                ArrayNode seeds = o.putArray("seeds");
                for (SweepComparison.Occurrence occ : t.occurrences()) {
                    ObjectNode e = seeds.addObject();
                    e.put("cell", occ.cell());
                    e.put("seed", occ.seed());
                    number(e, "step", occ.boundary().step());
                    number(e, "step_low", occ.boundary().stepLow());
                    number(e, "step_high", occ.boundary().stepHigh());
                    if (occ.lead() == null) {
                        e.putNull("lead");
                    } else {
                        ObjectNode l = e.putObject("lead");
                        l.put("metric", occ.lead().metric());
                        number(l, "metric_step", occ.lead().metricStep());
                        number(l, "steps", occ.lead().steps());
                        number(l, "log_steps", occ.lead().logSteps());
                    }
                }
            }
            ArrayNode notes = s.putArray("notes");
            st.notes().forEach(notes::add);
        }
        return m.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static void band(ObjectNode o, SweepComparison.Band b) {
        longs(o.putArray("steps"), b.steps());
        doubles(o.putArray("median"), b.median());
        doubles(o.putArray("q25"), b.low());
        doubles(o.putArray("q75"), b.high());
        ArrayNode runs = o.putArray("runs");
        for (int n : b.runs()) runs.add(n);
    }

    private static void interval(ObjectNode o, SeedStatistics.Interval i) {
        o.put("n", i.n());
        number(o, "mean", i.mean());
        number(o, "sd", i.sd());
        number(o, "low", i.low());
        number(o, "high", i.high());
    }

    private static void number(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) o.put(key, v);
        else o.putNull(key);
    }

    private static void longs(ArrayNode a, long[] v) {
        for (long x : v) a.add(x);
    }

    private static void doubles(ArrayNode a, double[] v) {
        for (double x : v) {
            if (Double.isFinite(x)) a.add(x);
            else a.addNull();
        }
    }
}
