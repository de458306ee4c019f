package org.tinymem.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.LossLandscape;
import org.tinymem.experiment.ModelKind;
import org.tinymem.experiment.Provenance;
import org.tinymem.experiment.TrainRun;
import org.tinymem.model.CausalLm;
import org.tinymem.model.ModelFiles;
import org.tinymem.model.Models;
import org.tinymem.notebook.LandscapeFigures;
import org.tinymem.notebook.Notebook;
import org.tinymem.unlearn.UnlearnSets;
import org.tinymem.util.AtomicFiles;
import org.tinymem.util.Json;
import org.tinymem.util.TerminalProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tech.tablesaw.plotly.components.Figure;

/**
 * {@code tinymem landscape}: Fig. 4's loss landscapes (App. A.5) of a model and its edits, on a batch
 * of clean training rows and a batch of the rows it memorizes, over one pair of filter-normalized
 * directions drawn from the original model ({@link LossLandscape}).
 */
@Command(name = "landscape", mixinStandardHelpOptions = true,
        description = "Loss landscapes of a model and its edits along two filter-normalized random directions (Fig. 4, App. A.5).")
final class LandscapeCommand implements Callable<Integer> {
    static final String CSV = "landscape.csv";
    static final String JSON = "landscape.json";

    @Option(names = "--model", required = true, description = "the original run directory (its directions are used for every model)")
    Path model;

    @Option(names = "--edited", description = "an edited model of it (unlearn/finetune output; repeatable)")
    List<Path> edited = new ArrayList<>();

    @Option(names = "--grid", defaultValue = "21", description = "points per axis, odd (default: ${DEFAULT-VALUE})")
    int grid;

    @Option(names = "--range", defaultValue = "1", description = "α and β span [-range, range] (default: ${DEFAULT-VALUE})")
    double range;

    @Option(names = "--rows", defaultValue = "64", description = "rows per batch, clean and memorized (default: ${DEFAULT-VALUE})")
    int rows;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the directions and the clean sample (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, description = "a new (or empty) directory for landscape.csv, landscape.json and figures")
    Path out;

    @Override
    public Integer call() throws Exception {
        LossLandscape.grid(grid, range); // bad values fail before loading anything
        if (rows < 1) throw new IllegalArgumentException("--rows must be >= 1");
        UnlearnCommand.requireFresh(out);
        for (Path e : edited) {
            if (!Files.isRegularFile(e.resolve(ModelFiles.WEIGHTS))) throw new IllegalArgumentException(e + " holds no " + ModelFiles.WEIGHTS);
        }
        ModelKind kind = TrainRun.specOf(model).kind();
        TinyMemData data = TrainRun.dataOf(model);
        List<Drawn> surfaces = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(); CausalLm original = Models.load(model, manager)) {
            // the rows the original memorizes (none is fine: then only the clean surface) and a seeded clean sample
            List<int[]> memorized = org.tinymem.eval.Memorization.memorizedProbes(original, data.probes()).stream().limit(rows)
                    .map(UnlearnSets::fullSequence).toList();
            List<int[]> clean = UnlearnSets.cleanSample(data, rows, seed);
            System.out.printf("landscape of %s (%s): %d clean rows, %d memorized rows, %d x %d grid over [-%s, %s]^2%n", model, kind.name(),
                    clean.size(), memorized.size(), grid, grid, range, range);
            LossLandscape.Directions directions = LossLandscape.directions(original, seed);
            addSurfaces(surfaces, "original", model, original, directions, clean, memorized);
            for (int i = 0; i < edited.size(); i++) {
                try (CausalLm edit = Models.load(edited.get(i), manager)) {
                    addSurfaces(surfaces, "edited-" + (i + 1), edited.get(i), edit, directions, clean, memorized);
                }
            }
        }
        Files.createDirectories(out);
        StringBuilder csv = new StringBuilder("model,set,alpha,beta,loss\n");
        JsonObject json = new JsonObject();
        JsonArray list = new JsonArray();
        for (Drawn d : surfaces) {
            LossLandscape.Surface surface = d.surface();
            for (int j = 0; j < grid; j++) {
                for (int i = 0; i < grid; i++) {
                    csv.append(d.model()).append(',').append(d.set()).append(',').append(surface.coordinates()[i]).append(',')
                            .append(surface.coordinates()[j]).append(',').append(surface.loss()[j][i]).append('\n');
                }
            }
            JsonObject one = new JsonObject();
            one.addProperty("model", d.model());
            one.addProperty("set", d.set());
            one.addProperty("path", d.path().toAbsolutePath().toString());
            one.addProperty("loss_at_origin", surface.center());
            one.addProperty("seconds", surface.seconds());
            list.add(one);
        }
        AtomicFiles.writeString(out.resolve(CSV), csv.toString());
        json.add("surfaces", list);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model", model.toAbsolutePath().toString());
        config.put("edited", edited.stream().map(p -> p.toAbsolutePath().toString()).toList());
        config.put("grid", grid);
        config.put("range", range);
        config.put("rows", rows);
        config.put("directions", "Li et al. 2018 filter-normalized, 1-D parameters not moved");
        json.add("provenance", Provenance.of(config, seed, data.fingerprint()));
        Json.write(out.resolve(JSON), json);
        if (Notebook.canExport()) {
            Map<Path, Figure> figures = new LinkedHashMap<>();
            for (Drawn d : surfaces) {
                figures.put(out.resolve(d.model() + "-" + d.set() + ".png"),
                        LandscapeFigures.contour(d.surface(), d.model() + "/" + d.set() + " (log10 loss)"));
            }
            Notebook.exportAll(figures);
            System.out.println("figures: " + figures.size() + " PNGs in " + out);
        } else {
            System.out.println("no Chromium here: no figures (./tinymem setup --with-chromium installs it)");
        }
        System.out.println("wrote " + out.resolve(CSV) + ", " + JSON);
        return 0;
    }

    /** One surface: which model (its label and folder) on which rows. */
    private record Drawn(String model, Path path, String set, LossLandscape.Surface surface) {}

    private void addSurfaces(List<Drawn> surfaces, String name, Path path, CausalLm gpt, LossLandscape.Directions directions,
                             List<int[]> clean, List<int[]> memorized) {
        for (Map.Entry<String, List<int[]>> set : List.of(Map.entry("clean", clean), Map.entry("memorized", memorized))) {
            if (set.getValue().isEmpty()) continue;
            LossLandscape.Surface s = LossLandscape.surface(name + "/" + set.getKey(), gpt, directions, set.getValue(), grid, range,
                    new TerminalProgress(name + " " + set.getKey()));
            System.out.printf("  %s %s: loss at origin %.4f, %.1f s%n", name, set.getKey(), s.center(), s.seconds());
            surfaces.add(new Drawn(name, path, set.getKey(), s));
        }
    }
}
