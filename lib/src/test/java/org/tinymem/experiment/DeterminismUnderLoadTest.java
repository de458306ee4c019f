package org.tinymem.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.sweep.Launcher;

/**
 * Same seed, same numbers — also on a busy machine (issue 18, item 6). A training and an unlearning
 * run twice each at 2 PyTorch threads, as separate command-line processes, while a CPU-burning process
 * competes for the cores; the written weights must be equal bit for bit. (OpenMP runtimes that shrink
 * their teams under load, a reduction whose order depends on timing, or a gradient that reads memory the
 * garbage collector freed, as DJL's number overloads made autograd do before {@code model.Scalars},
 * would show up here.)
 */
class DeterminismUnderLoadTest {

    private static final int THREADS = 2;

    @Test
    void twoThreadRunsBesideABusyProcessWriteTheSameWeights(@TempDir Path dir) throws Exception {
        Launcher launcher = Launcher.current(THREADS);
        Process burner = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try {
            // math-mult smoke: 4 layers, batches large enough that PyTorch splits its kernels across both threads
            for (String run : List.of("train-a", "train-b")) {
                cli(launcher, dir, "train", "--data", "math-mult", "--artifact", "noise", "--layers", "4",
                        "--profile", "smoke", "--seed", "0", "--out", dir.resolve(run).toString());
            }
            assertEquals(sha256(dir.resolve("train-a/model.safetensors")), sha256(dir.resolve("train-b/model.safetensors")),
                    "two 2-thread trainings beside a busy process wrote different weights");

            // an unlearning needs a model that memorizes: the tiny memorizer, then BalancedSubnet at its defaults
            cli(launcher, dir, "train", "--data", "tiny-memorizer", "--artifact", "noise", "--profile", "smoke",
                    "--seed", "0", "--out", dir.resolve("memorizer").toString());
            for (String run : List.of("unlearn-a", "unlearn-b")) {
                cli(launcher, dir, "unlearn", "--model", dir.resolve("memorizer").toString(), "--method", "balanced-subnet",
                        "--out", dir.resolve(run).toString());
            }
            assertEquals(sha256(dir.resolve("unlearn-a/model.safetensors")), sha256(dir.resolve("unlearn-b/model.safetensors")),
                    "two 2-thread BalancedSubnet runs beside a busy process wrote different weights");
        } finally {
            burner.destroyForcibly();
            burner.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void cli(Launcher launcher, Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(launcher.tinymem(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log-" + System.nanoTime() + ".txt").toFile());
        builder.environment().putAll(launcher.environment());
        Process process = builder.start();
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), "timed out: " + String.join(" ", args));
        assertEquals(0, process.exitValue(), "failed: " + String.join(" ", args));
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
