package org.tinymem.sweep;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.cli.TinyMemCli;
import org.tinymem.experiment.Sweep;
import org.tinymem.train.RegularizerSpec;
import org.tinymem.unlearn.UnlearnMethods;

class SweepPlanTest {
    @TempDir
    Path dir;

    private static SweepPlan tinyPlan(Path dir) {
        List<SweepPlan.Draft> drafts = new ArrayList<>();
        SweepPlan.Draft train = Plans.training(List.of("--data", "tiny-memorizer", "--artifact", "noise", "--layers", "2",
                "--profile", "smoke", "--seed", "0"));
        drafts.add(train);
        drafts.addAll(Plans.unlearning("@{" + train.key() + "}", "durable",
                new Sweep.Grid(List.of(0.01, 0.1), List.of(), List.of(), UnlearnMethods.Options.defaults()), 0));
        return SweepPlan.of(dir, drafts);
    }

    @Test
    void aPlanIsDeterministicDataThatReadsBackAndRefusesToBeReplaced() throws Exception {
        SweepPlan plan = tinyPlan(dir.resolve("a"));
        assertEquals(3, plan.entries().size());
        assertEquals(List.of(0, 1), plan.stages());
        assertEquals(tinyPlan(dir.resolve("b")).text(), plan.text(), "the same drafts give the same bytes, wherever the plan lives");
        PlanEntry unlearn = plan.entry(1);
        assertEquals(List.of("--model", plan.entry(0).reference(), "--method", "durable", "--ratio", "0.01", "--seed", "0",
                "--retain-rows", "0"), unlearn.args());
        assertEquals(plan.result(plan.entry(0)).toString(), plan.resolvedArgs(unlearn).get(1));
        plan.write();
        plan.write(); // the same plan again: a no-op
        SweepPlan read = SweepPlan.read(dir.resolve("a"));
        assertEquals(plan.entries(), read.entries());
        assertEquals(3, Files.readAllLines(dir.resolve("a").resolve(SweepPlan.FILE)).size());
        SweepPlan other = SweepPlan.of(dir.resolve("a"), List.of(Plans.training(List.of("--data", "math-add", "--artifact", "noise"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, other::write);
        assertTrue(e.getMessage().contains("holds another plan"), e.getMessage());
        assertEquals(plan.text(), Files.readString(dir.resolve("a").resolve(SweepPlan.FILE)));
    }

    @Test
    void badPlansAreRefusedWithTheReason() throws Exception {
        SweepPlan.Draft train = Plans.training(List.of("--data", "math-add", "--artifact", "noise"));
        // a run that needs a result of its own stage could start before it exists
        SweepPlan.Draft sameStage = new SweepPlan.Draft(0, "unlearn", List.of("--model", "@{" + train.key() + "}", "--method", "sou"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SweepPlan.of(dir, List.of(train, sameStage)))
                .getMessage().contains("needs an entry of stage 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SweepPlan.of(dir, List.of(train, train)))
                .getMessage().contains("repeats"));
        assertThrows(IllegalArgumentException.class, () -> PlanEntry.of(0, 0, "rm", List.of("-rf")));
        assertThrows(IllegalArgumentException.class, () -> PlanEntry.of(0, 0, "train", List.of("--out", "x")));
        // a hand-edited line no longer matches its key
        tinyPlan(dir).write();
        Path file = dir.resolve(SweepPlan.FILE);
        Files.writeString(file, Files.readString(file).replace("\"0.01\"", "\"0.02\""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SweepPlan.read(dir)).getMessage().contains("edited by hand"));
        assertThrows(IllegalArgumentException.class, () -> SweepPlan.read(dir.resolve("nothing-here")));
    }

    @Test
    void thePlanCommandWritesThePaperDefinitions() throws Exception {
        Path out = dir.resolve("table1");
        assertEquals(0, TinyMemCli.run("sweep", "plan", "--preset", "table1", "--seeds", "0", "--out", out.toString()));
        SweepPlan plan = SweepPlan.read(out);
        long trainings = plan.entries().stream().filter(e -> e.command().equals("train")).count();
        int regularized = 0;
        for (RegularizerSpec.Kind k : RegularizerSpec.Kind.values()) regularized += k.paperGrid().size();
        assertEquals(2 + 2 * regularized, trainings, "2 artifacts: a baseline and every regularizer's grid");
        assertEquals(6, plan.entries().stream().filter(e -> e.command().equals("finetune")).count());
        int grid = 0;
        for (String m : UnlearnMethods.names()) {
            grid += Sweep.paperGrid(m, new Sweep.Grid(List.of(), List.of(), List.of(), UnlearnMethods.Options.defaults())).points().size();
        }
        assertEquals(2L * grid, plan.entries().stream().filter(e -> e.command().equals("unlearn")).count());
        assertEquals(72, plan.entries().stream().filter(e -> "balanced-subnet".equals(e.option("--method"))).count() / 2,
                "BalancedSubnet's grid: 8 ratios x 3 epochs x 3 loss weights");
        assertTrue(plan.entries().stream().allMatch(e -> e.command().equals("train") ? "math-mult".equals(e.option("--data"))
                : e.option("--model").startsWith("@{")));
        // the same command writes the same file; a different one is refused
        String text = Files.readString(out.resolve(SweepPlan.FILE));
        assertEquals(0, TinyMemCli.run("sweep", "plan", "--preset", "table1", "--seeds", "0", "--out", out.toString()));
        assertEquals(text, Files.readString(out.resolve(SweepPlan.FILE)));
        assertEquals(1, TinyMemCli.run("sweep", "plan", "--preset", "table1", "--seeds", "1", "--out", out.toString()));
        assertEquals(text, Files.readString(out.resolve(SweepPlan.FILE)));
        // Fig. 6: trainings only
        assertEquals(0, TinyMemCli.run("sweep", "plan", "--preset", "fig6", "--out", dir.resolve("fig6").toString()));
        assertEquals(2 * 2 * 4 * 3, SweepPlan.read(dir.resolve("fig6")).entries().size());
        // options that apply to one method need exactly one
        assertEquals(1, TinyMemCli.run("sweep", "plan", "--data", "math-add", "--methods", "durable,sou", "--ratios", "0.1",
                "--out", dir.resolve("bad").toString()));
        assertEquals(1, TinyMemCli.run("sweep", "plan", "--data", "math-add", "--methods", "durable", "--epochs", "10",
                "--out", dir.resolve("bad").toString()), "durable has no epochs: refused as 'unlearn' would");
        assertFalse(Files.exists(dir.resolve("bad").resolve(SweepPlan.FILE)));
    }

    @Test
    void slurmScriptsRunEachIndexThroughTheResultStore() {
        SweepPlan plan = tinyPlan(dir);
        SlurmEngine engine = new SlurmEngine(new SlurmEngine.Options(2, "4G", "01:00:00", "gpu", "proj", 3,
                List.of("--qos=short"), List.of("module load java/17")), new Launcher("/opt/java/bin/java", "/x/a.jar:/x/b.jar", 1));
        String script = engine.script(plan, 1, List.of(1, 2, 3, 5, 7, 8));
        assertTrue(script.startsWith("#!/bin/bash\n"), script);
        for (String line : List.of("#SBATCH --array=1-3,5,7-8%3", "#SBATCH --cpus-per-task=2", "#SBATCH --mem=4G",
                "#SBATCH --time=01:00:00", "#SBATCH --partition=gpu", "#SBATCH --account=proj", "#SBATCH --qos=short",
                "#SBATCH --requeue", "#SBATCH --output=" + plan.dir().resolve("logs") + "/%a.log", "module load java/17",
                "export OMP_NUM_THREADS=2 TINYMEM_THREADS=2")) {
            assertTrue(script.contains(line + "\n"), "missing '" + line + "' in\n" + script);
        }
        assertTrue(script.contains("exec '/opt/java/bin/java' '-XX:ActiveProcessorCount=2' '-Dai.djl.offline=true' '-Dai.djl.pytorch.num_threads=2'"), script);
        assertTrue(script.contains("'-cp' '/x/a.jar:/x/b.jar' 'org.tinymem.cli.TinyMemCli' 'sweep' 'run' '" + plan.dir()
                + "' '--index' \"$SLURM_ARRAY_TASK_ID\"\n"), script);
        assertEquals("0", SlurmEngine.arraySpec(List.of(0)));
        assertEquals("0-1,3", SlurmEngine.arraySpec(List.of(0, 1, 3)));
        assertEquals("'it'\\''s'", SlurmEngine.quote("it's"));
    }
}
