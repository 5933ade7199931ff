package io.lambdahat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.sampling.Aoyagi;
import io.lambdahat.train.Trainer;
import io.lambdahat.trajectory.RunRecords;
import io.lambdahat.run.RunFolder;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What the DLN demo must show: the final λ̂ against Aoyagi's value for the teacher's widths and rank. */
final class DlnDemoCheck {
    private DlnDemoCheck() {}

    static String summary(Path run) throws Exception {
        JsonNode task = RunFolder.of(run).config().task();
        int[] widths = new ObjectMapper().convertValue(task.get("widths"), int[].class);
        int rank = task.get("rank").asInt();
        List<RunRecords.Entry> entries = RunRecords.read(run);
        RunRecords.Entry last = entries.get(entries.size() - 1);
        double truth = Aoyagi.learningCoefficient(widths, rank);
        return String.format(Locale.ROOT, "final checkpoint (step %d): λ̂ = %.2f ± %.2f; Aoyagi's λ for widths %s, rank %d = %.2f (%+.1f%%)%n",
                last.step(), last.llcMean(), last.llcStderr(), java.util.Arrays.toString(widths), rank, truth,
                100 * (last.llcMean() - truth) / truth);
    }
}
