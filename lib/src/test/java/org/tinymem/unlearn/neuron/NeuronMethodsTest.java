package org.tinymem.unlearn.neuron;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinymem.experiment.Sweep;
import org.tinymem.model.FreedMemory;
import org.tinymem.unlearn.UnlearnMethods;
import org.tinymem.unlearn.Unlearner;

/** The neuron methods by name, with the options that apply to each and errors for the others. */
class NeuronMethodsTest {

    private static UnlearnMethods.Options options(Double ratio, Integer epochs, Double lambda, Integer igSteps) {
        return new UnlearnMethods.Options(ratio, epochs, null, null, 7, null, null, null, lambda, igSteps);
    }

    @Test
    void everyNeuronMethodIsRegisteredWithItsDefaultsAndCountsNeurons() {
        for (String name : List.of("zero", "act", "slim", "hc", "ig")) {
            Unlearner method = UnlearnMethods.create(name, UnlearnMethods.Options.defaults());
            assertEquals(name, method.method());
            assertEquals("neurons", method.unit());
            assertInstanceOf(NeuronUnlearner.class, method);
        }
        assertEquals(Slim.Params.defaults(), UnlearnMethods.create("slim", UnlearnMethods.Options.defaults()).params());
    }

    @Test
    void theOptionsThatApplyAreUsed() {
        assertEquals(new Slim.Params(0.05, 20, 3, 0.1, 64),
                UnlearnMethods.create("slim", options(0.05, 20, 3.0, null)).params(), "the reference's lr 0.1 by default");
        assertEquals(new Slim.Params(0.05, 20, 3, 1e-2, 64), UnlearnMethods.create("slim",
                new UnlearnMethods.Options(0.05, 20, null, 1e-2, 7, null, null, null, 3.0, null)).params(), "--lr reaches Slim");
        assertEquals(1e-2, ((HardConcrete.Params) UnlearnMethods.create("hc",
                new UnlearnMethods.Options(null, null, null, 1e-2, 7, null, null, null, null, null)).params()).learningRate(), "--lr reaches HC");
        HardConcrete.Params hc = (HardConcrete.Params) UnlearnMethods.create("hc", options(1e-3, 1, 10.0, null)).params();
        assertEquals(1e-3, hc.ratio());
        assertEquals(1, hc.epochs());
        assertEquals(10, hc.lambda());
        assertEquals(0.1, hc.learningRate());
        assertEquals(7, hc.seed());
        assertEquals(new IntegratedGradients.Params(0.1, 10, 64), UnlearnMethods.create("ig", options(0.1, null, null, 10)).params());
        assertEquals(0.1, UnlearnMethods.create("zero", options(0.1, null, null, null)).params().ratio());
        assertEquals(0.1, UnlearnMethods.create("act", options(0.1, null, null, null)).params().ratio());
    }

    @Test
    void anOptionAMethodDoesNotHaveIsAnError() {
        assertEquals("--epochs does not apply to zero", assertThrows(IllegalArgumentException.class,
                () -> UnlearnMethods.create("zero", options(null, 10, null, null))).getMessage());
        assertEquals("--lambda does not apply to act", assertThrows(IllegalArgumentException.class,
                () -> UnlearnMethods.create("act", options(null, null, 1.0, null))).getMessage());
        assertEquals("--ig-steps does not apply to slim", assertThrows(IllegalArgumentException.class,
                () -> UnlearnMethods.create("slim", options(null, null, null, 5))).getMessage());
        assertEquals("--epochs, --lambda does not apply to ig", assertThrows(IllegalArgumentException.class,
                () -> UnlearnMethods.create("ig", options(null, 1, 1.0, null))).getMessage());
        assertEquals("--ig-steps does not apply to durable", assertThrows(IllegalArgumentException.class,
                () -> UnlearnMethods.create("durable", options(null, null, null, 5))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> UnlearnMethods.create("ig", options(null, null, null, 0)));
        assertThrows(IllegalArgumentException.class, () -> UnlearnMethods.create("slim", options(null, null, -1.0, null)));
    }

    @Test
    void aSweepGridKeepsLambdaAndIgStepsOnEveryPoint() {
        Sweep.Grid grid = new Sweep.Grid(List.of(1e-5, 0.1), List.of(1, 20), List.of(), options(null, null, 5.0, null));
        List<Unlearner> methods = Sweep.methods("hc", grid);
        assertEquals(4, methods.size());
        for (Unlearner method : methods) assertEquals(5.0, ((HardConcrete.Params) method.params()).lambda());
        Sweep.Grid ig = new Sweep.Grid(List.of(1e-4, 1e-3), List.of(), List.of(), options(null, null, null, 1));
        for (Unlearner method : Sweep.methods("ig", ig)) assertEquals(1, ((IntegratedGradients.Params) method.params()).steps());
    }

    /** The hard-concrete gate's constants (β, r − l) survive the collector: dz/dlog α = (r − l)·s(1 − s)/β inside (0, 1). */
    @Test
    void hardConcreteGateGradientDoesNotReadFreedConstants() {
        float[] logAlpha = {0f, 1f, -1f};
        float[] u = {0.5f, 0.3f, 0.7f};
        java.util.function.Function<NDArray, NDArray> gate = a -> HardConcrete.gate(a, a.getManager().create(u));
        float[] calm = FreedMemory.gradient(logAlpha, new Shape(3), gate, false);
        for (int i = 0; i < u.length; i++) {
            double s = 1 / (1 + Math.exp(-(Math.log(u[i] / (1 - u[i])) + logAlpha[i]) / HardConcrete.BETA));
            double z = s * (HardConcrete.RIGHT - HardConcrete.LEFT) + HardConcrete.LEFT;
            assertTrue(z > 0 && z < 1, "gate " + i + " is inside the clip: " + z);
            assertEquals((HardConcrete.RIGHT - HardConcrete.LEFT) * s * (1 - s) / HardConcrete.BETA, calm[i], 1e-5, "gate " + i);
        }
        assertArrayEquals(calm, FreedMemory.gradient(logAlpha, new Shape(3), gate, true));
    }

    @Test
    void unitsPickedAmongEqualScoresAreCountedAsTied() {
        float[] allEqual = {0.9f, 0.9f, 0.9f, 0.5f}; // Slim after one Adam step: every coefficient at 1 − lr
        int[] top = NeuronUnlearner.top(allEqual, 2);
        assertArrayEquals(new int[] {0, 1}, top, "ties go to the lower index");
        assertEquals(2, NeuronAblation.tiedAtCut(allEqual, top));
        float[] oneTie = {1f, 0.5f, 0.5f};
        assertEquals(1, NeuronAblation.tiedAtCut(oneTie, NeuronUnlearner.top(oneTie, 2)), "unit 1 ties with unit 2, unit 0 does not");
        float[] separated = {3f, 2f, 1f};
        assertEquals(0, NeuronAblation.tiedAtCut(separated, NeuronUnlearner.top(separated, 1)));
        assertEquals(0, NeuronAblation.tiedAtCut(separated, NeuronUnlearner.top(separated, 3)), "nothing left in place");
        NeuronAblation ablation = new NeuronAblation(4, 2, List.of(top), 2, "", null);
        assertEquals(2, ablation.toJson().get("tied").getAsInt(), "unlearn.json reports it");
    }
}

