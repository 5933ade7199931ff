package io.lambdahat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lambdahat.workflow.Installation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lambdahat info}: what this installation runs on. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the libtorch version, its library file and BLAS, threads, CUDA devices, the Vector API species and the Java version.",
        footer = {"", "Example:", "  ./lambdahat info --json"})
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the facts as one JSON object.")
    boolean json;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> facts = Installation.facts();
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(facts));
        } else {
            facts.forEach((k, v) -> out.printf("%-17s %s%n", k, v));
        }
        out.flush();
        return 0;
    }
}
