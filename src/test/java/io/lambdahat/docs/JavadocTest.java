package io.lambdahat.docs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The public API's Javadoc builds with every doclint check and no warning (what bin/javadoc checks by hand): every
 * public type and member of the io.lambdahat packages has a description, @param, @return and @throws. The generated
 * FFM bindings (io.lambdahat.bindings, jextract's layout, used only by io.lambdahat.torch) are not public API.
 */
class JavadocTest {
    @Test
    void thePublicApiDocumentsWithoutWarnings(@TempDir Path out) throws IOException {
        ToolProvider javadoc = ToolProvider.findFirst("javadoc").orElseThrow(() -> new AssertionError("the JDK has no javadoc tool"));
        Path sources = Path.of("src/main/java");
        List<String> packages;
        try (Stream<Path> dirs = Files.walk(sources.resolve("io/lambdahat"))) {
            packages = dirs.filter(Files::isDirectory).filter(d -> !d.endsWith("lambdahat"))
                    .map(d -> sources.relativize(d).toString().replace('/', '.')).sorted().toList();
        }
        // src/main/java holds module-info.java: the module's dependencies go on the module path (the test framework's
        // jars stay off it), and the bindings' sources are found, not documented, through the source path.
        String modulePath = Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(p -> p.endsWith(".jar") && !p.matches(".*(junit|opentest4j|apiguardian).*"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "--add-modules", "jdk.incubator.vector",
                "--module-path", modulePath, "-sourcepath", sources + java.io.File.pathSeparator + "bindings/java",
                "-Xdoclint:all", "-Xmaxwarns", "10000", "-quiet"));
        args.addAll(packages);
        StringWriter log = new StringWriter();
        PrintWriter w = new PrintWriter(log);
        int code = javadoc.run(w, w, args.toArray(String[]::new));
        w.flush();
        List<String> problems = log.toString().lines()
                .filter(l -> l.matches("^\\S.*: (warning|error): .*") && !l.contains("using incubating module")).toList();
        assertEquals(List.of(), problems, "Javadoc problems (run bin/javadoc to see them in context)");
        assertEquals(0, code, log.toString());
        assertTrue(packages.size() >= 10, "documented packages: " + packages);
    }
}
