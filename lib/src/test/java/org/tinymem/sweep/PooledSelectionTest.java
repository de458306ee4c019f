package org.tinymem.sweep;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.cli.TinyMemCli;
import org.tinymem.data.Artifact;
import org.tinymem.experiment.RunSpec;
import org.tinymem.experiment.TrainRun;
import org.tinymem.train.Profile;
import org.tinymem.util.Json;

/**
 * {@code sweep collect --pooled}: one setting for several models, chosen by the mean of the paper's score
 * (M + |A|) over them, from hand-made results whose scores are known. Per model the paper's rule picks
 * other settings; a setting missing on one model cannot be chosen however good its one run.
 */
class PooledSelectionTest {
    @TempDir
    Path dir;

    /** A finished BalancedSubnet result: % memorized and accuracy before and after. */
    private static JsonObject result(double memBefore, double memAfter, double accBefore, double accAfter) {
        return result(memBefore, memAfter, accBefore, accAfter, 1.0);
    }

    private static JsonObject result(double memBefore, double memAfter, double accBefore, double accAfter, double seconds) {
        JsonObject before = new JsonObject();
        before.addProperty("percent_memorized", memBefore);
        before.addProperty("accuracy", accBefore);
        JsonObject after = new JsonObject();
        after.addProperty("percent_memorized", memAfter);
        after.addProperty("accuracy", accAfter);
        JsonObject json = new JsonObject();
        json.addProperty("method", "balanced-subnet");
        json.addProperty("parameters", "hand-made");
        json.add("before", before);
        json.add("after", after);
        json.addProperty("ablated", 100);
        json.addProperty("unit", "weights");
        json.addProperty("seconds", seconds);
        return json;
    }

    /** A quick math-mult run directory with only its spec: enough for the selection rule of its kind. */
    private Path model(String name, Artifact.Kind artifact) throws Exception {
        Path model = Files.createDirectories(dir.resolve(name));
        Json.write(model.resolve(TrainRun.SPEC), new RunSpec("math-mult", artifact, 4, Profile.QUICK, 0).toJson());
        return model;
    }

    private static SweepPlan.Draft balancedSubnet(Path model, String ratio) {
        return new SweepPlan.Draft(Plans.MITIGATE, "unlearn", List.of("--model", model.toString(), "--method",
                "balanced-subnet", "--ratio", ratio, "--epochs", "20", "--seed", "0", "--retain-rows", "0"));
    }

    @Test
    void theSettingWithTheBestMeanScoreOverEveryModelIsSelected() throws Exception {
        Path a = model("noise-model", Artifact.Kind.NOISE);
        Path b = model("backdoor-model", Artifact.Kind.BACKDOOR);
        List<SweepPlan.Draft> drafts = new ArrayList<>();
        for (Path model : List.of(a, b)) {
            for (String ratio : model == a ? List.of("0.05", "0.1", "0.3") : List.of("0.05", "0.1")) {
                drafts.add(balancedSubnet(model, ratio));
            }
        }
        SweepPlan plan = SweepPlan.of(dir.resolve("sweep"), drafts);
        plan.write();
        // model a: 80 % memorized at 90 % accuracy; model b: 50 % at 80 %. Scores M + |A| (both in %):
        JsonObject[] results = {
            result(80, 0, 90, 88.2), // a, 0.05: -100 + 2 = -98
            result(80, 0, 90, 86.4), // a, 0.1:  -100 + 4 = -96
            result(80, 0, 90, 89.1), // a, 0.3:  -100 + 1 = -99 (best on a, but never run on b)
            result(50, 5, 80, 79.2), // b, 0.05: -90 + 1 = -89
            result(50, 0, 80, 78.4), // b, 0.1:  -100 + 2 = -98 (best on b)
        };
        for (int i = 0; i < results.length; i++) {
            Files.createDirectories(plan.result(plan.entry(i)));
            Json.write(plan.result(plan.entry(i)).resolve("unlearn.json"), results[i]);
        }
        ResultStore store = new ResultStore(plan);
        List<Map<String, String>> all = SweepResults.rows(store);

        List<Map<String, String>> perModel = SweepResults.selected(store, all);
        assertEquals(List.of("0.3", "0.1"), perModel.stream().map(r -> r.get("ratio")).toList(), "the paper's rule, per model");

        List<Map<String, String>> pooled = SweepResults.pooled(store, all, "percent_memorized");
        assertEquals(3, pooled.size(), "one row per setting");
        Map<String, String> r05 = pooled.get(0);
        Map<String, String> r1 = pooled.get(1);
        Map<String, String> r3 = pooled.get(2);
        assertEquals("--method balanced-subnet --ratio 0.05 --epochs 20 --retain-rows 0", r05.get("setting"));
        assertEquals(-93.5, Double.parseDouble(r05.get("mean_score")), 1e-9);
        assertEquals(5.0, Double.parseDouble(r05.get("max_after_percent_memorized")), 1e-12);
        assertEquals(2.0, Double.parseDouble(r05.get("max_abs_accuracy_difference")), 1e-9);
        assertEquals(-97.0, Double.parseDouble(r1.get("mean_score")), 1e-9);
        assertEquals("true", r1.get("selected"), "ratio 0.1 has the best mean over both models");
        assertEquals("false", r05.get("selected"));
        assertEquals(List.of("1", "2", "false", "false"), List.of(r3.get("runs"), r3.get("subjects"), r3.get("complete"), r3.get("selected")),
                "a setting without a run on every model is listed, not selected");

        // the command writes pooled.csv beside results.csv and keeps the per-model selection as it was
        assertEquals(0, TinyMemCli.run("sweep", "collect", plan.dir().toString(), "--pooled"));
        List<String> lines = Files.readAllLines(plan.dir().resolve("pooled.csv"));
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(2).contains("--ratio 0.1 ") && lines.get(2).endsWith(",true"), lines.get(2));
        assertEquals(3, Files.readAllLines(plan.dir().resolve("selected.csv")).size());
    }

    /**
     * A sweep whose runs all removed everything and lost nothing has whole-number measures only (M = -100.0, A = 0.0);
     * the notebooks' table still has them as double columns (Tablesaw alone made them integer columns, and notebook
     * 06's doubleColumn("memorization_difference") failed), while indices and counts stay integers.
     */
    @Test
    void wholeNumberMeasuresAreStillDoubleColumnsInTheNotebooksTable() throws Exception {
        Path model = model("whole-model", Artifact.Kind.NOISE);
        SweepPlan plan = SweepPlan.of(dir.resolve("whole"), List.of(balancedSubnet(model, "0.05"), balancedSubnet(model, "0.1")));
        plan.write();
        for (int i = 0; i < 2; i++) {
            Files.createDirectories(plan.result(plan.entry(i)));
            JsonObject json = result(80, 0, 90, 90, 2);
            json.addProperty("memorization_difference", -100.0); // as UnlearnRuns.record writes them
            json.addProperty("accuracy_difference", 0.0);
            Json.write(plan.result(plan.entry(i)).resolve("unlearn.json"), json);
        }
        tech.tablesaw.api.Table table = SweepResults.table(new ResultStore(plan));
        assertEquals(List.of(-100.0, -100.0), table.doubleColumn("memorization_difference").asList());
        assertEquals(List.of(0.0, 0.0), table.doubleColumn("accuracy_difference").asList());
        assertEquals(2.0, table.doubleColumn("seconds").get(1), 0);
        assertEquals(tech.tablesaw.api.ColumnType.INTEGER, table.column("index").type(), "indices stay integers");
        assertEquals(tech.tablesaw.api.ColumnType.INTEGER, table.column("ablated").type(), "a count written as an integer");
        assertEquals(tech.tablesaw.api.ColumnType.STRING, table.column("unit").type());
        assertEquals(java.util.Set.of("ratio", "memorization_difference"),
                new java.util.HashSet<>(SweepResults.decimalColumns(List.of(
                        Map.of("ratio", "0.05", "memorization_difference", "-100.0", "index", "3", "unit", "weights"),
                        Map.of("ratio", "0.1", "memorization_difference", "", "index", "4", "unit", "1.5")))),
                "a column with text in it is never forced to numbers; blanks are allowed");
    }

    /** Fields two objects deep become columns: a neuron run's shared attribution (reused, seconds) is one. */
    @Test
    void nestedResultFieldsBecomeColumnsTwoLevelsDeep() throws Exception {
        SweepPlan plan = SweepPlan.of(dir.resolve("nested"), List.of(balancedSubnet(model("nested-model", Artifact.Kind.NOISE), "0.1")));
        plan.write();
        JsonObject json = result(80, 0, 90, 88.2);
        JsonObject attribution = new JsonObject();
        attribution.addProperty("reused", true);
        attribution.addProperty("seconds", 385.8);
        JsonObject neurons = new JsonObject();
        neurons.addProperty("per_layer", 5);
        neurons.add("attribution", attribution);
        neurons.add("units", new com.google.gson.JsonArray()); // arrays are not columns
        json.add("neurons", neurons);
        Files.createDirectories(plan.result(plan.entry(0)));
        Json.write(plan.result(plan.entry(0)).resolve("unlearn.json"), json);
        Map<String, String> row = SweepResults.rows(new ResultStore(plan)).get(0);
        assertEquals("5", row.get("neurons_per_layer"));
        assertEquals("true", row.get("neurons_attribution_reused"));
        assertEquals(385.8, Double.parseDouble(row.get("neurons_attribution_seconds")), 1e-12);
        assertFalse(row.containsKey("neurons_units"));
    }

    /**
     * The paper's inclusion rule holds for pooled settings too: a setting one of whose runs took longer
     * than its model's Extra fine-tune is passed over for a slower-scoring one in time; when no setting is
     * in time the rule is waived.
     */
    @Test
    void aSettingSlowerThanAModelsExtraFineTuneIsPassedOver() throws Exception {
        Path a = model("noise-model", Artifact.Kind.NOISE);
        Path b = model("backdoor-model", Artifact.Kind.BACKDOOR);
        List<SweepPlan.Draft> drafts = new ArrayList<>();
        for (Path model : List.of(a, b)) {
            drafts.add(new SweepPlan.Draft(Plans.MITIGATE, "finetune", List.of("--model", model.toString(), "--recipe", "extra")));
            for (String ratio : List.of("0.05", "0.1")) {
                drafts.add(balancedSubnet(model, ratio));
            }
        }
        SweepPlan plan = SweepPlan.of(dir.resolve("sweep"), drafts);
        plan.write();
        JsonObject extra = new JsonObject();
        extra.addProperty("seconds", 100.0);
        JsonObject[] results = {
            extra, // a's Extra fine-tune: 100 s
            result(80, 0, 90, 88.2, 50), // a, 0.05: -98, in time
            result(80, 0, 90, 89.1, 50), // a, 0.1: -99, in time
            extra, // b's: 100 s
            result(50, 0, 80, 78.4, 50), // b, 0.05: -98, in time
            result(50, 0, 80, 79.2, 150), // b, 0.1: -99, slower than b's Extra fine-tune
        };
        for (int i = 0; i < results.length; i++) {
            Files.createDirectories(plan.result(plan.entry(i)));
            Json.write(plan.result(plan.entry(i)).resolve(i % 3 == 0 ? "finetune.json" : "unlearn.json"), results[i]);
        }
        ResultStore store = new ResultStore(plan);
        List<Map<String, String>> pooled = SweepResults.pooled(store, SweepResults.rows(store), "percent_memorized");
        assertEquals(2, pooled.size());
        assertEquals(List.of("-98.0", "-99.0"), pooled.stream().map(r -> r.get("mean_score")).toList());
        assertEquals(List.of("true", "false"), pooled.stream().map(r -> r.get("in_time")).toList());
        assertEquals(List.of("true", "false"), pooled.stream().map(r -> r.get("selected")).toList(),
                "the better mean is passed over: one of its runs exceeded its model's time limit");

        // both settings too slow on model b: the limit is waived and the better mean wins
        Json.write(plan.result(plan.entry(4)).resolve("unlearn.json"), result(50, 0, 80, 78.4, 150));
        store = new ResultStore(plan);
        pooled = SweepResults.pooled(store, SweepResults.rows(store), "percent_memorized");
        assertEquals(List.of("false", "false"), pooled.stream().map(r -> r.get("in_time")).toList());
        assertEquals(List.of("false", "true"), pooled.stream().map(r -> r.get("selected")).toList());
    }
}
