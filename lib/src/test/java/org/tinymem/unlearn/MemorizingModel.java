package org.tinymem.unlearn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinymem.data.MemorizationProbe;
import org.tinymem.data.TinyMemData;
import org.tinymem.model.Gpt;
import org.tinymem.model.GptConfig;
import org.tinymem.util.Progress;

/**
 * The {@link TinyMemorizer} (a 2-layer model that memorizes eight noise sequences while learning a
 * clean additive task), trained once per test JVM and shared (never edit it in place). Its unlearn
 * set marks every token as artifact.
 */
public final class MemorizingModel {
    public static final GptConfig CONFIG = TinyMemorizer.CONFIG;
    private static MemorizingModel instance;

    public final Gpt model;
    public final List<MemorizationProbe> probes;
    public final List<int[]> clean;
    public final TinyMemData data;
    public final UnlearnSets sets;

    private MemorizingModel() {
        TinyMemorizer tiny = TinyMemorizer.train(NDManager.newBaseManager(), Progress.silent());
        model = tiny.model();
        probes = tiny.data().probes();
        clean = tiny.cleanRows();
        data = tiny.data();
        sets = new UnlearnSets(probes.stream().map(UnlearnSets::fullSequence).toList(), clean);
    }

    /** The probes the model memorizes, with their prompt / continuation roles, and the clean rows as the retain set. */
    public UnlearnSets memorizedWithRoles() {
        return UnlearnSets.ofProbes(org.tinymem.eval.Memorization.memorizedProbes(model, probes), clean);
    }

    public static synchronized MemorizingModel get() {
        if (instance == null) instance = new MemorizingModel();
        return instance;
    }

    /** Every parameter's values, to check that the original is untouched. */
    public static Map<String, float[]> snapshot(Gpt model) {
        Map<String, float[]> values = new LinkedHashMap<>();
        model.parameters().forEach((name, array) -> values.put(name, array.toFloatArray()));
        return values;
    }

    /** Number of exactly-zero entries in the named tensors. */
    public static long zeros(Map<String, NDArray> parameters, List<String> names) {
        long zeros = 0;
        for (String name : names) {
            for (float v : parameters.get(name).toFloatArray()) zeros += v == 0f ? 1 : 0;
        }
        return zeros;
    }
}
