package org.tinymem.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every notebook under {@code notebooks/} executes headless ({@code environment/run-notebooks.sh},
 * i.e. {@code jupyter nbconvert --execute}) under the smoke profile, on the test kernel, with runs
 * and outputs in a temporary folder; no cell errs, and each notebook shows tables and figures.
 */
class NotebooksSmokeTest {

    private static final Path JUPYTER = Paths.get("/usr/bin/jupyter");
    private static final String KERNEL_NAME = "tinymem-java-test";

    @Test
    void everyNotebookRunsUnderTheSmokeProfile(@TempDir Path temp) throws Exception {
        assumeTrue(Files.isExecutable(JUPYTER), "Jupyter not installed: run environment/setup-notebooks.sh");
        Path home = Paths.get(System.getProperty("tinymem.home")).toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(home.resolve("environment/node_modules/plotly.js-dist-min/plotly.min.js")),
                "plotly.js not installed: run environment/setup-notebooks.sh");
        Path jupyterPath = temp.resolve("jupyter");
        KernelThroughJupyterTest.writeKernelSpec(jupyterPath.resolve("kernels").resolve(KERNEL_NAME), home);
        Path out = temp.resolve("out");

        ProcessBuilder builder = new ProcessBuilder("bash", home.resolve("environment/run-notebooks.sh").toString(),
                "--profile", "smoke", "--out", out.toString()).redirectErrorStream(true);
        builder.environment().put("JUPYTER_PATH", jupyterPath.toString());
        builder.environment().put("TINYMEM_KERNEL", KERNEL_NAME);
        builder.environment().put("TINYMEM_HOME", home.toString());
        builder.environment().put("TINYMEM_RUNS", temp.resolve("runs").toString());
        builder.environment().put("TINYMEM_THREADS", System.getProperty("tinymem.threads", "1"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = process.waitFor(30, TimeUnit.MINUTES);
        System.out.println(output);
        assertEquals(0, finished ? process.exitValue() : -1, "run-notebooks.sh failed:\n" + output);

        List<Path> notebooks;
        try (Stream<Path> files = Files.list(home.resolve("notebooks"))) {
            notebooks = files.filter(f -> f.getFileName().toString().matches("\\d.*\\.ipynb")).sorted().toList();
        }
        assertFalse(notebooks.isEmpty(), "no notebooks in " + home.resolve("notebooks"));
        for (Path notebook : notebooks) {
            String name = notebook.getFileName().toString().replace(".ipynb", "");
            assertTrue(Files.size(out.resolve(name + ".html")) > 0, name + ".html written");
            checkOutputs(name, JsonParser.parseString(Files.readString(out.resolve(name + ".ipynb"))).getAsJsonObject());
        }
        assertTrue(Files.isDirectory(temp.resolve("runs/smoke")), "runs went to TINYMEM_RUNS");
        checkExportedFigures(temp.resolve("runs/smoke/figures/01-tinymem-models"));
    }

    /** Notebook 01 exports its seven Fig. 6-style figures as PNG and SVG when Chromium is installed. */
    private static void checkExportedFigures(Path dir) throws Exception {
        if (!KernelThroughJupyterTest.isOnPath("chromium")) {
            assertFalse(Files.exists(dir), "without Chromium nothing is exported");
            return;
        }
        for (String name : List.of("fig6a-math-add-noise", "fig6b-math-mult-backdoor", "fig6c-lang-noise",
                "fig6c-lang-noise-by-group", "fig6d-lang-backdoor")) {
            byte[] png = Files.readAllBytes(dir.resolve(name + ".png"));
            assertEquals(0x89504E47, ByteBuffer.wrap(png).getInt(), name + ".png is a PNG");
            int width = ByteBuffer.wrap(png).getInt(16);
            int height = ByteBuffer.wrap(png).getInt(20);
            assertTrue(width >= 400 && height >= 300, name + ".png is " + width + "x" + height);
            assertTrue(Files.readString(dir.resolve(name + ".svg")).contains("<svg"), name + ".svg is an SVG");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(14, files.count(), "7 figures as PNG and SVG in " + dir);
        }
    }

    /** No error output; at least one HTML table and one plotly figure; every code cell ran. */
    private static void checkOutputs(String name, JsonObject notebook) {
        int tables = 0;
        int figures = 0;
        List<String> problems = new ArrayList<>();
        for (JsonElement element : notebook.getAsJsonArray("cells")) {
            JsonObject cell = element.getAsJsonObject();
            if (!cell.get("cell_type").getAsString().equals("code")) continue;
            if (cell.get("execution_count").isJsonNull()) problems.add("a cell did not run: " + cell.get("source"));
            for (JsonElement o : cell.getAsJsonArray("outputs")) {
                JsonObject output = o.getAsJsonObject();
                String type = output.get("output_type").getAsString();
                if (type.equals("error")) problems.add("error " + output.get("ename") + ": " + output.get("evalue"));
                if (type.equals("stream") && output.get("name").getAsString().equals("stderr")
                        && text(output.get("text")).contains("Exception")) {
                    problems.add("exception on stderr: " + text(output.get("text")));
                }
                JsonObject data = output.getAsJsonObject("data");
                if (data != null && data.has("text/html")) {
                    String html = text(data.get("text/html"));
                    if (html.contains("<table")) tables++;
                    if (html.contains("tinymem_figure_") && html.contains("Plotly")) figures++;
                }
            }
        }
        assertTrue(problems.isEmpty(), name + ": " + problems);
        assertTrue(tables > 0, name + " shows no HTML table");
        assertTrue(figures > 0, name + " shows no plotly figure");
    }

    private static String text(JsonElement value) {
        if (!value.isJsonArray()) return value.getAsString();
        StringBuilder text = new StringBuilder();
        for (JsonElement line : (JsonArray) value) text.append(line.getAsString());
        return text.toString();
    }
}
