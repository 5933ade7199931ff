package io.lambdahat.workflow;

import io.lambdahat.InvalidInputException;
import io.lambdahat.data.Dataset;
import io.lambdahat.io.Npy;
import io.lambdahat.io.SafeTensorsFile;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.nn.Mlp;
import io.lambdahat.nn.NormalCrossing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** The models {@code lambdahat llc} names: dln, linreg, mlp and the normal crossing, and the data shapes they take. */
public final class BuiltInModels {
    private BuiltInModels() {}

    /**
     * The shape options of the built-in models; each model reads the ones it needs.
     *
     * @param widths     layer widths, input first (dln, mlp)
     * @param dim        the input dimension (linreg)
     * @param powers     the k_i of K(w) = Π w_i^(2k_i) (crossing)
     * @param activation relu or tanh (mlp)
     */
    public record Shape(int[] widths, Integer dim, int[] powers, String activation) {}

    /**
     * A model by name.
     *
     * @param name        dln, linreg, mlp, or crossing
     * @param shape       its shape
     * @param classes     the targets are classes (an mlp then has a cross-entropy loss, else MSE)
     * @param teacherTask the name is a built-in teacher task (--task) rather than a model for the user's data (--model)
     * @return the model
     * @throws InvalidInputException if the name is unknown or the shape the model needs is missing
     */
    public static ChainModel of(String name, Shape shape, boolean classes, boolean teacherTask) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "dln" -> new DeepLinearNetwork(require(shape.widths(), "--widths (e.g. --widths 4,3,4)"));
            case "linreg" -> {
                if (shape.dim() == null || shape.dim() < 1) throw new InvalidInputException("--task linreg needs --dim D (D ≥ 1)");
                yield new DeepLinearNetwork(shape.dim(), 1);
            }
            case "mlp" -> new Mlp(Mlp.Activation.parse(shape.activation()), classes ? Mlp.Objective.CROSS_ENTROPY : Mlp.Objective.MSE,
                    require(shape.widths(), "--widths (e.g. --widths 8,16,3)"));
            case "crossing" -> new NormalCrossing(require(shape.powers(), "--powers (e.g. --powers 1,2)"));
            default -> throw new InvalidInputException("unknown " + (teacherTask ? "--task '" + name + "': use dln, linreg, mlp or crossing"
                    : "--model '" + name + "': use dln, linreg or mlp"));
        };
    }

    /**
     * Checks that a dln or mlp takes the data's inputs and, for float targets, gives their width.
     *
     * @param model a {@link DeepLinearNetwork} or {@link Mlp}
     * @param data  the data
     * @throws InvalidInputException naming the shapes when they do not fit
     */
    public static void checkShapes(ChainModel model, Dataset data) {
        int[] w = model instanceof DeepLinearNetwork dln ? dln.widths() : ((Mlp) model).widths();
        long[] xs = data.x().shape(), ys = data.y().shape();
        if (xs.length != 2 || xs[1] != w[0]) {
            throw new InvalidInputException("inputs x have shape " + Arrays.toString(xs) + " but " + model.describe()
                    + " takes [n, " + w[0] + "]");
        }
        boolean classes = !data.y().dtype().isFloatingPoint();
        if (!classes && (ys.length != 2 || ys[1] != w[w.length - 1])) {
            throw new InvalidInputException("targets y have shape " + Arrays.toString(ys) + " but " + model.describe()
                    + " outputs [n, " + w[w.length - 1] + "]");
        }
    }

    /**
     * Native bytes of a teacher task's float32 data: n samples of inputs and outputs, and as much again while it is made.
     *
     * @param model a dln or mlp (anything else needs no data: 0)
     * @param n     the number of samples
     * @return the bytes
     */
    public static double teacherDataBytes(ChainModel model, long n) {
        int[] w = model instanceof DeepLinearNetwork d ? d.widths() : model instanceof Mlp m ? m.widths() : new int[] {0};
        return 2.0 * n * (w[0] + w[w.length - 1]) * Float.BYTES;
    }

    /**
     * Whether the user's targets are classes (integer: cross-entropy), read from the file header only, before the data
     * is loaded.
     *
     * @param data    a .safetensors file with x and y, or an .npy of inputs
     * @param targets the .npy of targets with an .npy {@code data}, else null
     * @return true for integer targets
     * @throws IOException if a header cannot be read
     */
    public static boolean classTargets(Path data, Path targets) throws IOException {
        if (data.toString().endsWith(".npy")) return targets != null && !Npy.readHeader(targets).dtype().isFloatingPoint();
        try (SafeTensorsFile f = SafeTensorsFile.open(data)) {
            return f.contains("y") && !f.info("y").dtype().isFloatingPoint();
        }
    }

    private static int[] require(int[] v, String what) {
        if (v == null || v.length == 0) throw new InvalidInputException("this task needs " + what);
        return v;
    }
}
