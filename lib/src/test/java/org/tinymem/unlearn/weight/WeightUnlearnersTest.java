package org.tinymem.unlearn.weight;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tinymem.eval.Memorization;
import org.tinymem.model.Gpt;
import org.tinymem.unlearn.Edit;
import org.tinymem.unlearn.Mask;
import org.tinymem.unlearn.MemorizingModel;
import org.tinymem.unlearn.TensorScope;
import org.tinymem.unlearn.Unlearner;

class WeightUnlearnersTest {
    static MemorizingModel fixture;

    @BeforeAll
    static void train() {
        fixture = MemorizingModel.get();
        assertTrue(Memorization.measure(fixture.model, fixture.probes).memorized() >= 6, "the fixture memorizes");
    }

    /** Each method with settings that bite on the tiny model, and whether its count is global. */
    static Stream<Object[]> methods() {
        Subnet.Params subnet = new Subnet.Params(0.05, 10, 0.1, 0.9, 5e-4, 64, TensorScope.MLP, 0);
        return Stream.of(
                new Object[] {new Greedy(new Greedy.Params(2e-3, 16, TensorScope.MLP, 0)), true},
                new Object[] {new Durable(new Durable.Params(0.02, 64, TensorScope.MLP)), false},
                new Object[] {new DurableAgg(new Durable.Params(0.02, 64, TensorScope.MLP)), true},
                new Object[] {new SecondOrder(new SecondOrder.Params(0.02, 50, 1e-7, 512, TensorScope.MLP)), false},
                new Object[] {new Subnet(subnet), false},
                new Object[] {new BalancedSubnet(new BalancedSubnet.Params(subnet, 0.5)), false});
    }

    @ParameterizedTest
    @MethodSource("methods")
    void lowersMemorizationAblatesWhatTheRatioAsksAndLeavesTheOriginal(Unlearner method, boolean global) {
        Gpt original = fixture.model;
        Map<String, float[]> before = MemorizingModel.snapshot(original);
        int memorizedBefore = Memorization.measure(original, fixture.probes).memorized();
        List<String> names = original.mlpParameterNames();
        try (Edit edit = method.unlearn(original, fixture.sets)) {
            int memorizedAfter = Memorization.measure(edit.model(), fixture.probes).memorized();
            assertTrue(memorizedAfter < memorizedBefore, method.method() + ": " + memorizedBefore + " → " + memorizedAfter);
            long expected = global
                    ? Mask.count(method.params().ratio(), names.stream().mapToLong(n -> original.parameters().get(n).size()).sum())
                    : names.stream().mapToLong(n -> Mask.count(method.params().ratio(), original.parameters().get(n).size())).sum();
            assertEquals(expected, edit.ablated(), method.method());
            assertEquals(expected, MemorizingModel.zeros(edit.model().parameters(), names), "zeros in the edited model");
            assertTrue(edit.seconds() > 0);
        }
        Map<String, float[]> after = MemorizingModel.snapshot(original);
        before.forEach((name, values) -> assertArrayEquals(values, after.get(name), 0f, "original changed: " + name));
    }
}
