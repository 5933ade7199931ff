package io.lambdahat.simd;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Without {@code --add-modules jdk.incubator.vector} (or without C2) the kernels fall back to their scalar twins with
 * one warning, and give the scalar twins' numbers: tested in a real JVM started without the module, as an embedding
 * application would start it.
 */
class ScalarFallbackTest {

    /** Runs {@link ScalarFallbackMain} in a new JVM with the given extra flags; returns its output lines. */
    private static List<String> runChild(List<String> flags, String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Dlambdahat.native.dir=" + System.getProperty("lambdahat.native.dir"),
                "-cp", System.getProperty("java.class.path")));
        cmd.addAll(flags);
        cmd.add(ScalarFallbackMain.class.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM finished");
        assertEquals(0, p.exitValue(), "the child JVM succeeded; its output:\n" + out);
        return out.lines().toList();
    }

    private static String line(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + key + "' line in " + lines));
    }

    private static long warnings(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("lambdahat: warning:")).count();
    }

    @Test
    void withoutTheVectorModuleAnEstimateRunsOnTheScalarTwinsWithOneWarning() throws Exception {
        List<String> out = runChild(List.of());
        assertEquals(1, warnings(out), "one warning line: " + out);
        assertTrue(line(out, "lambdahat: warning:").contains("--add-modules jdk.incubator.vector"), out.toString());
        assertEquals("provider scalar", line(out, "provider"));
        // The kernels: the scalar twins' numbers (and the vector kernels' here, which equal them bit for bit).
        assertEquals(ScalarFallbackMain.sgld(SgldKernel.scalar()), line(out, "sgld"));
        assertEquals(ScalarFallbackMain.adamW(true), line(out, "adamw"));
        assertEquals(ScalarFallbackMain.adamW(false), line(out, "adamw"));
        // λ̂: the same chains, draw for draw; the means over draws may differ in the last bits (summation order).
        double[] child = numbers(line(out, "llc")), here = numbers(ScalarFallbackMain.llc());
        assertEquals(here.length, child.length);
        for (int i = 0; i < here.length; i++) assertEquals(here[i], child[i], 1e-12 * Math.abs(here[i]), "λ̂ value " + i);
        assertTrue(here[0] > 1, "a DLN [4,3,4] near its teacher has λ̂ well above 1: " + here[0]);
    }

    @Test
    void withoutC2TheKernelsRunAsTheScalarTwinsWithOneWarning() throws Exception {
        List<String> out = runChild(List.of("--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1"),
                "kernels");
        assertEquals(1, warnings(out), "one warning line: " + out);
        assertTrue(line(out, "lambdahat: warning:").contains("C2"), out.toString());
        assertEquals("provider scalar", line(out, "provider"));
        assertEquals(ScalarFallbackMain.sgld(SgldKernel.scalar()), line(out, "sgld"));
        assertEquals(ScalarFallbackMain.adamW(true), line(out, "adamw"));
    }

    @Test
    void theChoiceFollowsTheModuleTheCompilerAndTheSetting() {
        Optional<Module> module = ModuleLayer.boot().findModule(SimdProvider.VECTOR_MODULE);
        assertTrue(module.isPresent(), "the tests run with --add-modules jdk.incubator.vector");
        List<String> warned = new ArrayList<>();
        SimdProvider vector = SimdProvider.choose("", module, null, warned::add);
        assertTrue(vector.vectorised());
        assertEquals(Species.FLOAT.toString(), vector.describe());
        assertEquals(List.of(), warned);
        assertSame(SimdProvider.scalar(), SimdProvider.choose("", Optional.empty(), null, warned::add));
        assertSame(SimdProvider.scalar(), SimdProvider.choose("", module, "C2 is off (-XX:TieredStopAtLevel=1)", warned::add));
        assertEquals(2, warned.size(), warned.toString());
        assertTrue(warned.get(1).contains("C2 is off"), warned.get(1));
        assertSame(SimdProvider.scalar(), SimdProvider.choose("scalar", module, null, warned::add));
        assertEquals(2, warned.size(), "an explicit choice of the scalar twins is not warned about");
        assertNull(SimdProvider.compilerProblem(), "this JVM has C2");
        assertSame(vector.getClass(), SimdProvider.get().getClass(), "the tests' JVM gets the vector kernels");
    }

    private static double[] numbers(String llcLine) {
        String[] parts = llcLine.replaceAll("[\\[\\],]", " ").trim().split("\\s+");
        double[] out = new double[parts.length - 1];
        for (int i = 1; i < parts.length; i++) out[i - 1] = Double.parseDouble(parts[i]);
        return out;
    }
}
