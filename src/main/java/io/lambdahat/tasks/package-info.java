/**
 * Everything that defines a built-in task: the data generators (teachers for linear regression, DLNs and MLPs, the
 * toy model of superposition, in-context linear regression, the induction task's bigram sequences with repeats,
 * modular addition) and the training tasks built on them ({@link io.lambdahat.tasks.TrainingTask}: model, initial
 * weights, the minibatch of update t as a pure function of t, held-out evaluation and metrics).
 * {@link io.lambdahat.tasks.TaskRegistry} names the tasks and their default optimiser settings;
 * {@link io.lambdahat.tasks.TaskOptions} carries a task's options; {@link io.lambdahat.tasks.TorchScriptTask} is the
 * task of an imported PyTorch run.
 */
package io.lambdahat.tasks;
