package io.lambdahat.trajectory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.data.Dataset;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.ParameterMask;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.SamplerObserver;
import io.lambdahat.sampling.LangevinSampler;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.run.RunFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One weight-refined λ̂ curve per attention head over a run's checkpoints. At each checkpoint every head gets its own
 * group of chains in ONE batched sampler run: the chains of head h move only that head's slices of W_Q, W_K, W_V, W_O
 * (see {@link ParameterMask#heads}) while everything else stays at the checkpoint's w*, so the minibatch forward and
 * backward are shared by all heads. Records go to {@code DIR/llc-heads/step-N.json}, one per checkpoint, atomically,
 * with the same resume rules as {@link TrajectoryRunner}.
 */
public final class HeadTrajectory {
    /**
     * λ̂ of one head over the checkpoints that have a record.
     *
     * @param steps  training steps, ascending
     * @param mean   the head's λ̂ at each step: mean over its chains
     * @param stderr standard error of that mean over the head's chains
     */
    public record Series(long[] steps, double[] mean, double[] stderr) {}

    private final ChainModel model;
    private final Dataset data;
    private final SamplerConfig perHead;
    private final Path recordDir;
    private SamplerObserver observer = SamplerObserver.NONE;

    /**
     * Per-head λ̂ for one model and dataset.
     *
     * @param model     a transformer (its layout has {@code blocks.L.attn.W_Q [heads, …]})
     * @param data      the data λ̂ is sampled on
     * @param perHead   sampler settings; {@code chains()} is the number of chains per head
     * @param recordDir where records go, usually {@link #folder(Path)}
     */
    public HeadTrajectory(ChainModel model, Dataset data, SamplerConfig perHead, Path recordDir) {
        this.model = model;
        this.data = data;
        this.perHead = perHead;
        this.recordDir = recordDir;
    }

    /**
     * The per-head records of a run folder.
     *
     * @param runDir a run folder written by {@code lambdahat train --out}
     * @return {@code runDir/llc-heads}
     */
    public static Path folder(Path runDir) {
        return RunFolder.of(runDir).headRecords();
    }

    /**
     * Receives the batched sampler's steps, for a progress bar.
     *
     * @param o called after every SGLD step; null for none
     * @return this
     */
    public HeadTrajectory observer(SamplerObserver o) {
        this.observer = o == null ? SamplerObserver.NONE : o;
        return this;
    }

    /** {@return the heads' labels ("L0H0", …) and their masks, in the order their chain groups are laid out} */
    public Map<String, ParameterMask> heads() {
        return ParameterMask.heads(model.layout());
    }

    /**
     * Estimates every head's λ̂ at each checkpoint that has no record yet; a bad checkpoint is reported, the rest complete.
     *
     * @param checkpoints the checkpoints to cover, in any order
     * @return one outcome per checkpoint: its record, whether it was already there, or why it failed
     * @throws IOException when a record cannot be written
     */
    public List<TrajectoryRunner.Outcome> run(List<Checkpoints.Checkpoint> checkpoints) throws IOException {
        Map<String, ParameterMask> heads = heads();
        int perGroup = perHead.chains();
        List<ParameterMask> masks = new ArrayList<>();
        for (ParameterMask m : heads.values()) for (int k = 0; k < perGroup; k++) masks.add(m);
        SamplerConfig batched = perHead.toBuilder().chains(masks.size()).build();
        return TrajectoryRunner.eachCheckpoint(checkpoints, recordDir, model, TrajectoryRunner.Listener.NONE, wStar -> {
            LlcResult result = new LangevinSampler(model, data, batched).restrictPerChain(masks).observer(observer).run(wStar);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("chains_per_head", perGroup);
            body.put("heads", summariseHeads(heads.keySet(), result.llcPerChain(), perGroup));
            body.put("batched", result.toJson());
            return body;
        });
    }

    /** Mean and standard error of each head's chains (diverged chains, whose λ̂ is not a number, left out). */
    static Map<String, Map<String, Object>> summariseHeads(Iterable<String> labels, double[] llcPerChain, int perGroup) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        int group = 0;
        for (String label : labels) {
            double sum = 0, sumSq = 0;
            int n = 0;
            List<Double> chains = new ArrayList<>();
            for (int k = group * perGroup; k < (group + 1) * perGroup; k++) {
                double v = llcPerChain[k];
                chains.add(Double.isFinite(v) ? v : null);
                if (!Double.isFinite(v)) continue;
                sum += v;
                sumSq += v * v;
                n++;
            }
            double mean = n == 0 ? Double.NaN : sum / n;
            double var = n < 2 ? Double.NaN : (sumSq - n * mean * mean) / (n - 1);
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("llc/mean", n == 0 ? null : mean);
            h.put("llc/std", Double.isFinite(var) ? Math.sqrt(Math.max(var, 0)) : null);
            h.put("llc/stderr", Double.isFinite(var) ? Math.sqrt(Math.max(var, 0) / n) : null);
            h.put("llc/chains", chains);
            out.put(label, h);
            group++;
        }
        return out;
    }

    /**
     * Reads a run's per-head records back.
     *
     * @param runDir a run folder
     * @return label → series in step order, layer by layer and head by head; empty when the run has none
     * @throws IOException when a record cannot be read
     */
    public static Map<String, Series> read(Path runDir) throws IOException {
        Path dir = folder(runDir);
        Map<String, TreeMap<Long, double[]>> byHead = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) return Map.of();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (!name.startsWith("step-") || !name.endsWith(".json")) continue;
                JsonNode n = json.readTree(f.toFile());
                long step = n.get("step").asLong();
                for (Iterator<Map.Entry<String, JsonNode>> it = n.get("heads").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> h = it.next();
                    byHead.computeIfAbsent(h.getKey(), k -> new TreeMap<>()).put(step, new double[] {
                            h.getValue().path("llc/mean").asDouble(Double.NaN), h.getValue().path("llc/stderr").asDouble(Double.NaN)});
                }
            }
        }
        Map<String, Series> out = new TreeMap<>(HeadTrajectory::byLayerThenHead);
        byHead.forEach((label, points) -> {
            long[] steps = points.keySet().stream().mapToLong(Long::longValue).toArray();
            double[] mean = points.values().stream().mapToDouble(v -> v[0]).toArray();
            double[] se = points.values().stream().mapToDouble(v -> v[1]).toArray();
            out.put(label, new Series(steps, mean, se));
        });
        return out;
    }

    /** "L1H10" after "L1H9" and after "L0H…": numeric order of layer, then head. */
    private static int byLayerThenHead(String a, String b) {
        int[] x = layerHead(a), y = layerHead(b);
        return x[0] != y[0] ? Integer.compare(x[0], y[0]) : x[1] != y[1] ? Integer.compare(x[1], y[1]) : a.compareTo(b);
    }

    private static int[] layerHead(String label) {
        var m = java.util.regex.Pattern.compile("^L(\\d+)H(\\d+)$").matcher(label);
        return m.matches() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : new int[] {Integer.MAX_VALUE, 0};
    }
}
