package io.lambdahat.run;

import io.lambdahat.io.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DIR/metrics.csv: a header "step,train_loss,held_out_loss,lr,&lt;task metrics…&gt;" and one row per logged step,
 * numbers in Java's shortest round-trip form, an empty field for a missing value. Rows are appended; the file
 * is forced to disk at every checkpoint, before the run's state is saved, so a resumed run finds every row up
 * to its state. Rows past the state (written before an interruption) are dropped on resume and written again.
 */
public final class MetricsFile implements AutoCloseable {
    /** The file's name in the run folder. */
    public static final String NAME = RunFolder.METRICS;
    static final List<String> FIXED = List.of("step", "train_loss", "held_out_loss", "lr");

    private final FileChannel channel;
    private final List<String> metricNames;

    private MetricsFile(FileChannel channel, List<String> metricNames) {
        this.channel = channel;
        this.metricNames = List.copyOf(metricNames);
    }

    static String header(List<String> metricNames) {
        List<String> cols = new ArrayList<>(FIXED);
        cols.addAll(metricNames);
        return String.join(",", cols);
    }

    /**
     * Opens {@code file} (a run's metrics.csv) for appending, keeping only the complete rows of steps ≤ {@code keepUpTo}
     * (none when it is negative); a file with another header is an error (the run's task changed).
     */
    static MetricsFile open(Path file, List<String> metricNames, long keepUpTo) throws IOException {
        String header = header(metricNames);
        StringBuilder kept = new StringBuilder(header).append('\n');
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int firstEnd = text.indexOf('\n');
            String found = firstEnd < 0 ? text : text.substring(0, firstEnd);
            if (!found.equals(header)) {
                throw new IllegalArgumentException(file + " has columns '" + found + "' but this run writes '" + header
                        + "'; it belongs to another run: use another --out");
            }
            int columns = FIXED.size() + metricNames.size();
            int at = firstEnd + 1;
            while (keepUpTo >= 0 && firstEnd >= 0 && at < text.length()) {
                int end = text.indexOf('\n', at);
                if (end < 0) break;                                   // a row cut off by an interruption
                String line = text.substring(at, end);
                String[] f = line.split(",", -1);
                if (f.length != columns || !f[0].matches("\\d{1,18}") || Long.parseLong(f[0]) > keepUpTo) break;
                kept.append(line).append('\n');
                at = end + 1;
            }
            if (!kept.toString().equals(text)) AtomicFiles.writeString(file, kept.toString());
        } else {
            AtomicFiles.writeString(file, kept.toString());
        }
        FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new MetricsFile(c, metricNames);
    }

    /**
     * Appends one row (not yet forced to disk).
     *
     * @param row the row
     * @throws IOException if it cannot be written
     */
    public void append(MetricsRow row) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append(row.step()).append(',').append(number(row.trainLoss())).append(',').append(number(row.heldOutLoss()))
                .append(',').append(number(row.lr()));
        for (String name : metricNames) b.append(',').append(number(row.metrics().getOrDefault(name, Double.NaN)));
        b.append('\n');
        ByteBuffer buf = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) channel.write(buf);
    }

    /**
     * Forces the rows written so far to disk.
     *
     * @throws IOException if they cannot be forced
     */
    public void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    /**
     * The rows of a metrics file.
     *
     * @param file a metrics.csv
     * @return its rows in file order
     * @throws IOException if it cannot be read
     */
    public static List<MetricsRow> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) throw new IOException(file + " is empty: it has no header");
        String[] header = lines.get(0).split(",", -1);
        for (int i = 0; i < FIXED.size(); i++) {
            if (header.length <= i || !header[i].equals(FIXED.get(i))) throw new IOException(file + " does not start with the columns " + FIXED);
        }
        List<MetricsRow> rows = new ArrayList<>();
        for (int r = 1; r < lines.size(); r++) {
            String[] f = lines.get(r).split(",", -1);
            if (f.length != header.length) throw new IOException(file + " line " + (r + 1) + " has " + f.length + " fields, the header " + header.length);
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (int i = FIXED.size(); i < header.length; i++) metrics.put(header[i], parse(f[i]));
            rows.add(new MetricsRow(Long.parseLong(f[0]), parse(f[1]), parse(f[2]), parse(f[3]), metrics));
        }
        return rows;
    }

    private static double parse(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }
}
