package io.lambdahat.cli;

import io.lambdahat.InvalidInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A run's memory, estimated before the work starts and compared with what the process may use: the Java heap
 * ({@code -Xmx}) for the per-draw traces and the result JSON, native memory (libtorch) for the data and the chains'
 * weights. A run that cannot fit is refused at once, with the estimate and the limit, instead of growing for a minute
 * and dying of an {@link OutOfMemoryError}.
 */
final class Memory {
    /**
     * Heap bytes per chain and draw: six double traces kept by the sampler (loss, λ̂, distance, weight, drift and
     * noise norms: 48 B) and their text in the indented result JSON (about 35 characters a number, one line each, held
     * as a char buffer of 2 bytes a character and then copied into the string: about 650 B). With 40 MiB of heap,
     * 4 chains × 16 000 draws of linreg ran out of memory while an estimate of 450 B let it start.
     */
    static final long HEAP_PER_CHAIN_DRAW = 700;
    /**
     * Float32 copies of the [C, P] weights alive during a step: w, its gradient, w*, the noise, the localisation
     * term, the sampler's state and the temporaries of the update.
     */
    static final long WEIGHT_COPIES = 8;

    private Memory() {}

    /**
     * Refuses an SGLD run (one checkpoint) that cannot fit: the traces on the heap, the data and C copies of the weights
     * natively.
     *
     * @param what      the run, for the message
     * @param model     the model (its parameter count P)
     * @param cfg       chains C and draws
     * @param dataBytes native bytes of the data
     * @throws InvalidInputException with the estimate and the limit
     */
    static void checkSampling(String what, io.lambdahat.nn.ChainModel model, io.lambdahat.sampling.SamplerConfig cfg, double dataBytes) {
        double p = model.layout().size(), c = cfg.chains();
        double heap = c * cfg.draws() * HEAP_PER_CHAIN_DRAW;
        double weights = c * p * Float.BYTES * WEIGHT_COPIES;
        check(what, heap, dataBytes + weights, String.format(Locale.ROOT,
                "%s of data, %.0f chains × %.3g parameters, %.0f chains × %d draws of traces", gib(dataBytes), c, p, c, cfg.draws()));
    }

    /**
     * Refuses a run whose estimate exceeds the heap or the native memory available.
     *
     * @param what        the run, for the message (e.g. "llc")
     * @param heapBytes   the Java heap it needs
     * @param nativeBytes the native memory it needs
     * @param detail      how the estimate was made, for the message
     * @throws InvalidInputException naming the estimate, the limit and what to lower
     */
    static void check(String what, double heapBytes, double nativeBytes, String detail) {
        Runtime rt = Runtime.getRuntime();
        long heapFree = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (heapBytes > heapFree) {
            throw new InvalidInputException(what + " needs about " + gib(heapBytes) + " of Java heap (" + detail + "), more than the "
                    + gib(heapFree) + " left under its limit of " + gib(rt.maxMemory()) + " (-Xmx): lower --chains or --draws, or raise the limit "
                    + "(LAMBDAHAT_JAVA_OPTS=-Xmx…)");
        }
        long available = availableNative();
        if (nativeBytes > available) {
            throw new InvalidInputException(what + " needs about " + gib(nativeBytes) + " of native memory (" + detail + "), more than the "
                    + gib(available) + " of physical memory available: lower --chains, --n or the model size, or use a larger machine");
        }
    }

    /**
     * Physical memory this process can still take: {@code MemAvailable} (free memory plus reclaimable caches) and, inside a
     * container, what its cgroup limit leaves.
     *
     * @return bytes; {@link Long#MAX_VALUE} when the platform says nothing
     */
    static long availableNative() {
        long available = Long.MAX_VALUE;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) available = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                available = os.getFreeMemorySize();
            }
        }
        try {
            String max = Files.readString(Path.of("/sys/fs/cgroup/memory.max")).strip();
            if (!max.equals("max")) {
                long used = Long.parseLong(Files.readString(Path.of("/sys/fs/cgroup/memory.current")).strip());
                available = Math.min(available, Math.max(0, Long.parseLong(max) - used));
            }
        } catch (IOException | RuntimeException e) {
            // no cgroup v2 limit visible: MemAvailable stands
        }
        return available;
    }

    /**
     * Bytes for people: GiB, MiB or KiB with three significant digits.
     *
     * @param bytes a size in bytes
     * @return e.g. "1.50 GiB"
     */
    static String gib(double bytes) {
        if (bytes >= 1L << 40) return String.format(Locale.ROOT, "%.3g TiB", bytes / (1L << 40));
        if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.3g GiB", bytes / (1L << 30));
        if (bytes >= 1L << 20) return String.format(Locale.ROOT, "%.3g MiB", bytes / (1L << 20));
        return String.format(Locale.ROOT, "%.3g KiB", bytes / 1024);
    }
}
