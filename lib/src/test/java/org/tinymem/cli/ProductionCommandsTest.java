package org.tinymem.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.data.TokenMatrix;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Generator;
import org.tinymem.model.Models;
import org.tinymem.model.neox.GptNeoX;
import org.tinymem.model.neox.NeoxConfig;
import org.tinymem.util.Json;

/**
 * The production-model commands (§7) on a small GPT-NeoX directory written here. Its "memorized set"
 * is made from its own greedy continuations, so the model memorizes it by construction (100 % at
 * (72, 32)) and the whole file-based path — eval, generate, unlearn, sweep selection — can be
 * checked without training.
 */
class ProductionCommandsTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path memorized;
    static Path retain;
    static Path heldOut;
    static List<int[]> continuations;

    @BeforeAll
    static void writeModelAndSets() {
        NeoxConfig config = new NeoxConfig(200, 32, 4, 2, 128, 96, 0.25, 10_000, 1e-5, true, false, true, 0, 0, "float32", -1, 0.3);
        model = dir.resolve("neox");
        Random random = new Random(3);
        try (NDManager manager = NDManager.newBaseManager(); GptNeoX neox = GptNeoX.initialize(config, 7, manager)) {
            Models.save(neox, model, Map.of());
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < 6; i++) prompts.add(random.ints(32, 0, 200).toArray());
            continuations = Generator.greedy(neox, prompts, 48, 8);
            List<int[]> rows = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                int[] row = Arrays.copyOf(prompts.get(i), 80);
                System.arraycopy(continuations.get(i), 0, row, 32, 48);
                rows.add(row);
            }
            memorized = dir.resolve("memorized.npy");
            new TokenMatrix(rows).writeNpy(memorized);
        }
        List<int[]> other = new ArrayList<>();
        for (int i = 0; i < 8; i++) other.add(random.ints(80, 0, 200).toArray());
        retain = dir.resolve("retain.npy");
        heldOut = dir.resolve("perplexity.npy");
        new TokenMatrix(other.subList(0, 4)).writeNpy(retain);
        new TokenMatrix(other.subList(4, 8)).writeNpy(heldOut);
    }

    @Test
    void generateWritesTheGreedyContinuationsAndNeverOverwrites() throws Exception {
        Path out = dir.resolve("generated.npy");
        assertEquals(0, TinyMemCli.run("generate", "--model", model.toString(), "--tokens", memorized.toString(), "--new", "40",
                "--batch-size", "4", "--out", out.toString()));
        TokenMatrix generated = TokenMatrix.readNpy(out);
        assertEquals(6, generated.size());
        assertEquals(40, generated.columns());
        for (int i = 0; i < 6; i++) assertArrayEquals(Arrays.copyOf(continuations.get(i), 40), generated.rows().get(i));
        byte[] before = Files.readAllBytes(out);
        assertEquals(1, TinyMemCli.run("generate", "--model", model.toString(), "--tokens", memorized.toString(), "--out", out.toString()));
        assertArrayEquals(before, Files.readAllBytes(out), "an existing result is never overwritten");
    }

    @Test
    void unlearnOnTokenFilesMeasuresAtSeventyTwoThirtyTwoAndRecordsTheFiles() {
        Path out = dir.resolve("act");
        assertEquals(0, TinyMemCli.run("unlearn", "--model", model.toString(), "--method", "act", "--ratio", "0.5",
                "--memorized", memorized.toString(), "--retain", retain.toString(), "--perplexity", heldOut.toString(),
                "--out", out.toString()));
        JsonObject result = Json.read(out.resolve(UnlearnCommand.RESULT));
        assertEquals(100.0, result.getAsJsonObject("before").get("percent_memorized").getAsDouble(), 1e-9,
                "its own greedy continuations are memorized by construction");
        assertEquals("perplexity", result.get("performance_measure").getAsString());
        assertEquals(6, result.get("unlearn_rows").getAsInt());
        assertTrue(result.get("ablated").getAsLong() > 0);
        JsonObject provenance = Json.read(out.resolve("provenance.json")).getAsJsonObject("config");
        assertEquals("production", provenance.get("data").getAsString());
        assertEquals(32, provenance.get("prompt").getAsInt());
        try (NDManager manager = NDManager.newBaseManager(); CausalLm edited = Models.load(out, manager)) {
            assertEquals(2, edited.layers(), "the edited model is a NeoX directory again");
        }
    }

    @Test
    void badProductionInputIsOneClearErrorAndWritesNothing() throws Exception {
        Path out = dir.resolve("never");
        assertEquals(1, TinyMemCli.run("unlearn", "--model", model.toString(), "--method", "act", "--memorized", memorized.toString(),
                "--out", out.toString()), "--memorized without --retain and --perplexity");
        Path big = dir.resolve("big.npy");
        new TokenMatrix(List.of(new int[80])).writeNpy(big);
        int[] outOfVocabulary = new int[80];
        outOfVocabulary[5] = 5_000;
        new TokenMatrix(List.of(outOfVocabulary)).writeNpy(big);
        assertEquals(1, TinyMemCli.run("eval", "--model", model.toString(), "--tokens", big.toString()));
        Path pickle = Files.createDirectories(dir.resolve("pickle"));
        Files.writeString(pickle.resolve("config.json"), "{\"model_type\": \"gpt_neox\"}");
        Files.write(pickle.resolve("pytorch_model.bin"), new byte[16]);
        assertEquals(1, TinyMemCli.run("eval", "--model", pickle.toString(), "--tokens", memorized.toString()));
        assertEquals(1, TinyMemCli.run("eval", "--model", model.toString(), "--tokens", memorized.toString(), "--device", "tpu"));
        assertFalse(Files.exists(out));
    }

    @Test
    void aProductionSweepIsPickedByTheProductionRule() throws Exception {
        Path sweep = dir.resolve("sweep");
        assertEquals(0, TinyMemCli.run("sweep", "plan", "--out", sweep.toString(), "--model", model.toString(), "--methods", "act",
                "--ratios", "0.25,0.5", "--memorized", memorized.toString(), "--retain", retain.toString(), "--perplexity",
                heldOut.toString()));
        assertTrue(Files.readString(sweep.resolve("plan.jsonl")).contains("--memorized"));
        assertEquals(0, TinyMemCli.run("sweep", "run", sweep.toString(), "--index", "0"));
        assertEquals(0, TinyMemCli.run("sweep", "run", sweep.toString(), "--index", "1"));
        assertEquals(0, TinyMemCli.run("sweep", "collect", sweep.toString()));
        String results = Files.readString(sweep.resolve("results.csv"));
        assertEquals(3, results.lines().count(), results);
        // App. A.4.2 admits only runs whose perplexity after the edit is below 500: selected.csv has a row exactly
        // when one of the two does (and only its header otherwise, so no earlier selection survives).
        boolean anyBelowCap = false;
        for (String line : results.lines().skip(1).toList()) {
            JsonObject run = Json.read(sweep.resolve("results").resolve(line.split(",")[3]).resolve(UnlearnCommand.RESULT));
            anyBelowCap |= run.getAsJsonObject("after").get("perplexity").getAsDouble() < 500;
        }
        String selected = Files.readString(sweep.resolve("selected.csv"));
        assertEquals(anyBelowCap ? 2 : 1, selected.lines().count(), selected);
        assertTrue(selected.lines().findFirst().orElseThrow().endsWith("score,candidates,time_limit_s,selected_by"), selected);
        if (anyBelowCap) assertTrue(selected.contains(",act,"));
    }
}
