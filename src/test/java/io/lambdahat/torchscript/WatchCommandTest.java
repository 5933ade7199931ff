package io.lambdahat.torchscript;

import io.lambdahat.cli.CliTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static io.lambdahat.torchscript.TorchScriptFixtures.file;
import static org.junit.jupiter.api.Assertions.*;

/**
 * watch on an imported run that is still "training": each look estimates only the checkpoints that are new and complete,
 * one line each; a file still being written waits for a later look; finished records are left as they are.
 */
class WatchCommandTest {
    @Test
    void eachLookEstimatesOnlyNewCompleteCheckpoints(@TempDir Path tmp) throws Exception {
        Path ckpts = Files.createDirectories(tmp.resolve("ckpts"));
        Files.copy(file("run_flat").resolve("step_000001.safetensors"), ckpts.resolve("step_000001.safetensors"));
        Path run = tmp.resolve("run");
        CliTest.Run imported = CliTest.run("import", "--torchscript", file("run_mlp.pt").toString(), "--checkpoints", ckpts + "/*.safetensors",
                "--data", file("run_data.safetensors").toString(), "--out", run.toString());
        assertEquals(0, imported.code(), imported.err());
        String[] watch = ImportCommandTest.with(new String[] {"watch", "--run", run.toString(), "--once"}, ImportCommandTest.SAMPLER);

        CliTest.Run first = CliTest.run(watch);
        assertEquals(0, first.code(), first.err());
        assertEquals(1, first.out().lines().count(), first.out());
        assertTrue(first.out().startsWith("checkpoint step 1  loss "), first.out());
        Path record = run.resolve("llc/step-000000001.json");
        FileTime written = Files.getLastModifiedTime(record);
        String before = Files.readString(record);

        // training goes on: one checkpoint complete, one still being written
        Files.copy(file("run_flat").resolve("step_000008.safetensors"), ckpts.resolve("step_000008.safetensors"));
        byte[] whole = Files.readAllBytes(file("run_flat").resolve("step_000020.safetensors"));
        Files.write(ckpts.resolve("step_000020.safetensors"), java.util.Arrays.copyOf(whole, whole.length - 64));
        CliTest.Run second = CliTest.run(watch);
        assertEquals(0, second.code(), second.err());
        assertEquals(1, second.out().lines().count(), second.out());
        assertTrue(second.out().startsWith("checkpoint step 8  loss "), second.out());
        assertEquals(before, Files.readString(record));
        assertEquals(written, Files.getLastModifiedTime(record));

        // the writer finishes the file: the next look takes it
        Files.write(ckpts.resolve("step_000020.safetensors"), whole);
        CliTest.Run third = CliTest.run(watch);
        assertEquals(0, third.code(), third.err());
        assertTrue(third.out().startsWith("checkpoint step 20  loss "), third.out());
        assertEquals(3, Files.list(run.resolve("llc")).count());

        CliTest.Run none = CliTest.run(watch);
        assertEquals(0, none.code(), none.err());
        assertEquals("", none.out());
    }
}
