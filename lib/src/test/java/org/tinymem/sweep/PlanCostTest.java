package org.tinymem.sweep;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCostTest {
    @TempDir
    Path dir;

    @Test
    void itemsGoToTheFirstFreeWorkerInPlanOrder() {
        assertEquals(6, PlanCost.makespan(List.of(3.0, 1.0, 1.0, 1.0), 1), 1e-12);
        assertEquals(3, PlanCost.makespan(List.of(3.0, 1.0, 1.0, 1.0), 2), 1e-12, "w1: 3; w2: 1+1+1");
        assertEquals(4, PlanCost.makespan(List.of(1.0, 1.0, 3.0), 2), 1e-12, "plan order, not longest first");
        assertEquals(0, PlanCost.makespan(List.of(), 3), 1e-12);
    }

    @Test
    void aPlanIsPricedByKindWithAnEpochLadderAsOneItem() {
        List<String> train = List.of("--data", "tiny-memorizer", "--artifact", "noise", "--layers", "2", "--profile", "smoke", "--seed", "0");
        List<SweepPlan.Draft> drafts = new ArrayList<>(List.of(Plans.training(train)));
        String model = "@{" + PlanEntry.keyOf("train", train) + "}";
        for (String epochs : List.of("1", "2", "3")) {
            drafts.add(new SweepPlan.Draft(Plans.MITIGATE, "unlearn", List.of("--model", model, "--method", "balanced-subnet",
                    "--epochs", epochs, "--seed", "0", "--retain-rows", "8")));
        }
        drafts.add(new SweepPlan.Draft(Plans.MITIGATE, "unlearn", List.of("--model", model, "--method", "zero", "--ratio", "0.1",
                "--seed", "0", "--retain-rows", "8")));
        drafts.add(Plans.fineTune(model, "clean"));
        SweepPlan plan = SweepPlan.of(dir, drafts);
        List<String> measured = new ArrayList<>();
        PlanCost.Estimate one = new PlanCost(plan, 2, measured::add).estimate(1);
        Map<String, PlanCost.Line> lines = new java.util.HashMap<>();
        one.lines().forEach(l -> lines.put(l.what(), l));
        assertEquals(new PlanCost.Line("unlearn balanced-subnet", 3, 1, lines.get("unlearn balanced-subnet").seconds()),
                lines.get("unlearn balanced-subnet"));
        assertEquals(1, lines.get("train").runs());
        assertEquals(1, lines.get("unlearn zero").items());
        assertEquals(1, lines.get("finetune clean").runs());
        for (PlanCost.Line l : one.lines()) assertTrue(l.seconds() > 0, l.toString());
        assertEquals(one.workSeconds(), one.wallSeconds(), 1e-9, "one worker: wall = work");
        assertEquals(List.of(0, 1), List.copyOf(one.stageSeconds().keySet()));
        assertTrue(measured.stream().anyMatch(m -> m.contains("balanced-subnet at 2 epoch(s) on an untrained model")), measured.toString());
        assertTrue(measured.stream().anyMatch(m -> m.contains("training step")), measured.toString());
        assertFalse(java.nio.file.Files.exists(dir.resolve(SweepPlan.FILE)), "an estimate writes nothing");
    }

    @Test
    void aNeuronMethodsRatiosShareOneAttributionGroup() {
        java.util.function.BiFunction<String, List<String>, PlanEntry> unlearn = (method, more) -> {
            List<String> args = new ArrayList<>(List.of("--model", "M", "--method", method));
            args.addAll(more);
            return PlanEntry.of(0, 1, "unlearn", args);
        };
        String zeroLow = PlanCost.attributionGroup(unlearn.apply("zero", List.of("--ratio", "0.01", "--seed", "0")));
        assertEquals(zeroLow, PlanCost.attributionGroup(unlearn.apply("zero", List.of("--ratio", "0.1", "--seed", "0"))));
        assertEquals("--model M --method zero --seed 0", zeroLow);
        assertNotEquals(PlanCost.attributionGroup(unlearn.apply("slim", List.of("--ratio", "0.01", "--epochs", "10"))),
                PlanCost.attributionGroup(unlearn.apply("slim", List.of("--ratio", "0.01", "--epochs", "20"))), "epochs change the scores");
        assertNotEquals(zeroLow, PlanCost.attributionGroup(unlearn.apply("act", List.of("--ratio", "0.01", "--seed", "0"))));
        assertNull(PlanCost.attributionGroup(unlearn.apply("balanced-subnet", List.of("--ratio", "0.01"))), "weight methods rank per ratio run");
        assertNull(PlanCost.attributionGroup(PlanEntry.of(0, 1, "finetune", List.of("--model", "M", "--recipe", "clean"))));
    }
}
