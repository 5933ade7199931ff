package io.lambdahat.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Places band labels (stages, task-metric transitions) in rows so that no two overlap: each label is centred over its
 * band, pulled inside the plot, and put in the first row where it clears every label already there. Neighbouring
 * bands on a log step axis are often only a few pixels apart, so one row cannot hold their labels. The page's script
 * (report.js, {@code layoutLabels}) does the same in the browser, where the widths change with every zoom.
 */
public final class LabelLanes {
    /** The horizontal gap kept between two labels in one row, in pixels. */
    public static final double GAP = 4;

    private LabelLanes() {}

    /**
     * A placed label.
     *
     * @param index the label's index in the input
     * @param left  its left edge, pixels
     * @param right its right edge, pixels
     * @param lane  its row, 0 at the top
     */
    public record Placed(int index, double left, double right, int lane) {}

    /**
     * Places labels of the given widths centred at the given positions.
     *
     * @param centres  each label's wanted centre, pixels
     * @param widths   each label's width, pixels
     * @param minLeft  the plot's left edge: no label starts before it
     * @param maxRight the plot's right edge: no label ends after it (unless wider than the plot)
     * @return the labels, in input order
     */
    public static List<Placed> place(double[] centres, double[] widths, double minLeft, double maxRight) {
        Integer[] order = new Integer[centres.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        double[] left = new double[centres.length];
        for (int i = 0; i < left.length; i++) {
            left[i] = Math.max(minLeft, Math.min(centres[i] - widths[i] / 2, maxRight - widths[i]));
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> left[i]));
        List<Double> laneEnds = new ArrayList<>();
        Placed[] out = new Placed[centres.length];
        for (int i : order) {
            int lane = 0;
            while (lane < laneEnds.size() && laneEnds.get(lane) + GAP > left[i]) lane++;
            if (lane == laneEnds.size()) laneEnds.add(0.0);
            laneEnds.set(lane, left[i] + widths[i]);
            out[i] = new Placed(i, left[i], left[i] + widths[i], lane);
        }
        return List.of(out);
    }
}
