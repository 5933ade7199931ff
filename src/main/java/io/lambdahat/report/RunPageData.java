package io.lambdahat.report;

import io.lambdahat.dynamics.Direction;
import io.lambdahat.dynamics.MetricTransition;
import io.lambdahat.dynamics.Stage;
import io.lambdahat.dynamics.StageAnalysis;
import io.lambdahat.dynamics.StageType;
import io.lambdahat.trajectory.HeadTrajectory;
import io.lambdahat.trajectory.RunRecords;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The numbers behind a run report's interactive charts, as the JSON that report.js reads: every record (step, loss,
 * λ̂ ± se, MALA, R̂, ESS, findings), the stages and boundaries, the task metrics' fastest changes, the metrics that
 * vary and the per-head λ̂ on the union of their steps. Raw steps are kept (step 0 included); the page maps them to
 * its log or linear axis.
 */
final class RunPageData {
    private RunPageData() {}

    /**
     * The page's data.
     *
     * @param title       the page's title
     * @param entries     the λ̂ records, in step order (may be empty)
     * @param analysis    their stage analysis, or null when there are none
     * @param transitions the task metrics' fastest changes
     * @param metrics     the task metrics that vary over the run (constant ones are stated in words, not charted)
     * @param heads       per-head λ̂ by head label; may be empty
     * @param empty       what the page says in place of the charts when there are no records, or null
     * @return JSON text, safe inside a script element
     */
    static String json(String title, List<RunRecords.Entry> entries, StageAnalysis analysis, List<MetricTransition> transitions,
                       RunReport.Metrics metrics, Map<String, HeadTrajectory.Series> heads, String empty) {
        Json j = new Json().object();
        j.key("title").value(title);
        j.key("empty").value(empty);
        records(j.key("records"), entries);
        j.key("stages").array();
        if (analysis != null) {
            for (Stage s : analysis.stages()) {
                j.object().key("index").value(s.index()).key("from").value(s.startStep()).key("to").value(s.endStep())
                        .key("type").value(s.type().name()).key("label").value(label(s.type())).key("meaning").value(s.type().description())
                        .key("dLoss").value(s.deltaLoss()).key("dLlc").value(s.deltaLlc()).end();
            }
        }
        j.endArray().key("boundaries").array();
        if (analysis != null) analysis.llcBoundaries().forEach(b -> j.object().key("step").value(b.step()).key("kind").value(b.kind().name()).end());
        j.endArray().key("transitions").array();
        for (MetricTransition t : transitions) {
            j.object().key("metric").value(t.metric()).key("label").value(shortName(t)).key("step").value(t.step())
                    .key("from").value(t.stepLow()).key("to").value(t.stepHigh()).end();
        }
        j.endArray().key("metrics").object().key("step").integers(metrics.steps()).key("columns").array();
        metrics.columns().forEach((name, values) -> {
            j.object().key("name").value(name).key("values").numbers6(values).end();
        });
        j.endArray().end();
        heads(j.key("heads"), heads);
        return j.end().text();
    }

    private static void records(Json j, List<RunRecords.Entry> entries) {
        int n = entries.size();
        long[] step = new long[n];
        double[] loss = new double[n], llc = new double[n], se = new double[n], mala = new double[n], rhat = new double[n], ess = new double[n];
        for (int i = 0; i < n; i++) {
            RunRecords.Entry e = entries.get(i);
            step[i] = e.step();
            loss[i] = e.loss();
            llc[i] = e.llcMean();
            se[i] = e.llcStderr();
            mala[i] = e.malaAcceptance();
            rhat[i] = e.raw().path("rhat").asDouble(Double.NaN);
            ess[i] = RunReport.meanEss(e);
        }
        j.object().key("step").integers(step).key("loss").numbers(loss).key("llc").numbers(llc).key("se").numbers(se)
                .key("mala").numbers(mala).key("rhat").numbers(rhat).key("ess").numbers(ess);
        // a checkpoint whose chains ran downhill has no estimate: the page shows it as a marker, not on the λ̂ line
        j.key("local").array();
        for (RunRecords.Entry e : entries) j.value(!e.notLocalMinimum() && Double.isFinite(e.llcMean()));
        j.endArray().key("findings").array();
        for (RunRecords.Entry e : entries) j.strings(e.findings().stream().map(f -> f.replace('_', ' ')).toList());
        j.endArray().end();
    }

    /** Each head's λ̂ on the union of the heads' steps, null where a head has no record. */
    private static void heads(Json j, Map<String, HeadTrajectory.Series> heads) {
        TreeSet<Long> union = new TreeSet<>();
        heads.values().forEach(s -> { for (long t : s.steps()) union.add(t); });
        long[] steps = union.stream().mapToLong(Long::longValue).toArray();
        j.object().key("step").integers(steps).key("series").array();
        heads.forEach((name, s) -> {
            double[] mean = new double[steps.length], se = new double[steps.length];
            java.util.Arrays.fill(mean, Double.NaN);
            java.util.Arrays.fill(se, Double.NaN);
            for (int i = 0; i < s.steps().length; i++) {
                int at = java.util.Arrays.binarySearch(steps, s.steps()[i]);
                mean[at] = s.mean()[i];
                if (s.stderr() != null && i < s.stderr().length) se[at] = s.stderr()[i];
            }
            j.object().key("name").value(name).key("mean").numbers(mean).key("se").numbers(se).end();
        });
        j.endArray().end();
    }

    /** A stage band's label: its type when it is one of the two named ones. */
    static String label(StageType t) {
        return t == StageType.A ? "A" : t == StageType.B ? "B" : "";
    }

    /** A label short enough for a chart band: "icl_score ↓". */
    static String shortName(MetricTransition t) {
        String name = t.metric().replace("held_out_loss", "loss").replace("induction_accuracy", "ind. acc.").replace("icl_score", "ICL");
        return name + (t.direction() == Direction.UP ? " ↑" : " ↓");
    }
}
