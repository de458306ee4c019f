package org.tinymem.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinymem.data.Artifact;
import org.tinymem.data.BrownCorpus;
import org.tinymem.data.FetchedBrown;
import org.tinymem.data.LanguageData;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.LanguageMeasures;
import org.tinymem.model.Gpt;
import org.tinymem.model.GptConfig;
import org.tinymem.util.Progress;

class LanguageTrainingTest {

    /** The smoke language data (Brown Corpus) on a narrow model (d = 32): the loss falls and every measure is there. */
    @Test
    void smokeLanguageRunLowersTheLoss() {
        BrownCorpus brown = FetchedBrown.orFail();
        TinyMemData data = LanguageData.build(brown, Profile.SMOKE.languageData(Artifact.Kind.NOISE, 0));
        // Losses are recorded every epoch; the (slower) measures run once, at the end.
        TrainConfig config = new TrainConfig(2, 16, 3e-3, 0.9, 0.98, 1e-8, 0.1, 3, 0.1, 1, 1, 0);
        GptConfig narrow = new GptConfig(50_257, 150, 32, 4, 1, -1, 1e-5, 0.8);
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = Gpt.initialize(narrow, 0, manager)) {
            Trainer.Result result = new Trainer(config, m -> Map.of(), null, Progress.silent()).train(model, data.train());
            List<HistoryRow> history = result.history();
            assertEquals(2, history.size());
            assertTrue(result.last().trainLoss() < history.get(0).trainLoss() - 0.3, "loss fell: " + history);
            assertTrue(result.last().trainLoss() < Math.log(50_257), "below the uniform model's loss: " + history);
            Map<String, Double> metrics = LanguageMeasures.INSTANCE.measure(model, data);
            assertTrue(metrics.get(LanguageMeasures.PERPLEXITY) < 50_257, "perplexity " + metrics);
            assertTrue(metrics.containsKey("percent_memorized_x8"), metrics.toString());
        }
    }
}
