package io.lambdahat.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.io.FileFormatException;
import io.lambdahat.InvalidInputException;
import io.lambdahat.train.Trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A run folder's {@code config.json}, checked before the task is rebuilt from it: a damaged file is named, not a Jackson trace. */
final class RunFolder {
    private RunFolder() {}

    /**
     * Reads a JSON file, naming it and the problem when it is not JSON.
     *
     * @param file the file
     * @param what where it came from, for the message (e.g. "--calibration")
     * @return its tree
     * @throws FileFormatException if it is empty, truncated or not JSON
     */
    static JsonNode readJson(Path file, String what) throws IOException {
        JsonNode doc;
        try {
            doc = new ObjectMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw FileFormatException.json(file, e);
        }
        if (doc == null || doc.isMissingNode() || !doc.isObject()) throw new FileFormatException(file, "empty or not a JSON object (" + what + ")");
        return doc;
    }

    /**
     * Checks a run folder's config.json: it exists, is JSON, and holds the fields a task is rebuilt from.
     *
     * @param run the run folder
     * @return the config
     * @throws InvalidInputException if the folder or its config is missing or damaged
     */
    static JsonNode config(Path run) throws IOException {
        if (!Files.isDirectory(run)) throw new InvalidInputException("run folder " + run + " does not exist");
        Path file = run.resolve(Trainer.CONFIG);
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(run + " has no " + Trainer.CONFIG + ": is it a folder written by 'lambdahat train --out'?");
        }
        JsonNode doc = readJson(file, "the run's configuration");
        for (String field : new String[] {"/run/task/name", "/run/seed", "/run/batch"}) {
            JsonNode v = doc.at(field);
            if (v.isMissingNode() || v.isNull() || (field.endsWith("name") ? !v.isTextual() : !v.isNumber())) {
                throw new FileFormatException(file, "has no " + field.substring(1).replace('/', '.')
                        + "; it is not a config written by 'lambdahat train' (restore it, or train the run again)");
            }
        }
        return doc;
    }
}
