package org.tinymem.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.experiment.Sweep;
import org.tinymem.sweep.PlanEntry;
import org.tinymem.sweep.ResultStore;
import org.tinymem.sweep.SweepPlan;
import org.tinymem.unlearn.UnlearnMethods;
import org.tinymem.util.Json;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * {@code tinymem table1} on a tiny Table 1 (one smoke tiny-memorizer model, Durable at two ratios, no
 * regularizers or fine-tunings): the plan is exactly {@code sweep plan --preset table1}'s, the two CSVs
 * hold every run and the selected one, a second run re-runs nothing and writes the same CSVs, and
 * {@code --dry-run} writes nothing.
 */
class Table1CommandTest {
    @TempDir
    Path dir;

    /** The overrides that make the preset's plan tiny (they apply to {@code sweep plan} and {@code table1} alike). */
    private static final List<String> TINY = List.of("--data", "tiny-memorizer", "--artifacts", "noise", "--layers", "2", "--profile",
            "smoke", "--seeds", "0", "--regularizers", "none", "--recipes", "none", "--methods", "durable", "--ratios", "0.01,0.1");

    private static String[] args(String command, Path out, List<String> more, String... extra) {
        List<String> all = new ArrayList<>(List.of(command.split(" ")));
        all.addAll(List.of("--out", out.toString()));
        all.addAll(more);
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    /** When each finished run finished, by key. */
    private static Map<String, String> finishedAt(SweepPlan plan) {
        Map<String, String> finished = new LinkedHashMap<>();
        for (PlanEntry e : plan.entries()) {
            Path entry = plan.result(e).resolve(ResultStore.ENTRY);
            if (Files.isRegularFile(entry)) finished.put(e.key(), Json.read(entry).get("finished").getAsString());
        }
        return finished;
    }

    private static Table csv(Path file) {
        return Table.read().usingOptions(CsvReadOptions.builder(file.toFile()).columnTypesToDetect(List.of(ColumnType.STRING)));
    }

    @Test
    void runsTheTable1PlanCollectsBothTablesAndResumesWithoutRerunning() throws Exception {
        Path out = dir.resolve("t1");
        // the plan is sweep plan --preset table1's: table1 reuses the file it wrote, byte for byte
        assertEquals(0, TinyMemCli.run(args("sweep plan", out, TINY, "--preset", "table1")));
        String planText = Files.readString(out.resolve(SweepPlan.FILE));
        assertEquals(0, TinyMemCli.run(args("table1", out, TINY, "--workers", "1", "--threads", "1")));
        assertEquals(planText, Files.readString(out.resolve(SweepPlan.FILE)));

        SweepPlan plan = SweepPlan.read(out);
        assertEquals(List.of("train", "unlearn", "unlearn"), plan.entries().stream().map(PlanEntry::command).toList());
        Table all = csv(out.resolve(Table1Command.ALL));
        assertEquals(3, all.rowCount(), "one row per run");
        for (String column : List.of("index", "stage", "command", "key", "status", "method", "ratio", "memorization_difference",
                "accuracy_difference")) {
            assertTrue(all.columnNames().contains(column), column + " in " + all.columnNames());
        }
        for (int row = 0; row < all.rowCount(); row++) assertEquals("done", all.column("status").getString(row));

        Table selected = csv(out.resolve(Table1Command.SELECTED));
        assertEquals(1, selected.rowCount(), "one selected run: one method on one model");
        assertEquals("durable", selected.column("method").getString(0));
        assertEquals("2", selected.column("candidates").getString(0));
        assertEquals("percent_memorized", selected.column("selected_by").getString(0));
        assertTrue(List.of("1", "2").contains(selected.column("index").getString(0)), "an unlearning run is selected");

        // run again: nothing runs again, nothing is lost, the same tables come out
        Map<String, String> finished = finishedAt(plan);
        assertEquals(3, finished.size());
        String allText = Files.readString(out.resolve(Table1Command.ALL));
        String selectedText = Files.readString(out.resolve(Table1Command.SELECTED));
        assertEquals(0, TinyMemCli.run(args("table1", out, TINY, "--workers", "1", "--threads", "1")));
        assertEquals(finished, finishedAt(plan), "no finished run was run again");
        try (Stream<Path> results = Files.list(out.resolve(SweepPlan.RESULTS))) {
            assertEquals(3, results.count(), "one result per entry, no more");
        }
        assertEquals(planText, Files.readString(out.resolve(SweepPlan.FILE)));
        assertEquals(allText, Files.readString(out.resolve(Table1Command.ALL)));
        assertEquals(selectedText, Files.readString(out.resolve(Table1Command.SELECTED)));

        // another plan over this one is refused, and nothing of it changes
        assertEquals(1, TinyMemCli.run(args("table1", out, TINY, "--seeds", "1")));
        assertEquals(planText, Files.readString(out.resolve(SweepPlan.FILE)));
        assertEquals(finished, finishedAt(plan));
    }

    @Test
    void aDryRunCountsThePlanByStageAndMethodAndWritesNothing() throws Exception {
        Path out = dir.resolve("dry");
        assertEquals(0, TinyMemCli.run(args("table1", out, TINY, "--dry-run")));
        assertFalse(Files.exists(out), "a dry run writes no plan and no results");
        // the full preset: every regularizer's grid, recipe and method, by stage
        SweepPlan full = SweepPlanCommand.of(out, "table1", new PlanOptions()).plan();
        Map<Integer, Map<String, Long>> sizes = Table1Command.sizes(full);
        assertEquals(List.of(0, 1), List.copyOf(sizes.keySet()));
        int durableGrid = Sweep.paperGrid("durable", new Sweep.Grid(List.of(), List.of(), List.of(), UnlearnMethods.Options.defaults()))
                .points().size();
        assertEquals(2L * 3 * durableGrid, sizes.get(1).get("unlearn durable"), "2 artifacts x seeds 0-2, each over Durable's grid");
        assertEquals(full.entries().size(), sizes.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum());
        assertEquals(2L * 3, sizes.get(0).get("train"), "a baseline per artifact and seed");
        assertEquals(2L * 3, sizes.get(1).get("finetune extra"));
    }
}
