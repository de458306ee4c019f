package org.tinymem.unlearn;

import org.tinymem.eval.MathMeasures;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.notebook.UnlearningResults;
import org.tinymem.unlearn.weight.Durable;
import org.tinymem.unlearn.weight.DurableAgg;
import tech.tablesaw.api.Table;

class UnlearnRunsTest {

    @Test
    void aRunIsMeasuredOnceThenReadBackUntilItsSettingChanges(@TempDir Path dir) throws Exception {
        MemorizingModel fixture = MemorizingModel.get();
        UnlearnRuns runs = new UnlearnRuns(dir, "tiny", fixture.model, fixture.data, MathMeasures.INSTANCE);
        Durable durable = new Durable(new Durable.Params(0.05, 64, TensorScope.MLP));
        UnlearnRuns.Run first = runs.run("paper", durable, 0);
        assertFalse(first.reused());
        assertTrue(first.row().memorizedAfter() < first.row().memorizedBefore(), first.row().toString());
        Path file = dir.resolve("durable-paper-r0.05").resolve(UnlearnRuns.RESULT);
        assertTrue(Files.isRegularFile(file));

        UnlearnRuns.Run again = new UnlearnRuns(dir, "tiny", fixture.model, fixture.data, MathMeasures.INSTANCE).run("paper", durable, 0);
        assertTrue(again.reused());
        assertEquals(first.row(), again.row());

        // another retain size: measured again, and the record replaced
        assertFalse(runs.run("paper", durable, 5).reused());
        assertTrue(runs.run("paper", durable, 5).reused());
        // other weights: measured again
        try (var changed = fixture.model.copy()) {
            changed.parameters().values().iterator().next().muli(1.0001f); // still memorizes, other weights
            assertFalse(new UnlearnRuns(dir, "tiny", changed, fixture.data, MathMeasures.INSTANCE).run("paper", durable, 5).reused());
        }
        assertFalse(runs.run("paper", durable, 5).reused());
        // a damaged record is measured again
        Files.writeString(file, "{ not json");
        assertFalse(runs.run("paper", durable, 0).reused());

        UnlearnRuns.Run aggregated = runs.run("paper", new DurableAgg(new Durable.Params(0.05, 64, TensorScope.MLP)), 0);
        Table table = UnlearningResults.table("runs", List.of(first, aggregated));
        assertEquals(2, table.rowCount());
        assertEquals(List.of("durable", "durable-agg"), table.stringColumn("method").asList());
        assertEquals(first.row().memorizationDifference(), table.doubleColumn("M (%)").get(0), 1e-12);
        Table table1 = UnlearningResults.table1("Table 1", List.of(first, aggregated));
        assertEquals(List.of("Baseline model", "durable", "durable-agg"), table1.stringColumn("method").asList());
        assertEquals(first.row().memorizedBefore(), table1.doubleColumn("% Mem ↓").get(0), 1e-12);
        assertEquals(aggregated.row().memorizedAfter(), table1.doubleColumn("% Mem ↓").get(2), 1e-12);
        // every run row has its energy and carbon (Eq. 4-5) from its seconds; the baseline row has none
        org.tinymem.eval.Energy energy = org.tinymem.eval.Energy.current();
        assertEquals(energy.wattHours(aggregated.row().seconds()), table1.doubleColumn("Energy (Wh) ↓").get(2), 1e-12);
        assertEquals(energy.carbonGrams(energy.wattHours(aggregated.row().seconds())), table1.doubleColumn("Carbon (g) ↓").get(2), 1e-12);
        assertTrue(table1.doubleColumn("Energy (Wh) ↓").isMissing(0), "the baseline row has no time, so no energy");
        assertTrue(table.doubleColumn("energy_wh").get(0) > 0);
        assertEquals(2, UnlearningResults.scatter("M vs A", List.of(first, aggregated)).getTraces().length);
    }

    /** A ladder of epoch counts gives the separate runs' numbers, saves a record per count and reads them back. */
    @Test
    void runsThatDifferOnlyInEpochsShareOneRunAndGiveTheSameNumbers(@TempDir Path dir) {
        MemorizingModel fixture = MemorizingModel.get();
        List<Integer> epochs = List.of(1, 3);
        List<org.tinymem.unlearn.weight.BalancedSubnet> methods = epochs.stream().map(e -> new org.tinymem.unlearn.weight.BalancedSubnet(
                new org.tinymem.unlearn.weight.BalancedSubnet.Params(new org.tinymem.unlearn.weight.Subnet.Params(0.05, e, 0.1, 0.9, 5e-4,
                        16, TensorScope.MLP, 2), 0.5))).toList();
        List<String> settings = List.of("e1", "e3");
        UnlearnRuns shared = new UnlearnRuns(dir.resolve("shared"), "tiny", fixture.model, fixture.data, MathMeasures.INSTANCE);
        List<UnlearnRuns.Run> ladder = shared.runLadder(methods.get(1), epochs, List.copyOf(methods), settings, 0);
        UnlearnRuns separate = new UnlearnRuns(dir.resolve("separate"), "tiny", fixture.model, fixture.data, MathMeasures.INSTANCE);
        for (int i = 0; i < epochs.size(); i++) {
            UnlearnRuns.Run alone = separate.run(settings.get(i), methods.get(i), 0);
            assertFalse(ladder.get(i).reused());
            assertEquals(alone.row().memorizedAfter(), ladder.get(i).row().memorizedAfter(), 0, settings.get(i));
            assertEquals(alone.row().performanceAfter(), ladder.get(i).row().performanceAfter(), 0, settings.get(i));
            assertEquals(alone.row().ablated(), ladder.get(i).row().ablated(), settings.get(i));
            assertEquals(alone.after(), ladder.get(i).after(), settings.get(i));
        }
        List<UnlearnRuns.Run> again = new UnlearnRuns(dir.resolve("shared"), "tiny", fixture.model, fixture.data, MathMeasures.INSTANCE)
                .runLadder(methods.get(1), epochs, List.copyOf(methods), settings, 0);
        assertTrue(again.stream().allMatch(UnlearnRuns.Run::reused));
        assertEquals(ladder.get(1).row(), again.get(1).row());
        assertThrows(IllegalArgumentException.class, () -> shared.runLadder(methods.get(1), epochs, List.copyOf(methods), List.of("e1"), 0));
    }

    /**
     * runAll groups a grid's epoch counts into one ladder per setting (here gd at two rates), reads back a record
     * that exists, runs the rest, and returns the runs in the given order with the numbers of separate runs.
     */
    @Test
    void runAllSharesEpochCountsOfALadderMethodAndKeepsTheOrder(@TempDir Path dir) throws Exception {
        MemorizingModel fixture = MemorizingModel.get();
        List<String> settings = new java.util.ArrayList<>();
        List<Unlearner> methods = new java.util.ArrayList<>();
        for (double lr : new double[] {1e-3, 1e-2}) {
            for (int e : new int[] {1, 2}) {
                settings.add("gd-e" + e + "-lr" + lr);
                methods.add(UnlearnMethods.create("gd", new UnlearnMethods.Options(null, e, null, lr, 0)));
            }
        }
        settings.add("act");
        methods.add(UnlearnMethods.create("act", new UnlearnMethods.Options(0.05, null, null, null, 0)));
        assertEquals(2, UnlearnRuns.epochsOf(methods.get(1)));
        assertEquals(0, UnlearnRuns.epochsOf(methods.get(4)));

        UnlearnRuns separate = new UnlearnRuns(dir.resolve("separate"), "tiny", fixture.model, fixture.data, MathMeasures.INSTANCE);
        List<UnlearnRuns.Run> alone = new java.util.ArrayList<>();
        for (int i = 0; i < methods.size(); i++) alone.add(separate.run(settings.get(i), methods.get(i), 0));

        UnlearnRuns grid = new UnlearnRuns(dir.resolve("grid"), "tiny", fixture.model, fixture.data, MathMeasures.INSTANCE);
        grid.run(settings.get(0), methods.get(0), 0); // a record from an earlier, separate run
        List<UnlearnRuns.Run> runs = grid.runAll(settings, methods, 0, org.tinymem.util.Progress.silent());
        assertEquals(settings, runs.stream().map(UnlearnRuns.Run::setting).toList());
        assertEquals(List.of(true, false, false, false, false), runs.stream().map(UnlearnRuns.Run::reused).toList());
        for (int i = 0; i < runs.size(); i++) {
            assertEquals(alone.get(i).after(), runs.get(i).after(), settings.get(i));
            assertEquals(alone.get(i).row().ablated(), runs.get(i).row().ablated(), settings.get(i));
        }
        String note = com.google.gson.JsonParser.parseString(Files.readString(dir.resolve("grid")
                .resolve(UnlearnRuns.directoryName("gd", "gd-e1-lr0.01", 1)).resolve(UnlearnRuns.RESULT))).getAsJsonObject()
                .get("epoch_ladder").getAsString();
        assertTrue(note.contains("one run to 2 epochs"), note);
    }

    /** Selecting by approximate memorization changes the winner when an edit only breaks the exact match. */
    @Test
    void aRecordCanBeScoredByAnApproximateMemorizationMeasure() {
        String shallow = record("shallow", 10, 90, 20);  // exact match gone, continuations still close
        String deep = record("deep", 30, 10, 25);        // some exact matches left, the rest far away
        var rows = java.util.stream.Stream.of(shallow, deep).map(s -> com.google.gson.JsonParser.parseString(s).getAsJsonObject()).toList();
        var exact = rows.stream().map(UnlearnRuns::row).toList();
        var approx = rows.stream().map(j -> UnlearnRuns.row(j, org.tinymem.eval.Measures.PERCENT_APPROX_MEMORIZED)).toList();
        assertEquals(-90, exact.get(0).memorizationDifference(), 1e-9);
        assertEquals(-10, approx.get(0).memorizationDifference(), 1e-9);
        var criterion = org.tinymem.experiment.Selection.Criterion.language();
        assertEquals("shallow", org.tinymem.experiment.Selection.best(exact, criterion).orElseThrow().parameters());
        assertEquals("deep", org.tinymem.experiment.Selection.best(approx, criterion).orElseThrow().parameters());
        String error = assertThrows(IllegalArgumentException.class,
                () -> UnlearnRuns.row(rows.get(0), org.tinymem.eval.Measures.EDIT_DISTANCE)).getMessage();
        assertTrue(error.contains("edit_distance") && error.contains("percent_approx_memorized"), error);
        var old = com.google.gson.JsonParser.parseString(shallow.replace("\"percent_approx_memorized\": 90.0,", "")
                .replace("\"percent_approx_memorized\": 100.0,", "")).getAsJsonObject();
        error = assertThrows(IllegalArgumentException.class,
                () -> UnlearnRuns.row(old, org.tinymem.eval.Measures.PERCENT_APPROX_MEMORIZED)).getMessage();
        assertTrue(error.contains("run it again"), error);
    }

    /** An unlearn.json with exact % memorized 100 → exact, approx 100 → approx and perplexity 100 → ppl. */
    private static String record(String name, double exact, double approx, double ppl) {
        return """
                {"method": "m", "parameters": "%s", "ablated": 5, "unit": "weights", "seconds": 1.0,
                 "performance_measure": "perplexity",
                 "before": {"percent_memorized": 100.0, "percent_approx_memorized": 100.0, "perplexity": 100.0},
                 "after": {"percent_memorized": %.1f, "percent_approx_memorized": %.1f, "perplexity": %.1f}}
                """.formatted(name, exact, approx, 100 + ppl);
    }
}
