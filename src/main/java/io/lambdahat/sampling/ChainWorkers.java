package io.lambdahat.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The threads of one run that work on contiguous groups of its C chains at once: group 0 on the calling thread, each
 * other group on a thread of its own. The chains never mix, so whatever works chain by chain (a group's forward and
 * backward, the update with its counter-based noise) gives each chain the numbers it gets on one thread.
 */
final class ChainWorkers implements AutoCloseable {
    private final int[] start, size;
    private final ExecutorService pool;

    /**
     * @param chains C
     * @param groups how many groups, 1 to C (1: everything on the calling thread, no thread is started)
     */
    ChainWorkers(int chains, int groups) {
        if (groups < 1 || groups > Math.max(1, chains)) throw new IllegalArgumentException(groups + " groups of " + chains + " chains");
        start = new int[groups];
        size = new int[groups];
        for (int g = 0; g < groups; g++) {
            start[g] = g * chains / groups;
            size[g] = (g + 1) * chains / groups - start[g];
        }
        AtomicInteger named = new AtomicInteger(1);
        pool = groups == 1 ? null : Executors.newFixedThreadPool(groups - 1, r -> {
            Thread t = new Thread(r, "lambdahat-chains-" + named.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    int groups() {
        return start.length;
    }

    /** {@return the first chain of group g} */
    int start(int g) {
        return start[g];
    }

    /** {@return the number of chains in group g} */
    int size(int g) {
        return size[g];
    }

    /**
     * Runs {@code task} for every group at once and returns when all have finished, even when one fails (another may
     * still be reading what the caller frees next). A task hands its results back through the caller's own per-group
     * slots, so that the caller can free those of the groups that finished when another failed.
     *
     * @param task what to do for group g
     * @throws RuntimeException the first failure (group 0's before the others'), as it was thrown (an {@link Error} too)
     */
    void run(IntConsumer task) {
        int groups = groups();
        List<Future<?>> others = new ArrayList<>(groups - 1);
        for (int g = 1; g < groups; g++) {
            int group = g;
            others.add(pool.submit(() -> task.accept(group)));
        }
        Throwable failure = null;
        try {
            task.accept(0);
        } catch (Throwable t) {
            failure = t;
        }
        // wait for every group whatever happened, interrupts included: the caller frees what the groups read next
        boolean interrupted = false;
        for (Future<?> f : others) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (ExecutionException e) {
                    if (failure == null) failure = e.getCause();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure instanceof RuntimeException r) throw r;
        if (failure instanceof Error e) throw e;
        if (failure != null) throw new IllegalStateException(failure);
    }

    /** Stops the threads; they are idle between {@link #run} calls, so this returns at once. */
    @Override
    public void close() {
        if (pool == null) return;
        pool.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
