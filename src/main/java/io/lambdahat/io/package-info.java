/**
 * File formats: safetensors for checkpoints (named tensors plus string metadata), .npy for data files.
 *
 * <ul>
 *   <li>{@link io.lambdahat.io.SafeTensors#write} writes a checkpoint atomically;
 *       {@link io.lambdahat.io.SafeTensorsFile#open} maps one and hands out zero-copy tensors
 *       ({@link io.lambdahat.io.SafeTensorsFile#tensor}, valid while the file is open) or copies
 *       ({@link io.lambdahat.io.SafeTensorsFile#load}).</li>
 *   <li>{@link io.lambdahat.io.Npy} reads and writes NumPy's .npy files.</li>
 * </ul>
 *
 * <p>Readers treat every file as untrusted: any defect is a {@link io.lambdahat.io.FileFormatException}
 * (an {@link IllegalArgumentException}) naming the file and the problem. Headers are validated in full before any
 * tensor is handed out (bool bytes are checked as they are read), so a corrupt or hostile file can neither crash the
 * process nor make it allocate memory out of proportion to the file's size.
 */
package io.lambdahat.io;
