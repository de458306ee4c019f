package org.tinymem.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.notebook.PaperTable1.Entry;
import org.tinymem.notebook.Table1Comparison.Verdict;
import tech.tablesaw.api.Table;

/**
 * The paper's Table 1 as transcribed ({@link PaperTable1}) and its join with the two CSV files of
 * {@code tinymem table1} ({@link Table1Comparison}), on files written here.
 */
class Table1ComparisonTest {
    @TempDir
    Path dir;

    private static Map<String, Entry> byMethod(List<Entry> entries, String artifact) {
        return entries.stream().filter(e -> e.artifact().equals(artifact)).collect(Collectors.toMap(Entry::method, Function.identity()));
    }

    @Test
    void theTranscriptionHoldsTheBaselineAndSeventeenMethodsPerArtifact() {
        List<Entry> paper = PaperTable1.entries();
        assertEquals(36, paper.size(), "18 rows x noise and backdoor");
        assertEquals(18, PaperTable1.paperNames().size());
        assertEquals("Baseline model", PaperTable1.paperNames().values().iterator().next());
        assertEquals("BalancedSubnet", PaperTable1.paperNames().get("balanced-subnet"));

        Map<String, Entry> noise = byMethod(paper, "noise");
        Map<String, Entry> backdoor = byMethod(paper, "backdoor");
        assertEquals(17, noise.values().stream().filter(e -> !e.family().equals(PaperTable1.BASELINE)).count());
        Entry balanced = noise.get("balanced-subnet");
        assertEquals(0.06, balanced.percentMemorized());
        assertEquals(96.11, balanced.accuracy());
        assertEquals(6.00, balanced.seconds());
        assertEquals("weight unlearning", balanced.family());
        assertEquals(3, balanced.seeds(), "Table 1 averages three seeds");
        assertEquals(34.73, noise.get("baseline").percentMemorized());
        assertEquals(96.97, backdoor.get("baseline").accuracy());
        assertTrue(Double.isNaN(backdoor.get("baseline").seconds()), "the baseline has no time in Table 1");
        assertEquals(14468.77, noise.get("spectral-norm").seconds());
        assertEquals(41.60, noise.get("example-tied-dropout").accuracy());
        assertEquals(5.17, backdoor.get("extra").percentMemorized());
        assertEquals(5355.28, backdoor.get("ig").seconds());
        assertEquals(61.63, backdoor.get("subnet").accuracy());
        assertEquals("neuron unlearning", backdoor.get("hc").family());
    }

    /** Two noise baselines (seeds 0, 1), spectral norm at two λ, Clean fine-tuning (one done, one failed), four selected unlearning runs. */
    private void writeTable1Csvs() throws Exception {
        Files.writeString(dir.resolve("table1-all.csv"), String.join("\n",
                "index,stage,command,key,status,data,artifact,seed,regularizer,lambda,percent_memorized,accuracy,train_seconds,model,recipe,"
                        + "after_percent_memorized,after_accuracy,seconds",
                "0,0,train,k0,done,math-mult,noise,0,,,40,90,100,,,,,",
                "1,0,train,k1,done,math-mult,noise,1,,,30,92,110,,,,,",
                "2,0,train,k2,done,math-mult,noise,0,spectral-norm,0.001,20,80,300,,,,,",
                "3,0,train,k3,done,math-mult,noise,0,spectral-norm,0.01,0,91,310,,,,,",
                "4,1,finetune,k4,done,,,,,,,,,0,clean,0,85,3",
                "5,1,finetune,k5,failed,,,,,,,,,1,clean,,,", ""));
        Files.writeString(dir.resolve("table1-selected.csv"), String.join("\n",
                "index,command,status,model,method,ratio,epochs,loss_weight,lr,after_percent_memorized,after_accuracy,seconds,score",
                "6,unlearn,done,0,durable,0.01,,,,1.0,90,0.5,-1",
                "7,unlearn,done,1,durable,0.1,,,,3.0,90,0.7,-1",
                "8,unlearn,done,0,balanced-subnet,0.1,20,0.9,,0,90.5,6,-1",
                "9,unlearn,done,0,ga,,5,,0.001,10,80,2,-1", ""));
    }

    @Test
    void aSelectionWithNoRowGivesNoUnlearningEntries() throws Exception {
        writeTable1Csvs();
        // what sweep collect writes when no run passed the selection rule: the header only
        Files.writeString(dir.resolve("table1-selected.csv"), "index,command,status,model,method,score,candidates,time_limit_s,selected_by\n");
        List<Entry> ours = Table1Comparison.ours(dir.resolve("table1-all.csv"), dir.resolve("table1-selected.csv"));
        assertEquals(List.of("baseline", "spectral-norm", "clean"), ours.stream().map(Entry::method).toList());
    }

    @Test
    void ourRowsAverageSeedsPickTheBestRegularizerAndJoinThePapers() throws Exception {
        writeTable1Csvs();
        List<Entry> ours = Table1Comparison.ours(dir.resolve("table1-all.csv"), dir.resolve("table1-selected.csv"));
        Map<String, Entry> noise = byMethod(ours, "noise");
        assertEquals(List.of("baseline", "spectral-norm", "clean", "durable", "balanced-subnet", "ga"),
                ours.stream().map(Entry::method).toList(), "baseline, regularizers, fine-tunings, unlearning");

        Entry baseline = noise.get("baseline");
        assertEquals(35.0, baseline.percentMemorized(), 1e-12, "mean of seeds 0 and 1");
        assertEquals(91.0, baseline.accuracy(), 1e-12);
        assertEquals(2, baseline.seeds());
        assertEquals(Math.sqrt(50), baseline.percentMemorizedSd(), 1e-12, "sample sd of 40 and 30");
        assertEquals(Math.sqrt(2), baseline.accuracySd(), 1e-12, "sample sd of 90 and 92");
        Entry spectral = noise.get("spectral-norm");
        assertEquals("lambda = 0.01", spectral.setting(), "App. A.2.1: highest accuracy - % memorized");
        assertEquals(310.0, spectral.seconds());
        Entry clean = noise.get("clean");
        assertEquals(1, clean.seeds(), "the failed run is left out");
        assertTrue(Double.isNaN(clean.accuracySd()), "no spread from one seed");
        assertEquals(85.0, clean.accuracy());
        Entry durable = noise.get("durable");
        assertEquals(2.0, durable.percentMemorized(), 1e-12);
        assertEquals(0.6, durable.seconds(), 1e-12);
        assertEquals("ratio 0.01; ratio 0.1", durable.setting());
        assertEquals("ratio 0.1, epochs 20, loss weight 0.9", noise.get("balanced-subnet").setting());
        assertEquals("unlearning (not in the paper)", noise.get("ga").family());

        Table table = Table1Comparison.table("noise", "noise", PaperTable1.entries(), ours);
        assertEquals(19, table.rowCount(), "the paper's 18 rows and ga");
        int balanced = table.stringColumn("method").indexOf("BalancedSubnet");
        assertEquals(0.0, table.doubleColumn("% Mem ↓").get(balanced));
        assertEquals(0.06, table.doubleColumn("paper % Mem").get(balanced));
        assertEquals(96.11, table.doubleColumn("paper Acc").get(balanced));
        int slim = table.stringColumn("method").indexOf("Slim");
        assertEquals("not run", table.stringColumn("setting (ours)").get(slim));
        assertTrue(table.doubleColumn("% Mem ↓").isMissing(slim), "no value where we did not run");
        assertTrue(table.doubleColumn("paper % Mem").isMissing(table.stringColumn("method").indexOf("ga")));

        Table backdoor = Table1Comparison.table("backdoor", "backdoor", PaperTable1.entries(), ours);
        assertEquals(18, backdoor.rowCount(), "the paper's rows, none of ours");

        assertEquals(3, Table1Comparison.scatter("Fig. 3", PaperTable1.entries(), ours).getTraces().length,
                "ours on noise, the paper's on noise and on backdoor");
    }

    @Test
    void verdictsCompareRemovalAccuracyAndRankWithThePapers() throws Exception {
        writeTable1Csvs();
        List<Entry> ours = Table1Comparison.ours(dir.resolve("table1-all.csv"), dir.resolve("table1-selected.csv"));
        Map<String, Verdict> verdicts = Table1Comparison.verdicts(PaperTable1.entries(), ours).stream()
                .collect(Collectors.toMap(Verdict::method, Function.identity()));
        assertEquals(List.of("spectral-norm", "clean", "durable", "balanced-subnet"), List.copyOf(
                Table1Comparison.verdicts(PaperTable1.entries(), ours).stream().map(Verdict::method).toList()),
                "methods on both sides, noise only (we have no backdoor baseline); ga is not in the paper");

        // M + |A| against each side's baseline. Ours: spectral -100, balanced -99.45, clean -93.41, durable -93.19.
        // Paper: spectral -99.64, balanced -98.93, durable -95.02, clean -90.52.
        Verdict balanced = verdicts.get("balanced-subnet");
        assertEquals(2, balanced.rank());
        assertEquals(2, balanced.paperRank());
        assertEquals(4, balanced.ranked());
        assertTrue(balanced.removes() && balanced.paperRemoves());
        assertEquals(0.5, balanced.accuracyLost(), 1e-9);
        assertEquals(96.98 - 96.11, balanced.paperAccuracyLost(), 1e-9);
        assertTrue(balanced.agrees(), balanced.verdict());
        assertTrue(balanced.verdict().startsWith("as the paper: removes memorization"), balanced.verdict());
        assertFalse(balanced.verdict().contains("differs"), balanced.verdict());

        Verdict durable = verdicts.get("durable");
        assertEquals(4, durable.rank());
        assertEquals(3, durable.paperRank());
        assertFalse(durable.removes(), "2 % left > " + Table1Comparison.REMOVED_AT_MOST_PERCENT);
        assertTrue(durable.paperRemoves());
        assertTrue(durable.keepsAccuracy() && durable.paperKeepsAccuracy());
        assertFalse(durable.agrees());
        assertEquals("as the paper: keeps accuracy (1.00 points lost; paper 2.71); differs: keeps memorization (2.00 % left; "
                + "paper 0.76 %), rank 4 of 4 by M + |A| (paper 3)", durable.verdict());

        Verdict clean = verdicts.get("clean");
        assertFalse(clean.keepsAccuracy(), "6 points lost > " + Table1Comparison.KEPT_WITHIN_POINTS);
        assertFalse(clean.paperKeepsAccuracy());
        assertEquals(1, verdicts.get("spectral-norm").rank());
        assertEquals(1, verdicts.get("spectral-norm").paperRank());

        Table table = Table1Comparison.verdictTable("verdicts", List.copyOf(verdicts.values()));
        assertEquals(4, table.rowCount());
    }
}
