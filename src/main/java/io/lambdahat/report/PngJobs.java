package io.lambdahat.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Draws a report's PNG charts on a few threads and writes each to its file. Drawing and PNG encoding are most of a
 * report's build time (a 100-checkpoint run has a dozen charts, some of 4000 points), and every chart is independent.
 */
final class PngJobs implements AutoCloseable {
    private final Path folder;
    private final ExecutorService pool;
    private final List<Future<byte[]>> jobs = new ArrayList<>();

    /**
     * Jobs that write into a folder.
     *
     * @param folder where the PNG files go
     */
    PngJobs(Path folder) {
        this.folder = folder;
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "report-png");
            t.setDaemon(true);
            return t;
        });
    }

    /** A chart that draws itself as PNG bytes. */
    interface Chart {
        byte[] draw() throws IOException;
    }

    /**
     * Draws a chart on a pool thread and writes it to {@code folder/file}.
     *
     * @param file  the file's name
     * @param chart the drawing
     * @return the PNG bytes, when done
     */
    Future<byte[]> draw(String file, Chart chart) {
        Callable<byte[]> job = () -> {
            byte[] png = chart.draw();
            Files.write(folder.resolve(file), png);
            return png;
        };
        Future<byte[]> f = pool.submit(job);
        jobs.add(f);
        return f;
    }

    /**
     * The bytes of a drawn chart, waiting for it.
     *
     * @param job a job of {@link #draw}
     * @return its PNG bytes
     * @throws IOException if it failed to draw or write
     */
    static byte[] get(Future<byte[]> job) throws IOException {
        try {
            return job.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while drawing the report's charts", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof UncheckedIOException io) throw io.getCause();
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IOException(e.getCause());
        }
    }

    /**
     * Waits for every chart.
     *
     * @throws IOException if one failed to draw or write
     */
    void awaitAll() throws IOException {
        for (Future<byte[]> f : jobs) get(f);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
