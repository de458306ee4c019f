package org.tinymem.experiment;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.data.Artifact;
import org.tinymem.data.FetchedBrown;
import org.tinymem.data.LanguageData;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.LanguageMeasures;
import org.tinymem.eval.Measures;
import org.tinymem.eval.Scorecard;
import org.tinymem.model.Gpt;
import org.tinymem.model.GptConfig;
import org.tinymem.model.ModelFiles;
import org.tinymem.train.FineTune;
import org.tinymem.train.Profile;
import org.tinymem.unlearn.UnlearnMethods;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.unlearn.Unlearning;
import org.tinymem.util.Json;
import org.tinymem.util.Progress;

/** Fine-tuning and unlearning a language model (Table 2): measured with perplexity, never with accuracy. */
class LanguageMitigationTest {
    /** One block, d = 32, the GPT-2 vocabulary: the smallest language model the smoke data can drive. */
    private static final GptConfig NARROW = new GptConfig(50_257, 150, 32, 4, 1, -1, 1e-5, 0.8);

    @TempDir
    Path dir;

    @Test
    void fineTuningALanguageRunReportsPerplexityBeforeAndAfter() {
        FetchedBrown.orFail();
        Path source = dir.resolve("run");
        RunSpec spec = new RunSpec("lang", Artifact.Kind.NOISE, 1, Profile.SMOKE, 0);
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(NARROW, 0, manager)) {
            Json.write(source.resolve(TrainRun.SPEC), spec.toJson());
            ModelFiles.save(model, source, Map.of());
        }
        Path out = dir.resolve("clean");
        try (NDManager manager = NDManager.newBaseManager()) {
            FineTune.Result result = FineTuneRun.run(source, FineTune.Recipe.CLEAN, out, manager, Progress.silent());
            assertEquals(8, result.rows(), "the clean twins of the 8 noisy smoke chunks");
            double before = result.before().get(LanguageMeasures.PERPLEXITY);
            double after = result.after().get(LanguageMeasures.PERPLEXITY);
            assertTrue(before > 1000, "an untrained model is near uniform: " + before);
            assertTrue(after < before, "five epochs lower the perplexity: " + before + " -> " + after);
            assertFalse(result.after().containsKey("accuracy"), result.after().toString());
            assertTrue(result.after().containsKey(Measures.PERCENT_MEMORIZED + "_x8"), result.after().toString());
            JsonObject json = Json.read(out.resolve(FineTuneRun.RESULT));
            assertEquals("perplexity", json.get("performance_measure").getAsString());
            assertEquals(Scorecard.percentDifference(before, after), json.get("perplexity_difference").getAsDouble(), 1e-9);
        }
    }

    /** Every unlearning method edits a 50,257-token model (sliced losses) and is measured by perplexity. */
    @Test
    void everyUnlearningMethodRunsOnALanguageModel() {
        TinyMemData data = LanguageData.build(FetchedBrown.orFail(), Profile.SMOKE.languageData(Artifact.Kind.NOISE, 0));
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(NARROW, 0, manager)) {
            // an untrained model memorizes nothing, so the sets are built from every probe
            UnlearnSets sets = UnlearnSets.ofProbes(data.probes(), data.cleanTrainTokens().subList(0, 8));
            Unlearning.Baseline baseline = new Unlearning.Baseline(LanguageMeasures.INSTANCE.measure(model, data), sets,
                    LanguageMeasures.INSTANCE);
            for (String name : UnlearnMethods.names()) {
                // the literature baselines (ga, gd, npo) take no ratio: their unit is optimizer steps
                boolean baselineMethod = UnlearnMethods.BASELINES.contains(name);
                Double ratio = baselineMethod ? null : name.equals("greedy") ? 1e-3 : 0.05;
                Integer epochs = baselineMethod || List.of("subnet", "balanced-subnet", "slim", "hc").contains(name) ? 1 : null;
                var options = new UnlearnMethods.Options(ratio, epochs, null, null, 0);
                try (Unlearning.Result result = Unlearning.apply(model, data, baseline, UnlearnMethods.create(name, options))) {
                    Scorecard.Row row = result.row();
                    assertEquals("perplexity", row.performanceMeasure(), name);
                    assertEquals(baseline.measures().get(LanguageMeasures.PERPLEXITY), row.performanceBefore(), name);
                    assertTrue(Double.isFinite(row.performanceAfter()) && row.performanceAfter() > 1, name + ": " + row);
                    assertTrue(row.ablated() > 0, name + " ablated something: " + row);
                }
            }
            // the quick setting's unlikelihood forget term also runs on the sliced head
            var unlikelihood = new UnlearnMethods.Options(0.05, 1, 0.5, null, 0, null,
                    org.tinymem.unlearn.UnlearnTokens.CONTINUATION, org.tinymem.unlearn.ForgetLoss.UNLIKELIHOOD, null, null);
            try (Unlearning.Result result = Unlearning.apply(model, data, baseline,
                    UnlearnMethods.create("balanced-subnet", unlikelihood))) {
                assertTrue(result.row().ablated() > 0);
            }
        }
    }
}
