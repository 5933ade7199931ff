package io.lambdahat.run;

import io.lambdahat.InvalidInputException;
import io.lambdahat.io.SafeTensors;
import io.lambdahat.io.SafeTensorsFile;
import io.lambdahat.io.TensorInfo;
import io.lambdahat.nn.ParameterLayout;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Scope;
import io.lambdahat.torch.Tensor;
import io.lambdahat.torch.Torch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoint files of a run: {@code DIR/checkpoints/step-000123.safetensors}, one tensor per named parameter with
 * the model's own shapes (no chain axis), in layout order, and metadata (step, task, model). Written atomically,
 * so a file under its final name is always complete.
 */
public final class Checkpoints {
    /** The checkpoints' folder in the run folder. */
    public static final String FOLDER = RunFolder.CHECKPOINTS;
    private static final Pattern NAME = Pattern.compile("step-(\\d+)\\.safetensors");

    /**
     * One checkpoint file and its step.
     *
     * @param step the updates taken
     * @param file the file
     */
    public record Checkpoint(long step, Path file) {}

    private Checkpoints() {}

    /**
     * The file name of a checkpoint, zero-padded to six digits, or to the digits of N when N is longer.
     *
     * @param step       the updates taken
     * @param totalSteps N
     * @return e.g. "step-000123.safetensors"
     */
    public static String fileName(long step, long totalSteps) {
        int digits = Math.max(6, Long.toString(totalSteps).length());
        return String.format("step-%0" + digits + "d.safetensors", step);
    }

    /**
     * The checkpoints of a run folder.
     *
     * @param dir the run folder
     * @return its checkpoints by step (empty when it has none)
     * @throws IOException if the folder cannot be listed
     */
    public static List<Checkpoint> list(Path dir) throws IOException {
        Path folder = dir.resolve(FOLDER);
        List<Checkpoint> out = new ArrayList<>();
        if (!Files.isDirectory(folder)) return out;
        try (Stream<Path> files = Files.list(folder)) {
            files.forEach(f -> {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches() && Files.isRegularFile(f)) out.add(new Checkpoint(Long.parseLong(m.group(1)), f));
            });
        }
        out.sort(Comparator.comparingLong(Checkpoint::step));
        return out;
    }

    /**
     * Writes weights as named tensors, atomically.
     *
     * @param file     the checkpoint file
     * @param layout   the model's parameter layout
     * @param flat     the [1, P] (or [P]) weights, on the CPU
     * @param metadata the file's metadata
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, ParameterLayout layout, Tensor flat, Map<String, String> metadata) throws IOException {
        try (Scope s = Scope.open(); var ng = Torch.noGrad()) {
            Tensor row = flat.dim() == 2 ? flat.select(0, 0) : flat;
            Map<String, Tensor> named = new LinkedHashMap<>();
            for (ParameterLayout.Entry e : layout.entries()) named.put(e.name(), row.narrow(0, e.offset(), e.size()).view(e.shape()));
            SafeTensors.write(file, named, metadata);
        }
    }

    /**
     * The weights of {@code file} as one flat [P] float32 tensor in {@code layout} order (what the sampler takes as
     * w*).
     *
     * @param file   a checkpoint
     * @param layout the model's parameter layout
     * @return [P] float32 on the CPU; the caller owns it
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the parameter when a name or shape does not match the layout
     */
    public static Tensor loadFlat(Path file, ParameterLayout layout) throws IOException {
        try (SafeTensorsFile f = SafeTensors.open(file); Scope s = Scope.open()) {
            Tensor flat = Tensor.zeros(DType.FLOAT32, io.lambdahat.torch.Device.CPU, layout.size());
            MemorySegment into = flat.data();
            for (ParameterLayout.Entry e : layout.entries()) {
                if (!f.contains(e.name())) {
                    throw new InvalidInputException(file + " has no parameter " + e.name() + "; it holds " + f.names()
                            + " (a checkpoint of another model?)");
                }
                TensorInfo info = f.info(e.name());
                if (info.dtype() != DType.FLOAT32 || !Arrays.equals(info.shape(), e.shape())) {
                    throw new InvalidInputException(file + ": parameter " + e.name() + " is " + info.dtype() + " "
                            + Arrays.toString(info.shape()) + ", the model needs FLOAT32 " + Arrays.toString(e.shape()));
                }
                MemorySegment.copy(f.segment(e.name()), 0, into, e.offset() * Float.BYTES, e.size() * Float.BYTES);
                io.lambdahat.io.NonFinite.require(into.asSlice(e.offset() * Float.BYTES, e.size() * Float.BYTES), e.shape(),
                        "parameter " + e.name() + " of " + file);
            }
            if (f.names().size() != layout.entries().size()) {
                throw new InvalidInputException(file + " holds " + f.names().size() + " tensors, the model has "
                        + layout.entries().size() + " parameters");
            }
            return s.release(flat);
        }
    }

    /**
     * The weights of {@code file} as w* for {@code model}: read by the model itself when it reads its own checkpoints
     * (a TorchScript model's state_dicts, {@link io.lambdahat.nn.CheckpointWeights}), else as lambdahat's own
     * checkpoint ({@link #loadFlat(Path, ParameterLayout)}).
     *
     * @param file  a checkpoint
     * @param model the model it belongs to
     * @return [P] on the CPU; the caller owns it
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the tensors that do not fit the model
     */
    public static Tensor loadFlat(Path file, io.lambdahat.nn.ChainModel model) throws IOException {
        return model instanceof io.lambdahat.nn.CheckpointWeights own ? own.loadWeights(file) : loadFlat(file, model.layout());
    }

    /**
     * The metadata of a checkpoint.
     *
     * @param file a checkpoint
     * @return step, task, model, held_out_loss
     * @throws java.io.UncheckedIOException if the file cannot be read
     */
    public static Map<String, String> metadata(Path file) {
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            return f.metadata();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
