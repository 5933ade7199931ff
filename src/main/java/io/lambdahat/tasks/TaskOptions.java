package io.lambdahat.tasks;

import io.lambdahat.InvalidInputException;
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

    /**
     * Options of one task.
     *
     * @param seed   the run's seed
     * @param batch  the minibatch size B
     * @param values the task-specific options (keys are trimmed and lower-cased)
     * @throws IllegalArgumentException if B is below 1 or a key or value is null
     */
    public TaskOptions(long seed, int batch, Map<String, String> values) {
        if (batch < 1) throw new InvalidInputException("batch size must be at least 1, got " + batch);
        this.seed = seed;
        this.batch = batch;
        Map<String, String> m = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k == null || v == null) throw new InvalidInputException("task options need a key and a value");
            m.put(k.trim().toLowerCase(Locale.ROOT), v.trim());
        });
        this.values = m;
    }

    /**
     * Options from alternating keys and values.
     *
     * @param seed      the run's seed
     * @param batch     the minibatch size B
     * @param keyValues key, value, key, value, …
     * @return the options
     * @throws IllegalArgumentException if the count is odd
     */
    public static TaskOptions of(long seed, int batch, String... keyValues) {
        if (keyValues.length % 2 != 0) throw new InvalidInputException("give task options as key, value pairs");
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put(keyValues[i], keyValues[i + 1]);
        return new TaskOptions(seed, batch, m);
    }

    /**
     * The seed of the task's data (teacher, samples, held-out set); the trainer derives its other streams from it.
     *
     * @return the run's seed
     */
    public long seed() {
        return seed;
    }

    /**
     * The minibatch size.
     *
     * @return B
     */
    public int batch() {
        return batch;
    }

    /**
     * Whether an option was given (and marks it read).
     *
     * @param key the option's name
     * @return whether it was given
     */
    public boolean has(String key) {
        read.add(key);
        return values.containsKey(key);
    }

    /**
     * An option as text.
     *
     * @param key      the option's name
     * @param fallback what a missing option reads as
     * @return the value or the fallback
     */
    public String string(String key, String fallback) {
        read.add(key);
        return values.getOrDefault(key, fallback);
    }

    /**
     * An integer option.
     *
     * @param key      the option's name
     * @param fallback what a missing option reads as
     * @return the value or the fallback
     * @throws IllegalArgumentException if the value is not an integer
     */
    public int integer(String key, int fallback) {
        String v = string(key, null);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("task option " + key + "=" + v + " is not an integer");
        }
    }

    /**
     * A long integer option.
     *
     * @param key      the option's name
     * @param fallback what a missing option reads as
     * @return the value or the fallback
     * @throws IllegalArgumentException if the value is not an integer
     */
    public long longValue(String key, long fallback) {
        String v = string(key, null);
        if (v == null) return fallback;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("task option " + key + "=" + v + " is not an integer");
        }
    }

    /**
     * A real-valued option.
     *
     * @param key      the option's name
     * @param fallback what a missing option reads as
     * @return the value or the fallback
     * @throws IllegalArgumentException if the value is not a number
     */
    public double real(String key, double fallback) {
        String v = string(key, null);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("task option " + key + "=" + v + " is not a number");
        }
    }

    /**
     * A comma-separated list of integers.
     *
     * @param key      the option's name
     * @param fallback what a missing option reads as (copied; may be null)
     * @return the values or a copy of the fallback
     * @throws IllegalArgumentException if an item is not an integer
     */
    public int[] integers(String key, int[] fallback) {
        String v = string(key, null);
        if (v == null) return fallback == null ? null : fallback.clone();
        try {
            return Arrays.stream(v.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new InvalidInputException("task option " + key + "=" + v + " is not a comma-separated list of integers (e.g. 6,6,6)");
        }
    }

    /**
     * A comma-separated list of numbers.
     *
     * @param key      the option's name
     * @param fallback what a missing option reads as (copied; may be null)
     * @return the values or a copy of the fallback
     * @throws IllegalArgumentException if an item is not a number
     */
    public double[] reals(String key, double[] fallback) {
        String v = string(key, null);
        if (v == null) return fallback == null ? null : fallback.clone();
        try {
            return Arrays.stream(v.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException e) {
            throw new InvalidInputException("task option " + key + "=" + v + " is not a comma-separated list of numbers (e.g. 5,2.5,1.25)");
        }
    }

    /**
     * Rejects options the task never read.
     *
     * @param task the task's name, for the message
     * @throws IllegalArgumentException naming every option given but never read, and the options the task did read
     */
    public void checkAllUsed(String task) {
        Set<String> unknown = new LinkedHashSet<>(values.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new InvalidInputException("task " + task + " does not take option(s) " + unknown + "; it takes " + read);
        }
    }
}
