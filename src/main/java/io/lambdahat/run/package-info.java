/**
 * The run folder: {@link io.lambdahat.run.RunFolder} owns its layout (every path is one of its methods) and the
 * typed readers and writers of its files: {@link io.lambdahat.run.RunConfig} (config.json, parsed once),
 * {@link io.lambdahat.run.Checkpoints} (list, load, write), {@link io.lambdahat.run.MetricsFile} and
 * {@link io.lambdahat.run.MetricsRow} (metrics.csv). Writes go through {@link io.lambdahat.io.AtomicFiles}.
 * Depends only on {@code io}, {@code nn} and {@code torch}: training, trajectories, reports and the CLI all come
 * here for a path or a file format, never to each other.
 */
package io.lambdahat.run;
