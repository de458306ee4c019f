package org.tinymem.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnlearnCommandTest {
    @TempDir
    Path dir;

    @Test
    void badArgumentsFailBeforeAnyWorkAndNothingIsOverwritten() throws Exception {
        Path model = dir.resolve("no-such-run");
        assertEquals(1, TinyMemCli.run("unlearn", "--model", model.toString(), "--method", "nope", "--out", dir.resolve("a").toString()));
        assertEquals(1, TinyMemCli.run("unlearn", "--model", model.toString(), "--method", "durable", "--ratio", "0",
                "--out", dir.resolve("a").toString()));
        Path taken = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(taken.resolve("result.txt"), "keep me");
        assertEquals(1, TinyMemCli.run("unlearn", "--model", model.toString(), "--method", "sou", "--out", taken.toString()));
        assertEquals("keep me", Files.readString(taken.resolve("result.txt")));
        assertEquals(1, TinyMemCli.run("unlearn", "--model", model.toString(), "--method", "sou", "--out", dir.resolve("b").toString()),
                "a missing run directory is an error");
        assertFalse(Files.exists(dir.resolve("a")));
    }
}
