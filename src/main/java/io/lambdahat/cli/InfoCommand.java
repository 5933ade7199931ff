package io.lambdahat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lambdahat.simd.SimdProvider;
import io.lambdahat.torch.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lambdahat info}: what this installation runs on. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the libtorch version, threads, CUDA devices, the Vector API species and the Java version.",
        footer = {"", "Example:", "  ./lambdahat info --json"})
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the facts as one JSON object.")
    boolean json;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    static Map<String, Object> facts() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("libtorch_version", Torch.version());
        m.put("threads", Torch.threads());
        boolean cuda = Torch.cudaAvailable();
        m.put("cuda_available", cuda);
        List<String> devices = new ArrayList<>();
        if (cuda) for (int i = 0; i < Torch.cudaDeviceCount(); i++) devices.add("cuda:" + i);
        m.put("cuda_devices", devices);
        m.put("vector_species", SimdProvider.get().describe());
        m.put("java_version", Runtime.version().toString());
        return m;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Object> facts = facts();
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
