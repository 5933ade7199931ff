package io.lambdahat.dynamics;

import static io.lambdahat.dynamics.Synthetic.logistic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * Monte-Carlo calibration of the stage detector at its default options, on the synthetic curves of
 * {@link StageDetectorTest} (same checkpoints, noise levels and curves, seeds 1000 onwards so they differ from the
 * tests'): how often each curve gives the right number of boundaries, how far found boundaries sit from the true
 * critical points, and how often the reported interval contains them. Not a unit test; run it by hand:
 *
 * <pre>java -cp target/classes:target/test-classes io.lambdahat.dynamics.DetectorCalibration [seeds]</pre>
 */
public final class DetectorCalibration {
    private DetectorCalibration() {}

    private record Case(String name, DoubleUnaryOperator llc, double noise, double[] truth) {}

    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        DoubleUnaryOperator bumpSlope = StageDetectorTest.bumpSlope(5);
        List<Case> cases = List.of(
                new Case("bump, noise sd 2", StageDetectorTest.bump(5), 2.0,
                        new double[] {Synthetic.root(bumpSlope, 4.5, 6), Synthetic.root(bumpSlope, 6, 9)}),
                new Case("bump, noise sd 4", StageDetectorTest.bump(5), 4.0,
                        new double[] {Synthetic.root(bumpSlope, 4.5, 6), Synthetic.root(bumpSlope, 6, 9)}),
                new Case("two steps (plateau at 6.75), noise sd 2",
                        x -> 20 + 30 * logistic((x - 5) / 0.4) + 30 * logistic((x - 8.5) / 0.4), 2.0, new double[] {6.75}),
                new Case("logistic rise, noise sd 3", x -> 20 + 60 * logistic(x - 6), 3.0, new double[0]),
                new Case("line of slope 3, noise sd 4", x -> 20 + 3 * x, 4.0, new double[0]),
                new Case("constant, noise sd 2", x -> 50, 2.0, new double[0]));
        long[] steps = StageDetectorTest.STEPS;
        double[] x = new double[steps.length];
        for (int i = 0; i < x.length; i++) x[i] = Synthetic.x(steps[i]);
        double[] loss = Synthetic.sample(steps, StageDetectorTest.SMOOTH_LOSS, 0, new Random(0));
        GpFit lossFit = GaussianProcess.fit(x, loss, null);
        StageDetector.Options options = StageDetector.Options.defaults();
        for (Case c : cases) {
            int[] counts = new int[6];
            List<Double> errors = new ArrayList<>();
            int inside = 0;
            for (int s = 0; s < seeds; s++) {
                double[] y = Synthetic.sample(steps, c.llc(), c.noise(), new Random(1000 + s));
                StageAnalysis a = StageDetector.analyse(GaussianProcess.fit(x, y, null, options.gp()), lossFit, options);
                List<Boundary> found = a.llcBoundaries();
                counts[Math.min(5, found.size())]++;
                for (double t : c.truth()) {
                    Boundary nearest = null;
                    for (Boundary b : found) {
                        if (nearest == null || Math.abs(b.logStep() - t) < Math.abs(nearest.logStep() - t)) nearest = b;
                    }
                    if (nearest == null) continue;
                    errors.add(Math.abs(nearest.logStep() - t));
                    if (nearest.logStepLow() <= t && t <= nearest.logStepHigh()) inside++;
                }
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-42s runs with 0,1,2,3,4,5+ boundaries:", c.name()));
            for (int k : counts) line.append(' ').append(k);
            if (!errors.isEmpty()) {
                Collections.sort(errors);
                line.append(String.format(Locale.ROOT, " | |error| in ln step: median %.3f, p90 %.3f, max %.3f; truth in interval %d/%d",
                        errors.get(errors.size() / 2), errors.get((int) (0.9 * errors.size())), errors.getLast(), inside, errors.size()));
            }
            System.out.println(line);
        }
    }
}
