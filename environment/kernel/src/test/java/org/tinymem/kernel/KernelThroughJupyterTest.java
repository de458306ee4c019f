package org.tinymem.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kernel as notebooks see it: started by Jupyter's own client library from a kernelspec and
 * driven over ZeroMQ by {@code src/test/python/kernel_check.py}. Skipped only where Jupyter is not
 * installed ({@code environment/setup-notebooks.sh} installs it; CI runs that first).
 */
class KernelThroughJupyterTest {

    private static final Path JUPYTER = Paths.get("/usr/bin/jupyter");
    private static final Path PYTHON = Paths.get("/usr/bin/python3");
    private static final String KERNEL_NAME = "tinymem-java-test";

    @Test
    void passesTheJupyterClientChecks() throws Exception {
        assumeTrue(Files.isExecutable(JUPYTER), "Jupyter not installed: run environment/setup-notebooks.sh");
        Path home = Paths.get(System.getProperty("tinymem.home")).toAbsolutePath().normalize();
        Path jupyterPath = Paths.get("target", "test-jupyter").toAbsolutePath();
        writeKernelSpec(jupyterPath.resolve("kernels").resolve(KERNEL_NAME), home);

        List<String> command = new ArrayList<>(List.of(PYTHON.toString(),
                Paths.get("src", "test", "python", "kernel_check.py").toString(), KERNEL_NAME));
        boolean figures = Files.isRegularFile(home.resolve("environment/node_modules/plotly.js-dist-min/plotly.min.js"))
                && isOnPath("chromium");
        if (figures) {
            command.add("--chromium");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JUPYTER_PATH", jupyterPath.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        System.out.println(output);
        assertEquals(0, finished ? process.exitValue() : -1, "kernel_check.py failed:\n" + output);
    }

    /** A kernelspec like the installed one, but on the test class path (unshaded, no AppCDS). */
    static void writeKernelSpec(Path dir, Path home) throws IOException {
        Files.createDirectories(dir);
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String json = "{\n"
                + "  \"argv\": [" + quote(java) + ", \"-cp\", " + quote(System.getProperty("kernel.classpath"))
                + ", \"org.tinymem.kernel.TinyMemKernel\", \"{connection_file}\"],\n"
                + "  \"display_name\": \"TinyMem (test)\",\n"
                + "  \"language\": \"java\",\n"
                + "  \"interrupt_mode\": \"message\",\n"
                + "  \"env\": {\"TINYMEM_HOME\": " + quote(home.toString()) + "}\n"
                + "}\n";
        Files.writeString(dir.resolve("kernel.json"), json);
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static boolean isOnPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Paths.get(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
