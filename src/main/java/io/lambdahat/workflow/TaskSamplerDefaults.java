package io.lambdahat.workflow;

import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.nn.NormalCrossing;
import io.lambdahat.sampling.InitLoss;
import io.lambdahat.sampling.Sampler;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.torch.Device;

/**
 * The sampler settings a task starts from when the user gives none: ε, γ, the bounding box, chains, draws and
 * burn-in. The rest of {@link #builder()} is what every sampling command uses by default (SGLD, batch 256, seed 0,
 * exact L(w*), the MALA diagnostic). When ε is left out, {@code sampling.DefaultSettings} chooses ε and γ for the
 * data at hand; these values are then only the pilot's starting point.
 *
 * @param epsilon the SGLD step ε
 * @param gamma   the localisation strength γ
 * @param box     the bounding box half-width (0 = off)
 * @param chains  the number of chains
 * @param draws   draws per chain
 * @param burnin  burn-in steps
 */
public record TaskSamplerDefaults(double epsilon, double gamma, double box, int chains, int draws, int burnin) {
    /** The default minibatch size of SGLD. */
    public static final int BATCH = 256;

    /**
     * Defaults for λ̂ at the checkpoints of a training run ({@code trajectory}, {@code watch}). ε and γ of every task
     * but the transformer's are chosen for the run's data at the last checkpoint (see {@link #pilotChoosesSteps});
     * the transformer keeps a hand-checked cheap setting (a pilot over its data costs more than a checkpoint).
     *
     * @param task the training task's name, as in config.json
     * @return the task's defaults
     */
    public static TaskSamplerDefaults forTrainingTask(String task) {
        return switch (task) {
            case "dln" -> new TaskSamplerDefaults(1e-4, 1, 0, 4, 1000, 1000);
            // a cheap setting for the transformer (set batch 32 and nβ 100 too; see the README)
            case "induction" -> new TaskSamplerDefaults(1e-4, 100, 0, 2, 200, 100);
            default -> new TaskSamplerDefaults(1e-5, 100, 0, 4, 500, 500);
        };
    }

    /**
     * Whether ε and γ of a training task's trajectory are chosen by {@code DefaultSettings} when the user leaves them out.
     *
     * @param task the training task's name
     * @return false only for the transformer, whose cheap setting is fixed
     */
    public static boolean pilotChoosesSteps(String task) {
        return !task.equals("induction");
    }

    /**
     * Defaults for one λ̂ estimate of a model at w* ({@code llc}). The normal crossing is sampled in a box without
     * localisation; deep linear networks (three or more layers) take more chains and draws (at 4 × 2000 their chains
     * disagree) and a stronger γ.
     *
     * @param model the model whose λ̂ is estimated
     * @return the model's defaults
     */
    public static TaskSamplerDefaults forModel(ChainModel model) {
        if (model instanceof NormalCrossing) return new TaskSamplerDefaults(5e-4, 0, 2, 8, 10_000, 2000);
        boolean deep = model instanceof DeepLinearNetwork d && d.widths().length - 1 >= 3;
        return deep ? new TaskSamplerDefaults(5e-7, 1000, 0, 8, 4000, 4000) : forUserModel();
    }

    /**
     * Defaults for one λ̂ estimate of a model of the user's (e.g. a TorchScript module), known before it is loaded;
     * also those of a shallow built-in model.
     *
     * @return 4 chains × 2000 draws after 2000 burn-in steps at the anchor's ε and γ
     */
    public static TaskSamplerDefaults forUserModel() {
        return new TaskSamplerDefaults(1e-6, 100, 0, 4, 2000, 2000);
    }

    /**
     * A sampler configuration with these settings and every other setting at the CLI's default.
     *
     * @return a builder; set what differs and call {@code build()}
     */
    public SamplerConfig.Builder builder() {
        return SamplerConfig.builder().sampler(Sampler.SGLD).epsilon(epsilon).gamma(gamma).boundingBox(box).chains(chains)
                .draws(draws).burnin(burnin).stepsBetweenDraws(1).batchSize(BATCH).weightDecay(0).seed(0).device(Device.CPU)
                .mala(true).initLoss(InitLoss.FULL_DATA).diffusion(0.1);
    }
}
