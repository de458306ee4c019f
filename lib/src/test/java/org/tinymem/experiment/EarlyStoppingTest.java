package org.tinymem.experiment;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tinymem.eval.MathMeasures;
import org.tinymem.model.CausalLm;
import org.tinymem.unlearn.Edit;
import org.tinymem.unlearn.MemorizingModel;
import org.tinymem.unlearn.TensorScope;
import org.tinymem.unlearn.UnlearnMethods;
import org.tinymem.unlearn.Unlearner;
import org.tinymem.unlearn.Unlearning;
import org.tinymem.unlearn.weight.BalancedSubnet;
import org.tinymem.unlearn.weight.Subnet;

/**
 * Evaluation while unlearning (issue 17, item 2) on the tiny memorizer, whose memorization is gone after
 * one epoch of Subnet while its accuracy keeps falling with more: the setting in which stopping and
 * keeping the best snapshot matter.
 */
class EarlyStoppingTest {
    static MemorizingModel fixture;
    static Unlearning.Baseline baseline;

    @BeforeAll
    static void measure() {
        fixture = MemorizingModel.get();
        baseline = Unlearning.Baseline.of(fixture.model, fixture.data, MathMeasures.INSTANCE, 0, 0);
    }

    private static Subnet.Params mask(int epochs) {
        return new Subnet.Params(0.05, epochs, 0.1, 0.9, 5e-4, 16, TensorScope.MLP, 7);
    }

    private static EarlyStopping.Evaluated run(EarlyStopping settings, Unlearner method, List<EarlyStopping.Point> seen) {
        return settings.apply(fixture.model, fixture.data, baseline, method, Selection.Criterion.math(), seen::add);
    }

    /** Evaluating a run that does not stop changes nothing: the same weights as the method without evaluation. */
    @Test
    void evaluationWithoutAStopGivesTheSameEditBitForBit() {
        BalancedSubnet method = new BalancedSubnet(new BalancedSubnet.Params(mask(3), 0.5));
        List<EarlyStopping.Point> seen = new ArrayList<>();
        try (Edit plain = method.unlearn(fixture.model, baseline.sets());
             EarlyStopping.Evaluated evaluated = run(new EarlyStopping(2, 100, 0.5, EarlyStopping.Keep.LAST), method, seen)) {
            assertSameWeights(plain.model(), evaluated.result().edit().model(), "balanced-subnet evaluated every 2 epochs");
            assertEquals(plain.ablated(), evaluated.result().edit().ablated());
            assertEquals(List.of(2, 3), evaluated.curve().stream().map(EarlyStopping.Point::epoch).toList(),
                    "every 2nd epoch and the last");
            assertEquals(evaluated.curve(), seen, "each evaluation is seen as it is made");
            assertNull(evaluated.stoppedAt());
            assertEquals(3, evaluated.epochs());
            assertEquals(3, evaluated.keptEpoch());
            assertEquals(fixture.probes.size(), evaluated.probesEvaluated(), "the fixture memorizes every probe");
            // the last evaluation measured the edit that is kept, as the full measures do
            EarlyStopping.Point last = evaluated.curve().get(1);
            assertEquals(evaluated.result().after().get(MathMeasures.PERCENT_MEMORIZED), last.percentMemorized(), 1e-9);
            assertEquals(evaluated.result().after().get(MathMeasures.ACCURACY), last.utility(), 1e-9);
            assertEquals(Selection.score(evaluated.result().row(), Selection.Kind.MATH), last.score(), 1e-9);
            assertTrue(evaluated.evaluationSeconds() > 0 && evaluated.result().edit().seconds() > 0);
        }
    }

    /**
     * Keep best returns the evaluated snapshot with the lowest M + |A| — here an early one, since accuracy
     * falls once memorization is gone — with the weights of a run of that many epochs; and the stopping
     * rule applied to the same curve stops where it says, with the edit of that epoch.
     */
    @Test
    void keepBestReturnsTheBestScoredSnapshotAndAStopEndsTheRunWhereTheRuleSays() {
        Subnet longest = new Subnet(mask(4));
        List<EarlyStopping.Point> curve;
        int keptEpoch;
        try (EarlyStopping.Evaluated best = run(new EarlyStopping(1, 100, 0.5, EarlyStopping.Keep.BEST), longest,
                new ArrayList<>())) {
            curve = best.curve();
            assertEquals(4, curve.size());
            assertNull(best.stoppedAt());
            EarlyStopping.Point bestPoint = curve.stream().min(Comparator.comparingDouble(EarlyStopping.Point::score)).orElseThrow();
            keptEpoch = best.keptEpoch();
            assertEquals(bestPoint.epoch(), keptEpoch);
            assertTrue(keptEpoch < 4, "accuracy falls after memorization is gone, so the best is not the last: " + curve);
            try (Edit separate = new Subnet(mask(keptEpoch)).unlearn(fixture.model, baseline.sets())) {
                assertSameWeights(separate.model(), best.result().edit().model(), "the kept snapshot");
            }
            assertEquals(bestPoint.utility(), best.result().after().get(MathMeasures.ACCURACY), 1e-9);
            assertEquals(bestPoint.seconds(), best.result().edit().seconds(), 0, "timed up to its epoch");
        }
        assertEquals(0, curve.get(0).percentMemorized(), "the fixture's memorization is gone after one epoch: " + curve);

        // patience 0: stop at the first evaluation with nothing memorized
        try (EarlyStopping.Evaluated stopped = run(new EarlyStopping(1, 0, 0.5, EarlyStopping.Keep.LAST), longest,
                new ArrayList<>())) {
            assertEquals(1, stopped.stoppedAt());
            assertEquals(1, stopped.curve().size());
            assertEquals(1, stopped.keptEpoch());
            try (Edit separate = new Subnet(mask(1)).unlearn(fixture.model, baseline.sets())) {
                assertSameWeights(separate.model(), stopped.result().edit().model(), "stopped after epoch 1");
            }
        }
        // patience 1 and a tolerance just above the move of A from epoch 2 to 3: flat there, not before
        double a1 = accuracyDifference(curve.get(0));
        double a2 = accuracyDifference(curve.get(1));
        double a3 = accuracyDifference(curve.get(2));
        double tolerance = Math.abs(a3 - a2) * 1.0001;
        int expected = Math.abs(a2 - a1) <= tolerance ? 2 : 3;
        try (EarlyStopping.Evaluated stopped = run(new EarlyStopping(1, 1, tolerance, EarlyStopping.Keep.LAST), longest,
                new ArrayList<>())) {
            assertEquals(expected, stopped.stoppedAt(), "A by epoch: " + a1 + ", " + a2 + ", " + a3);
            assertEquals(curve.subList(0, expected).stream().map(EarlyStopping.Point::utility).toList(),
                    stopped.curve().stream().map(EarlyStopping.Point::utility).toList(), "the same run up to the stop");
            try (Edit separate = new Subnet(mask(expected)).unlearn(fixture.model, baseline.sets())) {
                assertSameWeights(separate.model(), stopped.result().edit().model(), "stopped after epoch " + expected);
            }
        }
    }

    @Test
    void badSettingsAndMethodsWithoutEvaluationAreClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(0, 3, 0.5, EarlyStopping.Keep.LAST));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(1, -1, 0.5, EarlyStopping.Keep.LAST));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(1, 3, Double.NaN, EarlyStopping.Keep.LAST));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(1, 3, -1, EarlyStopping.Keep.LAST));
        IllegalArgumentException keep = assertThrows(IllegalArgumentException.class, () -> EarlyStopping.Keep.parse("first"));
        assertTrue(keep.getMessage().contains("best or last"), keep.getMessage());
        assertEquals(EarlyStopping.Keep.BEST, EarlyStopping.Keep.parse("best"));
        assertEquals(List.of("subnet", "balanced-subnet"), EarlyStopping.supportedMethods());
        Unlearner greedy = UnlearnMethods.create("greedy", UnlearnMethods.Options.defaults());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> EarlyStopping.defaults().apply(fixture.model, fixture.data, baseline, greedy, Selection.Criterion.math(), p -> {}));
        assertTrue(refused.getMessage().contains("subnet, balanced-subnet") && refused.getMessage().contains("greedy"),
                refused.getMessage());
    }

    private static double accuracyDifference(EarlyStopping.Point point) {
        double before = baseline.measures().get(MathMeasures.ACCURACY);
        return 100 * (point.utility() - before) / before;
    }

    private static void assertSameWeights(CausalLm expected, CausalLm actual, String what) {
        for (String name : expected.parameters().keySet()) {
            assertArrayEquals(expected.parameters().get(name).toFloatArray(), actual.parameters().get(name).toFloatArray(), 0f,
                    what + " " + name);
        }
    }
}
