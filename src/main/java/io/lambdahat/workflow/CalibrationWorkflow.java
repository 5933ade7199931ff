package io.lambdahat.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lambdahat.InvalidInputException;
import io.lambdahat.io.AtomicFiles;
import io.lambdahat.report.Charts;
import io.lambdahat.report.HtmlReport;
import io.lambdahat.sampling.Calibration;
import io.lambdahat.sampling.NBetaRule;
import io.lambdahat.sampling.SamplerConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lambdahat calibrate} as a library call: the ε × nβ grid around the default nβ, the sweep over it at one w*
 * ({@link Calibration#sweep}), and its two files: calibration.json (which {@code --calibration} reads) and
 * calibration.html (heat maps of λ̂, MALA acceptance and divergence, and the online λ̂ traces).
 */
public final class CalibrationWorkflow {
    private CalibrationWorkflow() {}

    /**
     * The grid: {@code size} log-spaced ε from {@code epsFrom} to {@code epsTo}, and as many nβ from {@code nbetaFrom}
     * to {@code nbetaTo} times the default nβ (the default itself replaces its nearest grid value).
     *
     * @param epsFrom   smallest ε
     * @param epsTo     largest ε
     * @param nbetaFrom smallest nβ, as a multiple of the default
     * @param nbetaTo   largest nβ, as a multiple of the default
     * @param size      values per axis, at least 2
     */
    public record Grid(double epsFrom, double epsTo, double nbetaFrom, double nbetaTo, int size) {
        /** Checks the ranges. */
        public Grid {
            if (size < 2) throw new InvalidInputException("--grid must be at least 2, got " + size);
            if (!(epsFrom > 0) || !(epsTo >= epsFrom)) throw new InvalidInputException("--eps-range needs 0 < FROM ≤ TO, got " + epsFrom + "," + epsTo);
            if (!(nbetaFrom > 0) || !(nbetaTo >= nbetaFrom)) {
                throw new InvalidInputException("--nbeta-range needs 0 < FROM ≤ TO, got " + nbetaFrom + "," + nbetaTo);
            }
        }

        /**
         * The grid from FROM,TO pairs as a command line gives them.
         *
         * @param eps   ε from, to
         * @param nbeta nβ from, to (multiples of the default)
         * @param size  values per axis
         * @return the grid
         */
        public static Grid of(double[] eps, double[] nbeta, int size) {
            if (eps.length != 2 || nbeta.length != 2) throw new InvalidInputException("--eps-range and --nbeta-range take FROM,TO");
            return new Grid(eps[0], eps[1], nbeta[0], nbeta[1], size);
        }
    }

    /**
     * Sweeps the grid at the subject's w*, every cell with the chains of {@code base} batched.
     *
     * @param subject    model, data and w*
     * @param base       the other sampler settings (chains, draws, burn-in, batch, seed; γ when {@code fixedGamma})
     * @param fixedGamma keep base's γ in every cell instead of γ = 1e-4/ε
     * @param grid       the ε × nβ grid
     * @param afterCell  called after each cell (progress), or null
     * @return every cell and the recommendation
     */
    public static Calibration.Result sweep(LlcSubject subject, SamplerConfig base, boolean fixedGamma, Grid grid, Runnable afterCell) {
        long n = subject.data().size();
        double defaultNbeta = base.nbetaRule() == NBetaRule.FIXED ? base.nbeta() : base.nbetaRule().value(n, base.batchSize(), Double.NaN);
        double[] eps = Calibration.logSpace(grid.epsFrom(), grid.epsTo(), grid.size());
        double[] nbetas = Calibration.logSpace(defaultNbeta * grid.nbetaFrom(), defaultNbeta * grid.nbetaTo(), grid.size());
        int nearest = 0;
        for (int i = 1; i < nbetas.length; i++) {
            if (Math.abs(Math.log(nbetas[i] / defaultNbeta)) < Math.abs(Math.log(nbetas[nearest] / defaultNbeta))) nearest = i;
        }
        nbetas[nearest] = defaultNbeta;  // the recommendation prefers the default nβ, so it must be on the grid
        return Calibration.sweep(subject.model(), subject.data(), subject.wStar(), base, fixedGamma, eps, nbetas, defaultNbeta, afterCell);
    }

    /**
     * Writes calibration.json and calibration.html, each atomically.
     *
     * @param result the sweep
     * @param step   the checkpoint's step, recorded in the JSON
     * @param title  what was calibrated, for the page's title ("runs/dln, step 1500")
     * @param json   where calibration.json goes
     * @param html   where calibration.html goes
     * @throws IOException if a file cannot be written
     */
    public static void write(Calibration.Result result, long step, String title, Path json, Path html) throws IOException {
        AtomicFiles.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document(result, step)));
        AtomicFiles.writeString(html, page(result, title));
    }

    private static Map<String, Object> document(Calibration.Result result, long step) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("step", step);
        doc.put("gamma", Double.isNaN(result.gamma()) ? "1e-4/epsilon" : result.gamma());
        doc.put("default_nbeta", result.defaultNbeta());
        result.recommendation().ifPresent(r -> doc.put("recommendation", r));
        List<Map<String, Object>> cells = new ArrayList<>();
        for (Calibration.Cell c : result.cells()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epsilon", c.epsilon());
            m.put("nbeta", c.nbeta());
            m.put("gamma", c.gamma());
            m.put("trusted", c.trusted());
            m.put("llc", finite(c.llc()));
            m.put("llc_stderr", finite(c.llcStderr()));
            m.put("mala_accept", finite(c.malaAcceptance()));
            m.put("diverged_chains", c.divergedChains());
            m.put("trace_drift", finite(c.traceDrift()));
            cells.add(m);
        }
        doc.put("cells", cells);
        return doc;
    }

    private static String page(Calibration.Result result, String title) throws IOException {
        double[] eps = result.cells().stream().mapToDouble(Calibration.Cell::epsilon).distinct().sorted().toArray();
        double[] nbs = result.cells().stream().mapToDouble(Calibration.Cell::nbeta).distinct().sorted().toArray();
        String[] cols = Arrays.stream(eps).mapToObj(v -> String.format(Locale.ROOT, "%.0e", v)).toArray(String[]::new);
        String[] rows = Arrays.stream(nbs).mapToObj(v -> String.format(Locale.ROOT, "%.3g", v)).toArray(String[]::new);
        double[][] llc = new double[nbs.length][eps.length], acc = new double[nbs.length][eps.length], div = new double[nbs.length][eps.length];
        for (Calibration.Cell c : result.cells()) {
            int i = Arrays.binarySearch(nbs, c.nbeta()), j = Arrays.binarySearch(eps, c.epsilon());
            llc[i][j] = c.llc();
            acc[i][j] = c.malaAcceptance();
            div[i][j] = c.divergedChains();
        }
        HtmlReport html = new HtmlReport("λ̂ calibration — " + title);
        result.recommendation().ifPresentOrElse(r -> html.paragraph("Recommended: ε = " + r.epsilon() + ", nβ = " + r.nbeta() + ", γ = "
                + r.gamma() + ". " + r.reason()), () -> html.paragraph("No cell passed every check."));
        html.image(Charts.heatmap("λ̂", "ε", cols, "nβ", rows, llc, 900, 600), "λ̂ heat map");
        html.image(Charts.heatmap("full-batch MALA acceptance", "ε", cols, "nβ", rows, acc, 900, 600), "MALA heat map");
        html.image(Charts.heatmap("diverged chains", "ε", cols, "nβ", rows, div, 900, 600), "divergence heat map");
        html.heading("Online λ̂ per cell (mean over chains)");
        for (double nb : nbs) {
            List<Charts.Curve> curves = new ArrayList<>();
            for (Calibration.Cell c : result.cells()) {
                if (c.nbeta() != nb || c.llcMeans().length == 0) continue;
                double[] x = new double[c.llcMeans().length];
                for (int t = 0; t < x.length; t++) x[t] = t;
                curves.add(new Charts.Curve(String.format(Locale.ROOT, "ε %.0e", c.epsilon()), x, c.llcMeans(), null));
            }
            html.image(Charts.lines(String.format(Locale.ROOT, "nβ = %.3g", nb), "draw", false, List.of("online λ̂"), curves, List.of(), 900, 300),
                    "traces at nβ " + nb);
        }
        return html.render();
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
