package io.lambdahat.workflow;

import io.lambdahat.InvalidInputException;
import io.lambdahat.data.Dataset;
import io.lambdahat.tasks.Teachers;
import io.lambdahat.nn.ChainModel;
import io.lambdahat.nn.DeepLinearNetwork;
import io.lambdahat.nn.Mlp;
import io.lambdahat.nn.NormalCrossing;
import io.lambdahat.nn.ParameterMask;
import io.lambdahat.sampling.DefaultSettings;
import io.lambdahat.sampling.LlcResult;
import io.lambdahat.sampling.SamplerConfig;
import io.lambdahat.sampling.SamplerObserver;
import io.lambdahat.sampling.LangevinSampler;
import io.lambdahat.torch.DType;
import io.lambdahat.torch.Device;
import io.lambdahat.torch.Tensor;
import io.lambdahat.run.Checkpoints;
import io.lambdahat.trajectory.ModelTargets;
import io.lambdahat.trajectory.Targets;
import io.lambdahat.trajectory.TrajectoryRunner;

import java.io.IOException;
import java.nio.file.Path;

import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * One λ̂ estimate of a model at w*, with ε and γ chosen for the data when the setting leaves them out.
 *
 * <pre>{@code
 * DeepLinearNetwork model = new DeepLinearNetwork(4, 3, 4);
 * LlcEstimate.Estimate e = LlcEstimate.at(model, data, wStar, LlcEstimate.Settings.defaultsFor(model));
 * System.out.println(e.result().llcMean());
 * }</pre>
 */
public final class LlcEstimate {
    private LlcEstimate() {}

    /**
     * How to sample.
     *
     * @param sampler           the sampler setting
     * @param pilotChoosesSteps ε (and γ, unless {@code keepGamma}) are chosen for the data by {@link DefaultSettings}
     * @param keepGamma         keep the setting's γ when the pilot chooses ε
     * @param mask              the coordinates that move (weight-refined λ̂), or null for all
     * @param observer          told of each sampler step, or null
     * @param targets           what λ̂ is measured against: the data's targets, or the model's own outputs at w*
     */
    public record Settings(SamplerConfig sampler, boolean pilotChoosesSteps, boolean keepGamma, ParameterMask mask, SamplerObserver observer,
                           Targets targets) {
        /** Null targets are the data's. */
        public Settings {
            if (targets == null) targets = Targets.DATA;
        }

        /**
         * Settings that measure λ̂ against the data's targets.
         *
         * @param sampler           the sampler setting
         * @param pilotChoosesSteps ε (and γ, unless {@code keepGamma}) are chosen for the data by {@link DefaultSettings}
         * @param keepGamma         keep the setting's γ when the pilot chooses ε
         * @param mask              the coordinates that move (weight-refined λ̂), or null for all
         * @param observer          told of each sampler step, or null
         */
        public Settings(SamplerConfig sampler, boolean pilotChoosesSteps, boolean keepGamma, ParameterMask mask, SamplerObserver observer) {
            this(sampler, pilotChoosesSteps, keepGamma, mask, observer, Targets.DATA);
        }

        /**
         * These settings with other targets.
         *
         * @param t what λ̂ is measured against
         * @return the settings
         */
        public Settings withTargets(Targets t) {
            return new Settings(sampler, pilotChoosesSteps, keepGamma, mask, observer, t);
        }

        /**
         * The model's defaults ({@link TaskSamplerDefaults#forModel}) with ε and γ chosen for the data.
         *
         * @param model the model
         * @return the settings; every coordinate moves
         */
        public static Settings defaultsFor(ChainModel model) {
            return new Settings(TaskSamplerDefaults.forModel(model).builder().build(), true, false, null, null);
        }
    }

    /**
     * The estimate and the settings chosen for it.
     *
     * @param result   the sampler's result
     * @param settings the pilot's choice of ε and γ, or null when the settings gave them
     * @param targets  what λ̂ was measured against
     * @param dataLoss with targets from the model: L_n(w*) on the data's targets (the result's init_loss is the loss
     *                 against the model's own outputs, 0); NaN with the data's targets
     */
    public record Estimate(LlcResult result, DefaultSettings.Choice settings, Targets targets, double dataLoss) {
        /**
         * An estimate against the data's targets.
         *
         * @param result   the sampler's result
         * @param settings the pilot's choice of ε and γ, or null when the settings gave them
         */
        public Estimate(LlcResult result, DefaultSettings.Choice settings) {
            this(result, settings, Targets.DATA, Double.NaN);
        }

        /**
         * The result as JSON fields (devinterp's names), with the pilot's reason under "settings" when it chose, the
         * targets under "config", and with targets from the model the loss on the data's targets as "data_loss".
         *
         * @return the fields
         */
        public Map<String, Object> json() {
            Map<String, Object> fields = TrajectoryRunner.withTargets(result.toJson(), targets);
            if (targets == Targets.MODEL) fields.put("data_loss", dataLoss);
            // how far init_loss may lie from the full-data loss (0 when it is the full-data loss), as trajectory records say
            fields.put("init_loss_stderr", result.initLossStderr());
            fields.put("init_loss_rows", result.estimate().initLoss().rows());
            if (settings != null) fields.put("settings", settings.reason());
            return fields;
        }

        /** {@return why there is no λ̂ when every chain diverged (naming the first divergence), else empty} */
        public Optional<String> everyChainDiverged() {
            int chains = result.config().chains();
            long diverged = result.diverged().stream().mapToInt(LlcResult.Divergence::chain).distinct().count();
            if (chains == 0 || diverged < chains) return Optional.empty();
            LlcResult.Divergence first = result.diverged().stream().min(Comparator.comparingLong(LlcResult.Divergence::step)).orElseThrow();
            return Optional.of("every chain diverged (all " + chains + "; the first at step " + first.step() + ": " + first.reason()
                    + "), so there is no λ̂: lower --epsilon (ε) or raise --gamma");
        }
    }

    /**
     * λ̂ of a model on data at w*.
     *
     * @param model    the model
     * @param data     the data; stays owned by the caller
     * @param wStar    the flat weights [P]; stays owned by the caller
     * @param settings how to sample
     * @return the estimate
     * @throws InvalidInputException if the settings do not fit the model or data (targets from a model that is no
     *         regression model among them)
     */
    public static Estimate at(ChainModel model, Dataset data, Tensor wStar, Settings settings) {
        try (ModelTargets own = settings.targets() == Targets.MODEL ? ModelTargets.at(model, data, wStar) : null) {
            Dataset sampled = own != null ? own.data() : data;
            SamplerConfig cfg = settings.sampler();
            DefaultSettings.Choice choice = null;
            if (settings.pilotChoosesSteps()) {
                choice = DefaultSettings.choose(model, sampled, wStar, cfg, settings.mask());
                cfg = cfg.toBuilder().epsilon(choice.epsilon()).gamma(settings.keepGamma() ? cfg.gamma() : choice.gamma()).build();
            }
            LlcResult result = new LangevinSampler(model, sampled, cfg).restrictTo(settings.mask()).observer(settings.observer()).run(wStar);
            return new Estimate(result, choice, settings.targets(), own != null ? own.dataLoss() : Double.NaN);
        }
    }

    /**
     * λ̂ of a dln or mlp on data made by a teacher network, at the teacher's weights or a checkpoint.
     *
     * @param model      a {@link DeepLinearNetwork} or an {@link Mlp}
     * @param rank       the teacher's rank (dln)
     * @param data       the teacher data's size, seed, input range, label noise and dtype
     * @param checkpoint w* as a safetensors file of the model's parameters, or null for the teacher's weights
     * @param settings   how to sample
     * @return the estimate
     * @throws IOException if the checkpoint cannot be read
     */
    public static Estimate ofTeacher(ChainModel model, int rank, Teachers.Options data, Path checkpoint, Settings settings) throws IOException {
        try (Teachers.Task tk = model instanceof Mlp m ? Teachers.mlp(m, data) : Teachers.dln((DeepLinearNetwork) model, rank, data);
             Tensor wStar = checkpoint != null ? Checkpoints.loadFlat(checkpoint, model.layout()) : tk.teacherWeights().share()) {
            return at(model, tk.data(), wStar, settings);
        }
    }

    /**
     * λ̂ of the normal crossing K(w) = Π w_i^(2k_i) at the origin, where the loss is K itself (no data).
     *
     * @param model    the normal crossing
     * @param n        the sample size n that sets nβ
     * @param sampler  the sampler setting
     * @param observer told of each sampler step, or null
     * @return the estimate
     */
    public static Estimate normalCrossing(NormalCrossing model, long n, SamplerConfig sampler, SamplerObserver observer) {
        try (Tensor origin = Tensor.zeros(DType.FLOAT32, Device.CPU, model.layout().size())) {
            return new Estimate(new LangevinSampler(model, null, sampler).withN(n).observer(observer).run(origin), null);
        }
    }
}
