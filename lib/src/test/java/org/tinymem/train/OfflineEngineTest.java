package org.tinymem.train;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The PyTorch engine starts from the classpath jars alone, in a process with no network at all. */
class OfflineEngineTest {

    /** Run in the child process: start the engine and compute something. */
    public static void main(String[] args) {
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            float sum = manager.create(new float[] {1, 2, 3.5f}).sum().getFloat();
            System.out.println("ENGINE " + ai.djl.engine.Engine.getInstance().getEngineName() + " SUM " + sum);
        }
    }

    @Test
    void engineStartsWithTheNetworkUnavailable() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "unshare (util-linux) is needed to cut the network");
        List<String> command = new ArrayList<>(List.of("/usr/bin/unshare", "-n",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), OfflineEngineTest.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "engine start timed out");
        if (output.contains("unshare failed") || output.contains("Operation not permitted")) {
            org.junit.jupiter.api.Assumptions.abort("this sandbox forbids network namespaces: " + output.trim());
        }
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("ENGINE PyTorch SUM 6.5"), output);
    }
}
