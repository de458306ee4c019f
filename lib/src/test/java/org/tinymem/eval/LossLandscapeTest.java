package org.tinymem.eval;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.cli.TinyMemCli;
import org.tinymem.model.Gpt;
import org.tinymem.model.Intervention;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.model.TokenBatch;
import org.tinymem.unlearn.MemorizingModel;
import org.tinymem.util.Progress;

class LossLandscapeTest {
    @TempDir
    Path dir;

    @Test
    void everyFilterOfADirectionHasTheNormOfTheWeightsFilter() {
        float[] weights = {3, 4, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2};
        float[] d = LossLandscape.filterNormalized(weights, 3, new Random(1));
        double[] expected = {5, 1, 2};
        for (int f = 0; f < 3; f++) {
            double norm = 0;
            for (int k = 4 * f; k < 4 * f + 4; k++) norm += d[k] * d[k];
            assertEquals(expected[f], Math.sqrt(norm), 1e-5);
        }
        Gpt model = MemorizingModel.get().model;
        LossLandscape.Directions directions = LossLandscape.directions(model, 7);
        for (Map.Entry<String, NDArray> p : model.parameters().entrySet()) {
            assertEquals(p.getValue().getShape().dimension() >= 2, directions.x().containsKey(p.getKey()),
                    p.getKey() + ": matrices move, biases and LayerNorm do not");
        }
        assertArrayEquals(directions.x().get("transformer.h.0.mlp.c_fc.weight"),
                LossLandscape.directions(model, 7).x().get("transformer.h.0.mlp.c_fc.weight"), "the same seed, the same directions");
    }

    @Test
    void theSurfaceIsTheLossOfTheMovedWeights() {
        MemorizingModel fixture = MemorizingModel.get();
        Gpt model = fixture.model;
        List<int[]> rows = fixture.sets.unlearn();
        LossLandscape.Directions directions = LossLandscape.directions(model, 3);
        LossLandscape.Surface surface = LossLandscape.surface("tiny", model, directions, rows, 5, 0.5, Progress.silent());
        assertArrayEquals(new double[] {-0.5, -0.25, 0, 0.25, 0.5}, surface.coordinates(), 1e-12);
        try (NDManager manager = model.manager().newSubManager()) {
            double unmoved = NextTokenLoss.of(model, TokenBatch.packWithMask(manager, rows, model.padToken()), Intervention.NONE)
                    .mean().getFloat();
            assertEquals(unmoved, surface.center(), 1e-6, "the origin is the model itself");
        }
        // (α, β) = (0.5, -0.25): a copy of the model whose weights are really θ + 0.5·δ − 0.25·η
        try (Gpt moved = model.copy()) {
            for (String name : directions.x().keySet()) {
                float[] w = moved.parameters().get(name).toFloatArray();
                float[] x = directions.x().get(name);
                float[] y = directions.y().get(name);
                for (int k = 0; k < w.length; k++) w[k] = w[k] + 0.5f * x[k] - 0.25f * y[k];
                moved.parameters().get(name).set(w);
            }
            try (NDManager manager = moved.manager().newSubManager()) {
                double loss = NextTokenLoss.of(moved, TokenBatch.packWithMask(manager, rows, moved.padToken()), Intervention.NONE)
                        .mean().getFloat();
                assertEquals(loss, surface.loss()[1][4], 1e-4 * Math.max(1, loss));
            }
        }
        assertTrue(surface.loss()[0][0] > surface.center(), "the memorized rows sit in a basin: a corner is higher than the origin");
        LossLandscape.Surface again = LossLandscape.surface("tiny", model, directions, rows, 5, 0.5, Progress.silent());
        for (int j = 0; j < 5; j++) assertArrayEquals(surface.loss()[j], again.loss()[j], 0, "deterministic");
    }

    @Test
    void badGridsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> LossLandscape.grid(20, 1));
        assertThrows(IllegalArgumentException.class, () -> LossLandscape.grid(1, 1));
        assertThrows(IllegalArgumentException.class, () -> LossLandscape.grid(21, 0));
        Gpt model = MemorizingModel.get().model;
        LossLandscape.Directions wrong = new LossLandscape.Directions(Map.of("transformer.h.0.mlp.c_fc.weight", new float[3]),
                Map.of("transformer.h.0.mlp.c_fc.weight", new float[3]), 0);
        assertThrows(IllegalArgumentException.class, () -> LossLandscape.surface("tiny", model, wrong, MemorizingModel.get().clean, 3,
                1, Progress.silent()));
    }

    @Test
    void theCommandWritesTheGridOfEveryModelAndSet() throws Exception {
        Path run = dir.resolve("tiny");
        assertEquals(0, TinyMemCli.run("train", "--data", "tiny-memorizer", "--artifact", "noise", "--layers", "2", "--profile", "smoke",
                "--out", run.toString()));
        Path edit = dir.resolve("edit");
        assertEquals(0, TinyMemCli.run("unlearn", "--model", run.toString(), "--method", "durable", "--ratio", "0.1", "--out", edit.toString()));
        Path out = dir.resolve("landscape");
        assertEquals(0, TinyMemCli.run("landscape", "--model", run.toString(), "--edited", edit.toString(), "--grid", "3", "--rows", "8",
                "--out", out.toString()));
        List<String> lines = Files.readAllLines(out.resolve("landscape.csv"));
        assertEquals("model,set,alpha,beta,loss", lines.get(0));
        assertEquals(1 + 2 * 2 * 9, lines.size(), "2 models x (clean, memorized) x 3 x 3 points");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("edited-1,memorized,")));
        assertEquals(4, com.google.gson.JsonParser.parseString(Files.readString(out.resolve("landscape.json"))).getAsJsonObject()
                .getAsJsonArray("surfaces").size());
        assertEquals(1, TinyMemCli.run("landscape", "--model", run.toString(), "--grid", "4", "--out", dir.resolve("x").toString()));
        assertEquals(1, TinyMemCli.run("landscape", "--model", run.toString(), "--out", out.toString()), "never into a used folder");
    }
}
