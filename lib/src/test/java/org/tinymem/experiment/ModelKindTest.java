package org.tinymem.experiment;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinymem.data.Artifact;
import org.tinymem.data.LanguageDataConfig;
import org.tinymem.data.MathDataConfig;
import org.tinymem.eval.LanguageMeasures;
import org.tinymem.eval.MathMeasures;
import org.tinymem.eval.Utility;
import org.tinymem.train.Profile;

class ModelKindTest {

    @Test
    void everyDataNameHasOneKindWithItsMeasuresAndSelectionRule() {
        assertEquals(List.of("math-add", "math-mult", "lang", "tiny-memorizer", "tiny-pythia"), ModelKind.names());
        assertEquals(RunSpec.DATA, ModelKind.names());
        for (String name : ModelKind.names()) assertEquals(name, ModelKind.of(name).name());
        ModelKind add = ModelKind.of("math-add");
        ModelKind lang = ModelKind.of("lang");
        assertSame(MathMeasures.INSTANCE, add.measures());
        assertSame(LanguageMeasures.INSTANCE, lang.measures());
        assertEquals(Utility.ACCURACY, add.utility());
        assertEquals(Utility.PERPLEXITY, lang.utility());
        assertEquals(Selection.Kind.MATH, add.criterion().kind());
        assertEquals(Selection.Kind.LANGUAGE, lang.criterion().kind());
        assertFalse(add.usesCorpus());
        assertTrue(lang.usesCorpus());
        assertEquals(14, add.model(2).vocabSize());
        assertEquals(50_257, lang.model(2).vocabSize());
        String error = assertThrows(IllegalArgumentException.class, () -> ModelKind.of("pile")).getMessage();
        assertTrue(error.contains("unknown data 'pile'") && error.contains("math-add, math-mult, lang"), error);
    }

    /** The plan holds the kind's data configuration, and the provenance records it under one name. */
    @Test
    void thePlanAndItsProvenanceCarryTheKindsDataConfiguration() {
        RunSpec math = new RunSpec("math-mult", Artifact.Kind.BACKDOOR, 2, Profile.SMOKE, 3);
        RunSpec lang = new RunSpec("lang", Artifact.Kind.NOISE, 2, Profile.QUICK, 0);
        TrainRun.Plan mathPlan = TrainRun.Plan.of(math);
        TrainRun.Plan langPlan = TrainRun.Plan.of(lang);
        assertEquals(Profile.SMOKE.mathData(org.tinymem.data.MathTask.Operation.MULT, Artifact.Kind.BACKDOOR, 3), mathPlan.data());
        assertInstanceOf(MathDataConfig.class, mathPlan.data());
        assertInstanceOf(LanguageDataConfig.class, langPlan.data());
        assertEquals(Profile.QUICK.languageTraining(Artifact.Kind.NOISE, 0), langPlan.training());
        JsonObject config = Provenance.of(mathPlan, 3, "fp").getAsJsonObject("config");
        assertEquals("MULT", config.getAsJsonObject("data").get("operation").getAsString(), config.toString());
        JsonObject langConfig = Provenance.of(langPlan, 0, "fp").getAsJsonObject("config");
        assertEquals(2_000, langConfig.getAsJsonObject("data").get("trainChunks").getAsInt(), langConfig.toString());
        assertEquals(4, langConfig.getAsJsonObject("data").getAsJsonArray("noiseDuplication").size());
    }
}
