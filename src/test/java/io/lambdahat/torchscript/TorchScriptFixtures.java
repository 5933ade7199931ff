package io.lambdahat.torchscript;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The TorchScript files the tests load, written once per test JVM by src/test/python/torchscript_fixtures.py with
 * the PyTorch 2.x whose libtorch is the engine ({@link #pythonExecutable()}: the python bin/torch-env.sh found, or the
 * project's venv that bin/setup makes). A missing PyTorch fails the tests with the command that installs it rather
 * than skipping them.
 */
public final class TorchScriptFixtures {
    private static final Path SCRIPT = Path.of("src/test/python/torchscript_fixtures.py");
    private static final Path DIR = Path.of("target/torchscript-fixtures");
    private static boolean written;

    private TorchScriptFixtures() {}

    /**
     * A fixture file, writing them all first if this JVM has not yet.
     *
     * @param name the file's name, e.g. "dln_4_3_4.pt"
     * @return its path
     */
    public static synchronized Path file(String name) {
        if (!written) {
            write(SCRIPT, DIR);
            written = true;
        }
        return DIR.resolve(name);
    }

    private static final Path MODERN_SCRIPT = Path.of("src/test/python/modern_fixtures.py");
    private static final Path MODERN_DIR = Path.of("target/modern-fixtures");
    private static boolean modernWritten;

    /**
     * A file of the modern-model fixtures (modules of today's PyTorch with PyTorch's own loss and λ̂ as oracles),
     * writing them all first if this JVM has not yet (about a minute: each model is trained, then sampled by PyTorch).
     *
     * @param name the file's name, e.g. "nanogpt.pt", "nanogpt_ref.json", "data.safetensors"
     * @return its path
     */
    public static synchronized Path modern(String name) {
        if (!modernWritten) {
            write(MODERN_SCRIPT, MODERN_DIR);
            modernWritten = true;
        }
        return MODERN_DIR.resolve(name);
    }

    /**
     * The python that imports the engine's PyTorch: the system property {@code lambdahat.python}, the environment
     * variable {@code LAMBDAHAT_PYTHON} (bin/test exports it), then the project's venv {@code .venv/bin/python}.
     *
     * @return its path (which may not exist; running it then fails with the fix)
     */
    public static String pythonExecutable() {
        String property = System.getProperty("lambdahat.python");
        if (property != null && !property.isBlank()) return property;
        String env = System.getenv("LAMBDAHAT_PYTHON");
        if (env != null && !env.isBlank()) return env;
        return Path.of(".venv/bin/python").toAbsolutePath().toString();
    }

    /**
     * Runs a Python script of the tests with the engine's PyTorch.
     *
     * @param script the script
     * @param args   its arguments
     * @return its standard output
     */
    public static String python(Path script, String... args) {
        try {
            String[] cmd = new String[args.length + 2];
            cmd[0] = pythonExecutable();
            cmd[1] = script.toString();
            System.arraycopy(args, 0, cmd, 2, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException(script + " failed with " + cmd[0] + " (bin/setup makes the project's venv with PyTorch 2.x):\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + pythonExecutable() + " " + script + " (run bin/setup)" + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path script, Path dir) {
        try {
            // a fresh folder: files of an older version of the script must not linger in a glob
            if (Files.exists(dir)) {
                try (var walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
                }
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        python(script, dir.toString());
    }
}
