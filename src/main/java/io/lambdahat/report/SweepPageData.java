package io.lambdahat.report;

import io.lambdahat.sweep.ComparisonTables;
import io.lambdahat.sweep.SweepComparison;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The numbers behind the sweep report's interactive charts, as the JSON that report.js reads: per setting, the median
 * and 25–75 % band of λ̂ and loss across seeds on the union of the runs' steps, every run's curve on those steps (null
 * where the run has no checkpoint), the matched λ̂ transitions with their step quantiles and lead intervals, the task
 * metrics' transition steps, and the address of each run's own report relative to the sweep's page.
 */
final class SweepPageData {
    private SweepPageData() {}

    /**
     * The page's data.
     *
     * @param page       where the sweep's page is written (run reports are linked relative to its folder)
     * @param comparison the comparison of the sweep's runs
     * @return JSON text, safe inside a script element
     */
    static String json(Path page, SweepComparison.Comparison comparison) {
        Json j = new Json().object();
        j.key("kind").value("sweep").key("title").value("Sweep " + comparison.sweep().getFileName()).key("settings").array();
        int index = 0;
        for (SweepComparison.Setting s : comparison.settings()) {
            j.object().key("name").value(s.name()).key("id").value("lh-setting-" + index++);
            band(j.key("llc"), s.llc());
            band(j.key("loss"), s.loss());
            long[] union = s.llc().steps();
            j.key("runs").array();
            for (SweepComparison.Run r : s.runs()) {
                Path report = comparison.sweep().resolve("cells").resolve(r.cell()).resolve("report.html");
                j.object().key("seed").value(r.seed()).key("cell").value(r.cell())
                        .key("report").value(relative(page, report)).key("reportExists").value(Files.isRegularFile(report))
                        .key("llc").numbers(onto(union, r.steps(), r.llc()))
                        .key("loss").numbers(onto(s.loss().steps(), r.steps(), r.loss())).end();
            }
            j.endArray().key("transitions").array();
            for (SweepComparison.Transition t : s.transitions()) {
                j.object().key("name").value(t.name()).key("median").value(t.medianStep()).key("low").value(t.lowStep())
                        .key("high").value(t.highStep()).key("min").value(t.minStep()).key("max").value(t.maxStep())
                        .key("seeds").value(t.occurrences().size())
                        .key("lead").value(ComparisonTables.interval(t.leadSteps(), "%+.0f"))
                        .key("leadLog").value(ComparisonTables.interval(t.leadLogSteps(), "%+.3f")).end();
            }
            j.endArray().key("metrics").array();
            for (SweepComparison.MetricSteps m : s.metrics()) {
                j.object().key("metric").value(m.metric()).key("median").value(m.medianStep()).key("low").value(m.lowStep())
                        .key("high").value(m.highStep()).end();
            }
            j.endArray().end();
        }
        return j.endArray().end().text();
    }

    private static void band(Json j, SweepComparison.Band b) {
        double[] runs = Arrays.stream(b.runs()).asDoubleStream().toArray();
        j.object().key("step").integers(b.steps()).key("median").numbers(b.median()).key("low").numbers(b.low())
                .key("high").numbers(b.high()).key("runs").numbers(runs).end();
    }

    /** A run's values on the setting's union of steps: NaN (null in JSON) where the run has no checkpoint. */
    static double[] onto(long[] union, long[] steps, double[] values) {
        double[] out = new double[union.length];
        Arrays.fill(out, Double.NaN);
        for (int i = 0; i < steps.length; i++) {
            int at = Arrays.binarySearch(union, steps[i]);
            if (at >= 0) out[at] = values[i];
        }
        return out;
    }

    /** The address of a file relative to the page's folder, with forward slashes, for a link that survives a move. */
    static String relative(Path page, Path file) {
        Path from = page.toAbsolutePath().normalize().getParent();
        return from.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }
}
