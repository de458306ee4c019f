package org.tinymem.unlearn.neuron;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tinymem.model.Gpt;
import org.tinymem.model.Intervention;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.model.TokenBatch;

/** Every neuron method finds the one unit that carries the memorized continuation of {@link OneUnitModel}. */
class OneUnitModelTest {

    static Stream<NeuronUnlearner> methods() {
        return Stream.of(new Zero(new Zero.Params(0.05, 256)), new Act(new Act.Params(0.05, 64)),
                new Slim(new Slim.Params(0.05, 20, 1, 1e-2, 64)),
                new HardConcrete(new HardConcrete.Params(0.05, 20, 1, 1e-2, 64, 0.5, 0)),
                new IntegratedGradients(new IntegratedGradients.Params(0.05, 20, 64)));
    }

    @org.junit.jupiter.api.Test
    void theUnitAloneCarriesTheContinuation() {
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = OneUnitModel.build(manager)) {
            double with = targetProbability(model, Intervention.NONE);
            double without = targetProbability(model, new Intervention() {
                @Override
                public NDArray mlpHidden(int layer, NDArray hidden) {
                    if (layer != OneUnitModel.LAYER) return hidden;
                    float[] keep = new float[(int) hidden.getShape().get(2)];
                    Arrays.fill(keep, 1f);
                    keep[OneUnitModel.UNIT] = 0f;
                    return hidden.mul(hidden.getManager().create(keep));
                }
            });
            System.out.printf("OneUnitModel: p(target) %.3f with the unit, %.3f without%n", with, without);
            assertTrue(with > 0.5, "memorized: " + with);
            assertTrue(without < 0.2, "at about chance without the unit: " + without);
        }
    }

    @ParameterizedTest
    @MethodSource("methods")
    void everyMethodRanksTheCarryingUnitFirst(NeuronUnlearner method) {
        try (NDManager manager = NDManager.newBaseManager(); Gpt model = OneUnitModel.build(manager)) {
            float[][] scores = method.attribute(model, OneUnitModel.sets());
            float[] layer = scores[OneUnitModel.LAYER];
            int[] order = NeuronUnlearner.top(layer, layer.length);
            System.out.printf("%s: unit %d scores %.4g; next %d scores %.4g; block 0 max %.4g%n", method.method(),
                    OneUnitModel.UNIT, layer[OneUnitModel.UNIT], order[1], layer[order[1]],
                    scores[0][NeuronUnlearner.top(scores[0], 1)[0]]);
            assertEquals(OneUnitModel.UNIT, order[0], method.method() + " ranks " + Arrays.toString(Arrays.copyOf(order, 5)));
            assertTrue(layer[OneUnitModel.UNIT] > layer[order[1]], method.method() + ": strictly first, not a tie");
            float otherBlock = scores[0][NeuronUnlearner.top(scores[0], 1)[0]];
            assertTrue(layer[OneUnitModel.UNIT] > otherBlock, method.method() + ": above every unit of block 0 too");

            // ablating the top unit per block removes the memorized continuation
            long ablated = method.ablateInPlace(model, OneUnitModel.sets());
            assertEquals(2, ablated, "int(0.05 · 32) = 1 unit in each of 2 blocks");
            assertArrayEquals(new int[] {OneUnitModel.UNIT}, method.lastAblation().units().get(OneUnitModel.LAYER));
            assertTrue(targetProbability(model, Intervention.NONE) < 0.2);
        }
    }

    static double targetProbability(Gpt model, Intervention intervention) {
        try (NDManager scratch = model.manager().newSubManager()) {
            NDArray tokens = TokenBatch.pack(scratch, List.of(OneUnitModel.ROW), model.padToken());
            float[] nll = NextTokenLoss.of(model, tokens, intervention).nll().toFloatArray();
            return Math.exp(-nll[nll.length - 1]);
        }
    }
}
