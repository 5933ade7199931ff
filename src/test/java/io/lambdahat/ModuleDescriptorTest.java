package io.lambdahat;

import io.lambdahat.simd.SimdProvider;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The module descriptor exports the API packages and nothing else, and the CLI runs as a named module on the module
 * path (the tests themselves run on the class path): picocli and Jackson reach what they need, and without
 * {@code jdk.incubator.vector} the kernels fall back to their scalar twins.
 */
class ModuleDescriptorTest {
    /** Packages of the module that are not its API. */
    private static final Set<String> INTERNAL = Set.of("io.lambdahat.bindings", "io.lambdahat.cli");

    private static ModuleDescriptor descriptor() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    @Test
    void everyApiPackageIsExportedAndNoInternalOne() throws IOException {
        ModuleDescriptor d = descriptor();
        assertEquals("io.lambdahat", d.name());
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("target/classes/io/lambdahat"))) {
            files.filter(f -> f.toString().endsWith(".class")).map(f -> Path.of("target/classes").relativize(f.getParent()))
                    .forEach(p -> packages.add(p.toString().replace(File.separatorChar, '.')));
        }
        assertTrue(packages.containsAll(INTERNAL), "compiled packages: " + packages);
        Set<String> api = new TreeSet<>(packages);
        api.removeAll(INTERNAL);
        Set<String> exported = d.exports().stream().peek(e -> assertFalse(e.isQualified(), e.toString()))
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(api, exported, "exported packages (a new API package is exported in src/main/java/module-info.java)");
        assertTrue(d.requires().stream().anyMatch(r -> r.name().equals("jdk.incubator.vector")
                && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)), "the Vector API is optional");
        Set<String> cliReaders = d.opens().stream().filter(o -> o.source().equals("io.lambdahat.cli"))
                .flatMap(o -> o.targets().stream()).collect(Collectors.toSet());
        assertTrue(cliReaders.contains("info.picocli"), "picocli fills the commands' fields: " + cliReaders);
    }

    /** Runs the CLI as the named module io.lambdahat in a new JVM; returns its exit code and output lines. */
    private static List<String> runOnModulePath(List<String> flags, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        // The dependencies are on the tests' class path; the test framework's jars stay off the module path.
        String modulePath = Stream.concat(Stream.of("target/classes"),
                        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                                .filter(p -> p.endsWith(".jar") && !p.matches(".*(junit|opentest4j|apiguardian).*")))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=io.lambdahat",
                "-Dlambdahat.native.dir=" + System.getProperty("lambdahat.native.dir"), "-p", modulePath));
        cmd.addAll(flags);
        cmd.addAll(List.of("-m", "io.lambdahat/io.lambdahat.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the child JVM finished");
        assertEquals(0, p.exitValue(), "the CLI on the module path succeeded; its output:\n" + out);
        return out.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
    }

    private static String value(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key + " ")).map(l -> l.substring(key.length()).strip())
                .findFirst().orElseThrow(() -> new AssertionError("no '" + key + "' in " + lines));
    }

    @Test
    void onTheModulePathTheKernelsAreTheVectorOnesWithTheModuleAndTheScalarTwinsWithout() throws Exception {
        List<String> with = runOnModulePath(List.of("--add-modules", "jdk.incubator.vector"), "info");
        assertEquals(SimdProvider.get().describe(), value(with, "vector_species"), "the same species as this JVM's");
        assertEquals(0, with.stream().filter(l -> l.startsWith("lambdahat: warning:")).count(), with.toString());

        List<String> without = runOnModulePath(List.of(), "info");
        assertEquals("scalar", value(without, "vector_species"));
        List<String> warnings = without.stream().filter(l -> l.startsWith("lambdahat: warning:")).toList();
        assertEquals(1, warnings.size(), without.toString());
        assertTrue(warnings.getFirst().contains("--add-modules jdk.incubator.vector"), warnings.getFirst());
    }

    @Test
    void anEstimateOnTheModulePathEqualsTheOneOnTheClassPath() throws Exception {
        String[] args = {"llc", "--task", "linreg", "--dim", "4", "--burnin", "100", "--draws", "200", "--chains", "2",
                "--json"};
        List<String> child = runOnModulePath(List.of("--add-modules", "jdk.incubator.vector"), args);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        double onModulePath = json.readTree(String.join("\n", child)).get("llc/mean").asDouble();
        io.lambdahat.cli.CliTest.Run here = io.lambdahat.cli.CliTest.run(args);
        assertEquals(0, here.code(), here.err());
        double onClassPath = json.readTree(here.out()).get("llc/mean").asDouble();
        assertTrue(onClassPath > 0.5 && onClassPath < 5, "a linear regression in 4 dimensions has λ = 2.5: " + onClassPath);
        assertEquals(onClassPath, onModulePath, 1e-12 * Math.abs(onClassPath), "the same chains on either path");
    }
}
