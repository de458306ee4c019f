package org.tinymem.cli;

import java.util.List;
import org.tinymem.experiment.EarlyStopping;
import org.tinymem.sweep.Plans;
import picocli.CommandLine.Option;

/**
 * Evaluation while unlearning, with early stopping and best-snapshot selection ({@link EarlyStopping},
 * issue 17, item 2), as options shared by {@code unlearn} and {@code sweep plan}/{@code table1} (a
 * picocli mixin). Ours, not the paper's: off unless {@code --eval-every} is given, as for the paper's
 * numbers.
 */
final class EarlyStoppingOptions {
    @Option(names = "--eval-every", description = "evaluate the edit after every N epochs and the last (subnet, balanced-subnet):"
            + " %% memorized, the utility and the selection score, kept as early_stopping.curve in unlearn.json; it stops"
            + " when nothing is memorized and the utility has stopped moving. Ours, not the paper's: off by default, as"
            + " for the paper's numbers")
    Integer evalEvery;

    @Option(names = "--patience", description = "with --eval-every: stop once nothing is memorized and A (or P) has"
            + " stayed within --tolerance of its value over this many evaluations before; 0 = at the first with nothing"
            + " memorized (default 3, ours)")
    Integer patience;

    @Option(names = "--tolerance", description = "with --eval-every: how far A (or P), in percentage points, may move and"
            + " count as not moving (default 0.5, ours)")
    Double tolerance;

    @Option(names = "--keep", description = "with --eval-every: the edit saved, last (the run's final edit; default) or"
            + " best (the evaluation with the lowest selection score, M + |A| or M + |P| + t)")
    String keep;

    /**
     * The settings given (defaults for what is not), checked; null when {@code --eval-every} is absent (off).
     * {@code --patience}, {@code --tolerance} or {@code --keep} without it are an error.
     */
    EarlyStopping settings() {
        if (evalEvery == null) {
            if (patience != null || tolerance != null || keep != null) {
                throw new IllegalArgumentException("--patience, --tolerance and --keep need --eval-every");
            }
            return null;
        }
        EarlyStopping d = EarlyStopping.defaults();
        return new EarlyStopping(evalEvery, patience == null ? d.patience() : patience,
                tolerance == null ? d.tolerance() : tolerance, keep == null ? d.keep() : EarlyStopping.Keep.parse(keep));
    }

    /**
     * The {@code unlearn} arguments that ask for {@code settings} (every value written out, so a plan entry
     * does not depend on defaults that might change); empty for null.
     */
    static List<String> args(EarlyStopping settings) {
        if (settings == null) return List.of();
        return List.of("--eval-every", Integer.toString(settings.every()), "--patience", Integer.toString(settings.patience()),
                "--tolerance", Plans.number(settings.tolerance()), "--keep", settings.keep().label());
    }
}
