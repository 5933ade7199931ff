package io.lambdahat.nn;

import io.lambdahat.InvalidInputException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which coordinates of the flat parameter vector move in a weight-refined λ̂: the rest stay at w*.
 * Selectors are globs over parameter names ({@code blocks.0.attn.*}, {@code layers.1.weight}); a selector ending
 * in {@code [i]} takes only slice i along the parameter's first axis — for attention weights stored head-first
 * ({@code W_Q [heads, d_model, d_head]}) that is one head: {@code blocks.1.attn.W_*[3]}.
 */
public final class ParameterMask {
    private static final Pattern SLICE = Pattern.compile("^(.*)\\[(\\d+)]$");

    private final boolean[] free;
    private final long count;
    private final List<String> selectors;

    private ParameterMask(boolean[] free, List<String> selectors) {
        this.free = free;
        long n = 0;
        for (boolean b : free) if (b) n++;
        this.count = n;
        this.selectors = List.copyOf(selectors);
    }

    /**
     * The mask that moves every coordinate: plain λ̂.
     *
     * @param layout the model's parameter layout
     * @return the mask, with the single selector "*"
     */
    public static ParameterMask all(ParameterLayout layout) {
        boolean[] f = new boolean[Math.toIntExact(layout.size())];
        Arrays.fill(f, true);
        return new ParameterMask(f, List.of("*"));
    }

    /**
     * The coordinates that any of the selectors picks.
     *
     * @param layout    the model's parameter layout
     * @param selectors globs over parameter names, each optionally ending in {@code [i]} for slice i along the
     *                  first axis
     * @return the mask
     * @throws IllegalArgumentException if there are no selectors, a selector matches no parameter, or its slice
     *     index is out of range or taken of a parameter with fewer than 2 axes
     */
    public static ParameterMask select(ParameterLayout layout, List<String> selectors) {
        if (selectors.isEmpty()) throw new InvalidInputException("give at least one parameter selector");
        boolean[] f = new boolean[Math.toIntExact(layout.size())];
        for (String selector : selectors) {
            Matcher m = SLICE.matcher(selector.trim());
            String glob = m.matches() ? m.group(1) : selector.trim();
            Integer slice = m.matches() ? Integer.valueOf(m.group(2)) : null;
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            boolean any = false;
            for (ParameterLayout.Entry e : layout.entries()) {
                if (!matcher.matches(Path.of(e.name()))) continue;
                any = true;
                long begin = e.offset(), length = e.size();
                if (slice != null) {
                    if (e.shape().length < 2 || slice >= e.shape()[0]) {
                        throw new InvalidInputException("selector " + selector + ": " + e + " has no slice " + slice + " along its first axis");
                    }
                    length = e.size() / e.shape()[0];
                    begin = e.offset() + slice * length;
                }
                Arrays.fill(f, (int) begin, (int) (begin + length), true);
            }
            if (!any) {
                throw new InvalidInputException("selector '" + selector + "' matches no parameter; parameters: "
                        + layout.entries().stream().map(ParameterLayout.Entry::name).toList());
            }
        }
        return new ParameterMask(f, selectors);
    }

    /**
     * One mask per attention head of a transformer whose attention weights are stored head-first
     * ({@code blocks.L.attn.W_Q [heads, d_model, d_head]}, as {@link Transformer} stores them): head h of layer L
     * is slice h of W_Q, W_K, W_V and W_O (and of b_Q, b_K, b_V when the model has biases), labelled "L0H3" style.
     *
     * @param layout the transformer's parameter layout
     * @return label ("L0H3") → that head's mask, layer by layer and head by head
     * @throws IllegalArgumentException when the layout has no {@code blocks.L.attn.W_Q} parameters
     */
    public static java.util.LinkedHashMap<String, ParameterMask> heads(ParameterLayout layout) {
        Pattern query = Pattern.compile("^blocks\\.(\\d+)\\.attn\\.W_Q$");
        java.util.LinkedHashMap<String, ParameterMask> out = new java.util.LinkedHashMap<>();
        for (ParameterLayout.Entry e : layout.entries()) {
            Matcher m = query.matcher(e.name());
            if (!m.matches()) continue;
            String block = "blocks." + m.group(1) + ".attn.";
            boolean biases = layout.entries().stream().anyMatch(x -> x.name().equals(block + "b_Q"));
            for (int h = 0; h < e.shape()[0]; h++) {
                List<String> selectors = new ArrayList<>(List.of(block + "W_*[" + h + "]"));
                if (biases) selectors.add(block + "b_[QKV][" + h + "]");
                out.put("L" + m.group(1) + "H" + h, select(layout, selectors));
            }
        }
        if (out.isEmpty()) {
            throw new InvalidInputException("per-head λ̂ needs a transformer with blocks.L.attn.W_Q [heads, d_model, d_head] parameters; this model has "
                    + layout.entries().stream().map(ParameterLayout.Entry::name).toList());
        }
        return out;
    }

    /** {@return the mask over the flat [P] vector: 1 for coordinates that move, 0 for those fixed at w*} */
    public float[] asFloats() {
        float[] out = new float[free.length];
        for (int i = 0; i < free.length; i++) out[i] = free[i] ? 1f : 0f;
        return out;
    }

    /** {@return true if every coordinate moves (plain λ̂)} */
    public boolean isAll() {
        return count == free.length;
    }

    /** {@return the number of coordinates that move} */
    public long count() {
        return count;
    }

    /** {@return a copy of the selectors the mask was built from} */
    public List<String> selectors() {
        return new ArrayList<>(selectors);
    }
}
