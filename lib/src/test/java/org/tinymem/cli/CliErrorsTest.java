package org.tinymem.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gives one clear line and a non-zero exit, and never touches existing results. */
class CliErrorsTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private PrintStream originalOut;

    @BeforeEach
    void capture() {
        originalErr = System.err;
        originalOut = System.out;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(originalErr);
        System.setOut(originalOut);
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8).trim();
    }

    @Test
    void infoPrintsTheParameterCount() {
        assertEquals(0, TinyMemCli.run("info", "--data", "math-mult", "--layers", "4"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("parameters=814336"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"info", "train", "eval", "bench", "unlearn", "finetune", "sweep"}) {
            assertEquals(0, TinyMemCli.run(command, "--help"), command);
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Usage: tinymem train"));
    }

    /** Every (sub)command's help renders without picocli format warnings (a bare '%' in a description). */
    @Test
    void everyHelpTextFormatsCleanly() {
        java.util.List<java.util.List<String>> paths = new java.util.ArrayList<>();
        collect(new picocli.CommandLine(new TinyMemCli()), new java.util.ArrayList<>(), paths);
        assertTrue(paths.size() > 10, "subcommands found: " + paths);
        for (java.util.List<String> path : paths) {
            java.util.List<String> args = new java.util.ArrayList<>(path);
            args.add("--help");
            assertEquals(0, TinyMemCli.run(args.toArray(String[]::new)), String.join(" ", path));
            assertFalse(errors().contains("WARN"), String.join(" ", path) + ": " + errors());
        }
    }

    private static void collect(picocli.CommandLine line, java.util.List<String> path, java.util.List<java.util.List<String>> paths) {
        for (var sub : line.getSubcommands().entrySet()) {
            java.util.List<String> next = new java.util.ArrayList<>(path);
            next.add(sub.getKey());
            paths.add(next);
            collect(sub.getValue(), next, paths);
        }
    }

    @Test
    void unknownDataIsOneClearLine() {
        int code = TinyMemCli.run("train", "--data", "math-div", "--artifact", "noise", "--out", dir.resolve("r").toString());
        assertNotEquals(0, code);
        assertEquals(1, errors().lines().count(), errors());
        assertTrue(errors().contains("unknown data 'math-div'"), errors());
        assertFalse(Files.exists(dir.resolve("r")), "nothing written for bad input");
    }

    @Test
    void nonPositiveLayersAreRejected() {
        int code = TinyMemCli.run("train", "--data", "math-add", "--artifact", "noise", "--layers", "0", "--out",
                dir.resolve("r").toString());
        assertNotEquals(0, code);
        assertTrue(errors().contains("layers must be a positive number"), errors());
    }

    @Test
    void unknownArtifactAndProfileAreRejected() {
        assertNotEquals(0, TinyMemCli.run("train", "--data", "math-add", "--artifact", "glitter", "--out", dir.toString()));
        assertTrue(errors().contains("unknown artifact 'glitter'"), errors());
        assertNotEquals(0, TinyMemCli.run("train", "--data", "math-add", "--artifact", "noise", "--profile", "huge", "--out",
                dir.toString()));
        assertTrue(errors().contains("unknown profile 'huge'"), errors());
    }

    @Test
    void anOutDirectoryHoldingAnotherRunIsRefusedAndKept() throws Exception {
        Path run = dir.resolve("run");
        Files.createDirectories(run);
        String other = "{\"data\":\"math-mult\",\"artifact\":\"backdoor\",\"layers\":2,\"profile\":\"smoke\",\"seed\":1}";
        Files.writeString(run.resolve("run.json"), other);
        Files.writeString(run.resolve("metrics.json"), "{\"percent_memorized\": 42}");
        int code = TinyMemCli.run("train", "--data", "math-add", "--artifact", "noise", "--layers", "2", "--profile", "smoke",
                "--out", run.toString());
        assertNotEquals(0, code);
        assertTrue(errors().contains("holds another run"), errors());
        assertEquals(other, Files.readString(run.resolve("run.json")));
        assertEquals("{\"percent_memorized\": 42}", Files.readString(run.resolve("metrics.json")));
    }

    @Test
    void aDirectoryWithUnrelatedFilesIsRefused() throws Exception {
        Files.writeString(dir.resolve("thesis.tex"), "precious");
        assertNotEquals(0, TinyMemCli.run("train", "--data", "math-add", "--artifact", "noise", "--out", dir.toString()));
        assertTrue(errors().contains("not empty"), errors());
        assertEquals("precious", Files.readString(dir.resolve("thesis.tex")));
    }

    @Test
    void benchOptionsAreCheckedBeforeAnyWork() {
        assertNotEquals(0, TinyMemCli.run("bench", "train", "--regularizer", "glitter"));
        assertTrue(errors().contains("unknown regularizer 'glitter'"), errors());
        assertNotEquals(0, TinyMemCli.run("bench", "train", "--loss", "approximate"));
        assertTrue(errors().contains("unknown --loss 'approximate'"), errors());
        assertNotEquals(0, TinyMemCli.run("bench", "neox-layer", "--tokens", "1"));
        assertTrue(errors().contains("--tokens must be ≥ 2"), errors());
        assertNotEquals(0, TinyMemCli.run("bench", "neox-layer", "--hidden", "100", "--heads", "32"));
        assertTrue(errors().contains("hidden_size (100) must be a positive multiple of num_attention_heads (32)"), errors());
    }

    @Test
    void aCorruptModelFileIsAClearError() throws Exception {
        Path run = dir.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("run.json"),
                "{\"data\":\"math-add\",\"artifact\":\"noise\",\"layers\":2,\"profile\":\"smoke\",\"seed\":0}");
        Files.writeString(run.resolve("config.json"), org.tinymem.model.GptConfig.math(2).toHuggingFace().toString());
        byte[] garbage = "definitely not safetensors".getBytes(StandardCharsets.UTF_8);
        Files.write(run.resolve("model.safetensors"), garbage);
        int code = TinyMemCli.run("eval", "--model", run.toString());
        assertNotEquals(0, code);
        assertEquals(1, errors().lines().count(), errors());
        assertTrue(errors().contains("not a valid safetensors file"), errors());
        assertArrayEquals(garbage, Files.readAllBytes(run.resolve("model.safetensors")));
    }

    @Test
    void missingRequiredOptionsNameTheOption() {
        assertNotEquals(0, TinyMemCli.run("train", "--data", "math-add"));
        assertTrue(errors().contains("--artifact") || errors().contains("--out"), errors());
    }

    @Test
    void aSweepRefusesANonEmptyOutAndBadGridValuesBeforeLoadingAnything() throws Exception {
        Path taken = dir.resolve("taken");
        Files.createDirectories(taken);
        Files.writeString(taken.resolve("sweep.csv"), "old");
        assertNotEquals(0, TinyMemCli.run("sweep", "grid", "--model", dir.resolve("no-such-run").toString(), "--method", "durable",
                "--out", taken.toString()));
        assertTrue(errors().contains("not empty"), errors());
        assertEquals("old", Files.readString(taken.resolve("sweep.csv")));
        assertNotEquals(0, TinyMemCli.run("sweep", "grid", "--model", dir.resolve("no-such-run").toString(), "--method", "durable",
                "--epochs", "10", "--out", dir.resolve("fresh").toString()));
        assertTrue(errors().contains("--epochs does not apply to durable"), errors());
        assertNotEquals(0, TinyMemCli.run("sweep", "grid", "--model", dir.resolve("no-such-run").toString(), "--method",
                "balanced-subnet", "--ratios", "0.1,2", "--out", dir.resolve("fresh2").toString()));
        assertTrue(errors().contains("ratio"), errors());
    }
}
