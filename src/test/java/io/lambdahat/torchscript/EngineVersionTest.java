package io.lambdahat.torchscript;

import io.lambdahat.cli.CliTest;
import io.lambdahat.torch.Torch;
import org.junit.jupiter.api.Test;

import static io.lambdahat.torchscript.TorchScriptFixtures.file;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A TorchScript file that the engine's libtorch cannot read is refused as bad input (exit 2), one line that names what
 * the file needs and what the engine is. The fixtures are a scripted model rewritten as a newer PyTorch could have
 * written it: calling an operator this libtorch lacks, and in a file format newer than it reads.
 */
class EngineVersionTest {
    private static CliTest.Run llc(String module) {
        return CliTest.run("llc", "--torchscript", file(module).toString(), "--data", file("run_data.safetensors").toString(),
                "--loss", "mse", "--draws", "10", "--burnin", "5", "--chains", "2");
    }

    @Test
    void anOperatorTheEngineLacksIsNamedWithBothVersions() {
        CliTest.Run r = llc("unknown_op.pt");
        assertEquals(2, r.code(), r.err());
        String err = r.err().strip();
        assertTrue(err.startsWith("error: " + file("unknown_op.pt") + ": libtorch " + Torch.version() + " cannot load this module: "), err);
        assertTrue(err.contains("Unknown builtin op: aten::tanh_from_the_future"), err);
        assertTrue(err.contains("the file's format version is 3, this libtorch reads up to "), err);
        assertEquals(1, err.lines().count(), err);
    }

    @Test
    void aNewerFileFormatIsNamedWithTheNewestTheEngineReads() {
        CliTest.Run r = llc("newer_format.pt");
        assertEquals(2, r.code(), r.err());
        String err = r.err().strip();
        assertTrue(err.startsWith("error: " + file("newer_format.pt") + ": libtorch " + Torch.version() + " cannot load this module: "), err);
        assertTrue(err.matches("(?s).*version 99, but the maximum supported version for reading is \\d+.*"), err);
        assertEquals(1, err.lines().count(), err);
    }
}
