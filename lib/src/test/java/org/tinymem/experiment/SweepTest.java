package org.tinymem.experiment;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinymem.data.TinyMemData;
import org.tinymem.data.TrainRow;
import org.tinymem.eval.Scorecard;
import org.tinymem.unlearn.MemorizingModel;
import org.tinymem.unlearn.UnlearnMethods;
import org.tinymem.unlearn.UnlearnTokens;
import org.tinymem.unlearn.Unlearning;
import tech.tablesaw.api.Table;

class SweepTest {

    @Test
    void aGridIsRatioMajorAndKeepsTheBaseOptions() {
        UnlearnMethods.Options base = new UnlearnMethods.Options(null, null, null, 10.0, 3, 32, UnlearnTokens.ARTIFACT, null);
        Sweep.Grid grid = new Sweep.Grid(List.of(0.01, 0.05), List.of(1, 10), List.of(0.9), base);
        List<UnlearnMethods.Options> points = grid.points();
        assertEquals(4, points.size());
        assertEquals(0.01, points.get(1).ratio());
        assertEquals(10, points.get(1).epochs());
        assertEquals(0.05, points.get(2).ratio());
        points.forEach(p -> {
            assertEquals(10.0, p.learningRate());
            assertEquals(32, p.batchSize());
            assertEquals(UnlearnTokens.ARTIFACT, p.tokens());
            assertEquals(3, p.seed());
        });
        assertEquals(1, new Sweep.Grid(List.of(), List.of(), List.of(), UnlearnMethods.Options.defaults()).points().size());
        // epochs do not apply to durable: refused before anything runs
        assertThrows(IllegalArgumentException.class, () -> Sweep.methods("durable", grid));
    }

    @Test
    void aTinySweepMeasuresEveryPointAndSelectsTheBestScore() {
        MemorizingModel fixture = MemorizingModel.get();
        List<TrainRow> train = new ArrayList<>();
        fixture.clean.forEach(tokens -> train.add(new TrainRow(tokens, train.size(), TrainRow.Kind.CLEAN)));
        TinyMemData data = new TinyMemData("tiny", 14, 13, train, Map.of("add7", fixture.clean), fixture.probes, List.of());
        Unlearning.Baseline baseline = Unlearning.Baseline.of(fixture.model, data, org.tinymem.eval.MathMeasures.INSTANCE, 0, 0);
        List<Scorecard.Row> seen = new ArrayList<>();
        Sweep.Result result = Sweep.run(fixture.model, data, baseline, "durable",
                new Sweep.Grid(List.of(1e-3, 0.05), List.of(), List.of(), UnlearnMethods.Options.defaults()),
                Selection.Criterion.math(), seen::add);
        Table table = result.table();
        assertEquals(2, table.rowCount());
        assertEquals(result.rows(), seen);
        double best = Math.min(table.doubleColumn("score").get(0), table.doubleColumn("score").get(1));
        assertEquals(best, Selection.score(result.best().orElseThrow(), Selection.Kind.MATH), 1e-9);
        assertEquals(1, table.booleanColumn("selected").asList().stream().filter(b -> b).count());
        assertFalse(result.timeLimitWaived());
    }
}
