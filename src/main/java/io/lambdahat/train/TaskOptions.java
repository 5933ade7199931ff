package io.lambdahat.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The settings a task is built from: the run's seed and batch size, and task-specific options as text
 * ("widths" → "6,6,6"), read through typed getters that explain a bad value. Tasks declare the options they
 * take simply by reading them; {@link #checkAllUsed} then rejects any option the task never read, so a typo
 * fails before work starts.
 */
public final class TaskOptions {
    private final long seed;
    private final int batch;
    private final Map<String, String> values;
    private final Set<String> read = new LinkedHashSet<>();

    public TaskOptions(long seed, int batch, Map<String, String> values) {
        if (batch < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
        this.seed = seed;
        this.batch = batch;
        Map<String, String> m = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k == null || v == null) throw new IllegalArgumentException("task options need a key and a value");
            m.put(k.trim().toLowerCase(Locale.ROOT), v.trim());
        });
        this.values = m;
    }

    public static TaskOptions of(long seed, int batch, String... keyValues) {
        if (keyValues.length % 2 != 0) throw new IllegalArgumentException("give task options as key, value pairs");
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put(keyValues[i], keyValues[i + 1]);
        return new TaskOptions(seed, batch, m);
    }

    /** The seed of the task's data (teacher, samples, held-out set); the trainer derives its other streams from it. */
    public long seed() {
        return seed;
    }

    public int batch() {
        return batch;
    }

    public boolean has(String key) {
        read.add(key);
        return values.containsKey(key);
    }

    public String string(String key, String fallback) {
        read.add(key);
        return values.getOrDefault(key, fallback);
    }

    public int integer(String key, int fallback) {
        String v = string(key, null);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("task option " + key + "=" + v + " is not an integer");
        }
    }

    public long longValue(String key, long fallback) {
        String v = string(key, null);
        if (v == null) return fallback;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("task option " + key + "=" + v + " is not an integer");
        }
    }

    public double real(String key, double fallback) {
        String v = string(key, null);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("task option " + key + "=" + v + " is not a number");
        }
    }

    public int[] integers(String key, int[] fallback) {
        String v = string(key, null);
        if (v == null) return fallback == null ? null : fallback.clone();
        try {
            return Arrays.stream(v.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("task option " + key + "=" + v + " is not a comma-separated list of integers (e.g. 6,6,6)");
        }
    }

    public double[] reals(String key, double[] fallback) {
        String v = string(key, null);
        if (v == null) return fallback == null ? null : fallback.clone();
        try {
            return Arrays.stream(v.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("task option " + key + "=" + v + " is not a comma-separated list of numbers (e.g. 5,2.5,1.25)");
        }
    }

    /** Fails naming every option given but never read by {@code task}, and the options it did read. */
    public void checkAllUsed(String task) {
        Set<String> unknown = new LinkedHashSet<>(values.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("task " + task + " does not take option(s) " + unknown + "; it takes " + read);
        }
    }
}
