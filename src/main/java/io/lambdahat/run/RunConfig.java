package io.lambdahat.run;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's config.json, parsed once ({@link RunFolder#config()}): "run" holds everything that determines the result
 * (format, task, model, the trainer's settings), "task_options" the options the task was built from, "environment"
 * where it ran.
 */
public final class RunConfig {
    private final Path file;
    private final JsonNode doc;

    RunConfig(Path file, JsonNode doc) {
        this.file = file;
        this.doc = doc;
    }

    /** {@return the file it was read from} */
    public Path file() {
        return file;
    }

    /** {@return the whole document} */
    public JsonNode json() {
        return doc;
    }

    /** {@return the "run" part: everything that determines the result} */
    public JsonNode run() {
        return doc.get("run");
    }

    /** {@return the task's name (run.task.name)} */
    public String taskName() {
        return doc.at("/run/task/name").asText();
    }

    /** {@return the recorded task settings (run.task), name included} */
    public JsonNode task() {
        return doc.at("/run/task");
    }

    /** {@return the run's seed} */
    public long seed() {
        return doc.at("/run/seed").asLong();
    }

    /** {@return the minibatch size} */
    public int batch() {
        return doc.at("/run/batch").asInt();
    }

    /** {@return the options the task was built from, as given (empty when none were recorded)} */
    public Map<String, String> taskOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        JsonNode given = doc.get("task_options");
        if (given != null) given.fields().forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
        return options;
    }

    /**
     * One task option.
     *
     * @param name the option
     * @return its value, or null when it was not given
     */
    public String taskOption(String name) {
        JsonNode v = doc.path("task_options").path(name);
        return v.isMissingNode() ? null : v.asText();
    }

    /** {@return the model's recorded layout (run.model.layout: name and shape of each parameter); missing for an imported run} */
    public JsonNode modelLayout() {
        return doc.at("/run/model/layout");
    }
}
