package io.lambdahat.trajectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The checkpoints of a training run: {@code DIR/checkpoints/step-<step>.safetensors}, in step order. */
public final class RunCheckpoints {
    private static final Pattern NAME = Pattern.compile("step-(\\d+)\\.safetensors");

    /** One checkpoint file and its training step. */
    public record Checkpoint(long step, Path file) {}

    private RunCheckpoints() {}

    public static Path folder(Path runDir) {
        return runDir.resolve("checkpoints");
    }

    public static String fileName(long step) {
        return String.format("step-%09d.safetensors", step);
    }

    public static List<Checkpoint> list(Path runDir) throws IOException {
        Path dir = folder(runDir);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no checkpoints folder in " + runDir + ": is it a run folder written by 'lambdahat train --out'?");
        }
        List<Checkpoint> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches()) out.add(new Checkpoint(Long.parseLong(m.group(1)), f));
            }
        }
        out.sort(Comparator.comparingLong(Checkpoint::step));
        return out;
    }
}
