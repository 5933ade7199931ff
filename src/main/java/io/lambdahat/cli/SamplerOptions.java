package io.lambdahat.cli;

import io.lambdahat.sampling.InitLoss;
import io.lambdahat.sampling.NBetaRule;
import io.lambdahat.sampling.Sampler;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.InvalidInputException;
import io.lambdahat.run.RunFolder;
import io.lambdahat.workflow.TaskSamplerDefaults;
import picocli.CommandLine.Option;

import java.util.Locale;

/** The sampler flags shared by llc, trajectory, calibrate and watch; unset flags take the defaults of the task at hand. */
final class SamplerOptions {
    /** Task-dependent defaults for the flags a user leaves out (the library's {@link TaskSamplerDefaults}, as the commands name them). */
    record Defaults(double epsilon, double gamma, double box, int chains, int draws, int burnin) {
        static Defaults of(TaskSamplerDefaults d) {
            return new Defaults(d.epsilon(), d.gamma(), d.box(), d.chains(), d.draws(), d.burnin());
        }
    }

    @Option(names = "--calibration", description = "take ε, nβ and γ from a calibration.json written by 'lambdahat calibrate' "
            + "(explicit --epsilon / --nbeta / --gamma still win)")
    java.nio.file.Path calibration;
    @Option(names = "--sampler", defaultValue = "sgld", description = "sgld (default), rmsprop-sgld or sgnht")
    String sampler;
    @Option(names = "--diffusion", defaultValue = "0.1", description = "SGNHT's diffusion A in (0, 1): the friction per step its thermostat "
            + "settles near (default ${DEFAULT-VALUE}; devinterp's diffusion_factor default is 0.01)")
    double diffusion;
    @Option(names = "--chains", description = "number of chains, run batched")
    Integer chains;
    @Option(names = "--draws", description = "draws per chain")
    Integer draws;
    @Option(names = "--burnin", description = "burn-in steps")
    Integer burnin;
    @Option(names = "--steps-between", defaultValue = "1", description = "steps between draws (default ${DEFAULT-VALUE})")
    int stepsBetween;
    @Option(names = {"--epsilon", "--lr"}, description = "step size ε (default: chosen for nβ and the data's scale by a short pilot; --lr is devinterp's name)")
    Double epsilon;
    @Option(names = "--gamma", description = "localisation strength γ")
    Double gamma;
    @Option(names = "--nbeta", description = "a fixed nβ (sets --nbeta-rule fixed)")
    Double nbeta;
    @Option(names = "--nbeta-rule", description = "theory (n/ln n, default), devinterp (B/ln B) or fixed")
    String nbetaRule;
    @Option(names = "--batch", defaultValue = "256", description = "SGLD batch size (default ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--weight-decay", defaultValue = "0", description = "weight decay λ_wd (default 0)")
    double weightDecay;
    @Option(names = "--box", description = "bounding box half-width b: w stays in [w*−b, w*+b] (0 = off)")
    Double box;
    @Option(names = "--init-loss", defaultValue = "full", description = "full (exact L_n(w*), default), subsample (a fixed random 4096 rows; its standard error goes into "
            + "trajectory records) or minibatch (devinterp)")
    String initLoss;
    @Option(names = "--no-mala", description = "skip the MALA acceptance diagnostic")
    boolean noMala;
    @Option(names = "--seed", defaultValue = "0", description = "seed of noise and minibatches (default 0)")
    long seed;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (default ${DEFAULT-VALUE})")
    String device;

    SamplerConfig build(TaskSamplerDefaults d) {
        return build(Defaults.of(d));
    }

    SamplerConfig build(Defaults d) {
        if (calibration != null) applyCalibration();
        SamplerConfig.Builder b = SamplerConfig.builder()
                .sampler(Sampler.parse(sampler))
                .epsilon(epsilon != null ? epsilon : d.epsilon())
                .gamma(gamma != null ? gamma : d.gamma())
                .boundingBox(box != null ? box : d.box())
                .chains(chains != null ? chains : d.chains())
                .draws(draws != null ? draws : d.draws())
                .burnin(burnin != null ? burnin : d.burnin())
                .stepsBetweenDraws(stepsBetween).batchSize(batch).weightDecay(weightDecay).seed(seed)
                .device(Devices.parse(device)).mala(!noMala).initLoss(parseInitLoss(initLoss)).diffusion(diffusion);
        if (nbetaRule != null) b.nbetaRule(NBetaRule.parse(nbetaRule));
        if (nbeta != null) b.nbeta(nbeta);
        SamplerConfig cfg = b.build();
        if (cfg.nbetaRule() == NBetaRule.FIXED && nbeta == null) throw new InvalidInputException("--nbeta-rule fixed needs --nbeta VALUE");
        return cfg;
    }

    private void applyCalibration() {
        com.fasterxml.jackson.databind.JsonNode rec;
        CliFiles.requireFile(calibration, "--calibration", "a calibration.json written by 'lambdahat calibrate'");
        try {
            rec = RunFolder.readJson(calibration, "--calibration").get("recommendation");
        } catch (java.io.IOException e) {
            throw new InvalidInputException("cannot read --calibration " + calibration + ": " + ErrorHandler.message(e));
        }
        if (rec == null || !rec.has("epsilon") || !rec.has("nbeta") || !rec.has("gamma")) {
            throw new InvalidInputException(calibration + " holds no recommendation; rerun 'lambdahat calibrate' with a wider grid");
        }
        if (epsilon == null) epsilon = rec.get("epsilon").asDouble();
        if (nbeta == null && nbetaRule == null) nbeta = rec.get("nbeta").asDouble();
        if (gamma == null) gamma = rec.get("gamma").asDouble();
    }

    /** {@return true when neither --epsilon nor --calibration was given: ε is then chosen for the data (DefaultSettings)} */
    boolean stepSizeLeftOut() {
        return epsilon == null && calibration == null;
    }

    static InitLoss parseInitLoss(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "full", "full-data" -> InitLoss.FULL_DATA;
            case "minibatch", "minibatch-mean", "devinterp" -> InitLoss.MINIBATCH_MEAN;
            case "subsample" -> InitLoss.SUBSAMPLE;
            default -> throw new InvalidInputException("unknown --init-loss '" + s + "': use full, subsample or minibatch");
        };
    }
}
