/**
 * Training of chain-batched models (C = 1) that writes checkpoints for λ̂ trajectories.
 *
 * <ul>
 *   <li>{@link io.lambdahat.train.Optimizer}: {@link io.lambdahat.train.AdamW} and {@link io.lambdahat.train.Sgd}
 *       update the flat [1, P] float32 parameter buffer in place from the flat gradient, one fused Vector API pass
 *       per step (each kernel has a scalar twin that tests use as the oracle; both follow torch.optim's formulas);
 *       {@link io.lambdahat.train.GradientClipping} clips by global norm as clip_grad_norm_.</li>
 *   <li>{@link io.lambdahat.train.LearningRateSchedule}: constant (with warm-up), warm-up + cosine, one-cycle;
 *       {@link io.lambdahat.train.CheckpointSchedule}: log-spaced, linear, or both.</li>
 *   <li>What is trained comes from {@link io.lambdahat.tasks}: a {@link io.lambdahat.tasks.TrainingTask} gives the
 *       model, initial weights, the minibatch of update t (a pure function of t), held-out evaluation and metrics.</li>
 *   <li>{@link io.lambdahat.train.Trainer} runs N updates into a run folder (config.json, metrics.csv,
 *       checkpoints/step-NNNNNN.safetensors, state/) and resumes it exactly;
 *       {@link io.lambdahat.run.RunFolder} owns the folder: {@link io.lambdahat.run.Checkpoints} lists and loads the checkpoints, {@link io.lambdahat.run.MetricsFile}
 *       reads the metrics, {@link io.lambdahat.train.Trainer#openTask} rebuilds the task of a run.</li>
 * </ul>
 */
package io.lambdahat.train;

