package org.tinymem.unlearn;

import org.tinymem.eval.MathMeasures;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinymem.data.TinyMemData;
import org.tinymem.data.TrainRow;
import org.tinymem.eval.Scorecard;
import org.tinymem.model.Gpt;
import org.tinymem.unlearn.weight.Durable;
import tech.tablesaw.api.Table;

class UnlearningTest {

    /** The fixture as TinyMemData: noise rows, clean rows, the probes, and the clean rows as the test set. */
    private static TinyMemData data(MemorizingModel fixture) {
        List<TrainRow> train = new java.util.ArrayList<>();
        fixture.clean.forEach(tokens -> train.add(new TrainRow(tokens, train.size(), TrainRow.Kind.CLEAN)));
        return new TinyMemData("tiny", 14, 13, train, Map.of("add7", fixture.clean), fixture.probes, List.of());
    }

    @Test
    void aSweepMeasuresEveryRatioAgainstOneBaseline() {
        MemorizingModel fixture = MemorizingModel.get();
        Table table = Unlearning.sweepRatios(fixture.model, data(fixture), MathMeasures.INSTANCE,
                ratio -> new Durable(new Durable.Params(ratio, 64, TensorScope.MLP)), 1e-3, 0.05);
        assertEquals(2, table.rowCount());
        assertEquals(table.doubleColumn("memorized_before").get(0), table.doubleColumn("memorized_before").get(1));
        assertTrue(table.doubleColumn("M").get(1) < 0, "the larger ratio removes memorization: " + table.print());
        assertTrue(table.longColumn("ablated").get(0) < table.longColumn("ablated").get(1));
        Scorecard.Row row = Unlearning.run(fixture.model, data(fixture), MathMeasures.INSTANCE, UnlearnMethods.create("durable",
                new UnlearnMethods.Options(0.05, null, null, null, 0)));
        assertEquals(table.doubleColumn("memorized_after").get(1), row.memorizedAfter());
    }

    @Test
    void aModelThatMemorizesNothingIsRefusedClearly() {
        MemorizingModel fixture = MemorizingModel.get();
        try (NDManager manager = NDManager.newBaseManager(); Gpt fresh = Gpt.initialize(MemorizingModel.CONFIG, 9, manager)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> UnlearnSets.of(fresh, data(fixture), 0, 0));
            assertTrue(e.getMessage().contains("nothing to unlearn"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new UnlearnSets(fixture.sets.unlearn(), List.of()));
    }

    @Test
    void methodsAreFoundByNameAndBadOptionsAreRefused() {
        assertEquals(List.of("greedy", "durable", "durable-agg", "sou", "subnet", "balanced-subnet", "zero", "act",
                "slim", "hc", "ig", "ga", "gd", "npo"), UnlearnMethods.names());
        for (String name : UnlearnMethods.names()) {
            assertEquals(name, UnlearnMethods.create(name, UnlearnMethods.Options.defaults()).method());
        }
        assertThrows(IllegalArgumentException.class, () -> UnlearnMethods.create("lobotomy", UnlearnMethods.Options.defaults()));
        for (double ratio : new double[] {0, -0.1, 1.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class,
                    () -> UnlearnMethods.create("subnet", new UnlearnMethods.Options(ratio, null, null, null, 0)));
        }
        assertThrows(IllegalArgumentException.class,
                () -> UnlearnMethods.create("sou", new UnlearnMethods.Options(null, 10, null, null, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> UnlearnMethods.create("balanced-subnet", new UnlearnMethods.Options(null, null, 1.5, null, 0)));
    }
}
