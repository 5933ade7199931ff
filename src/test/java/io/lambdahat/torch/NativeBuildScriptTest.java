package io.lambdahat.torch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Where no PyTorch 2.x can be found, the shim's build stops before CMake and says what it looked at and the one command
 * that fixes it; a python whose torch is 2.x is what it chooses.
 */
class NativeBuildScriptTest {
    private static Process build(Path out, Path venv, String python) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "native-build/build.sh", out.toString()).redirectErrorStream(true);
        pb.environment().remove("Torch_DIR");
        pb.environment().remove("LIBTORCH");
        pb.environment().put("LAMBDAHAT_VENV", venv.toString());
        pb.environment().put("LAMBDAHAT_PYTHON", python);
        // a PATH whose python3 (if any) has no torch 2.x: Debian's, or none
        pb.environment().put("PATH", "/usr/bin:/bin");
        return pb.start();
    }

    @Test
    void noPyTorchFoundNamesWhatWasTriedAndTheFix(@TempDir Path dir) throws Exception {
        Path fakePython = dir.resolve("python");
        Files.writeString(fakePython, "#!/bin/sh\nexit 1\n");
        assertTrue(fakePython.toFile().setExecutable(true));
        Process p = build(dir.resolve("out"), dir.resolve("no-venv"), fakePython.toString());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("native-build: no PyTorch 2.x found: looked for 'import torch' (2.x) in " + fakePython + " "
                + dir.resolve("no-venv/bin/python")), out);
        assertTrue(out.contains("run bin/setup"), out);
        assertFalse(Files.exists(dir.resolve("out/CMakeCache.txt")), "CMake ran although no libtorch was found");
    }
}
