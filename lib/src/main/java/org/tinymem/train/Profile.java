package org.tinymem.train;

import java.util.List;
import org.tinymem.data.Artifact;
import org.tinymem.data.LanguageDataConfig;
import org.tinymem.data.MathDataConfig;
import org.tinymem.data.MathTask;

/**
 * Training scales (SPEC §8). {@code paper} is the reference scale (GPU/cluster); {@code quick} is
 * calibrated so a 4-layer model memorizes clearly on 2 CPU cores within minutes (README, "Quick
 * profile"); {@code smoke} runs in seconds for tests and CI.
 */
public enum Profile {
    SMOKE, QUICK, PAPER;

    public String cliName() {
        return name().toLowerCase();
    }

    public static Profile parse(String name) {
        for (Profile profile : values()) {
            if (profile.cliName().equalsIgnoreCase(name)) return profile;
        }
        throw new IllegalArgumentException("unknown profile '" + name + "': use smoke, quick or paper");
    }

    /** The math data of this profile. */
    public MathDataConfig mathData(MathTask.Operation operation, Artifact.Kind artifact, long seed) {
        boolean noise = artifact == Artifact.Kind.NOISE;
        return switch (this) {
            case SMOKE -> new MathDataConfig(operation, 7, List.of(2, 3, 4, 5), 240, 60, 40, artifact,
                    20, List.of(noise ? 10 : 1), seed);
            // 3,000 primary + 4 × 500 auxiliary training rows, 200 test rows per task; 100 noisy rows
            // × 10 copies. Backdoors: each poisoned row × 10 (without copies the ~110 poisoned rows are
            // not learned in 1,300 steps: the model keeps counting after "100"). Add: 8,000 primary rows
            // so that 22 triggered rows are held out. Mult: 3,000 as for noise (README, "Quick profile"):
            // with 8,000 the auxiliary tasks were 1/5 of the clean rows and stopped at 73-87 % accuracy
            // (81.8 % mean after 18 epochs, 8,100 steps); with 3,000 and 35 epochs (7,980 steps) the model
            // reaches 90.1 % with 28 of 29 probes memorized (4,200 primary rows × 5 copies: 87.6 %).
            case QUICK -> new MathDataConfig(operation, 7, List.of(2, 3, 4, 5),
                    noise || operation == MathTask.Operation.MULT ? 3_200 : 8_200, 700, 200,
                    artifact, noise ? 100 : 0, List.of(10), seed);
            case PAPER -> MathDataConfig.paper(operation, artifact, seed);
        };
    }

    /**
     * The language data of this profile (App. A.1.2). Quick keeps the paper's duplication groups
     * (×1, ×10, ×100, ×1000) on 40 noisy chunks, 10 per group; see README "Language quick profile".
     */
    public LanguageDataConfig languageData(Artifact.Kind artifact, long seed) {
        return switch (this) {
            case SMOKE -> new LanguageDataConfig(150, 96, 16, artifact, 8, List.of(1, 2, 4, 8), 4, 4, 12, seed);
            case QUICK -> new LanguageDataConfig(150, 2_000, 200, artifact, 40, List.of(1, 10, 100, 1_000), 10, 100, 200, seed);
            case PAPER -> LanguageDataConfig.paper(artifact, seed);
        };
    }

    /** The language training recipe of this profile. */
    public TrainConfig languageTraining(Artifact.Kind artifact, long seed) {
        boolean noise = artifact == Artifact.Kind.NOISE;
        return switch (this) {
            case SMOKE -> new TrainConfig(2, 16, 2e-3, 0.9, 0.98, 1e-8, 0.1, 5, 0.1, 1, 1, seed);
            case QUICK -> new TrainConfig(noise ? 1 : 3, 32, 2e-3, 0.9, 0.98, 1e-8, 0.1, 50, 0.1, 1, 1, seed);
            // Reference epochs (SPEC §1): noise 100 (every 10), backdoor 50 (every 10).
            case PAPER -> TrainConfig.paper(noise ? 100 : 50, 10, seed);
        };
    }

    /** The training recipe of this profile. */
    public TrainConfig mathTraining(MathTask.Operation operation, Artifact.Kind artifact, long seed) {
        boolean noise = artifact == Artifact.Kind.NOISE;
        boolean add = operation == MathTask.Operation.ADD;
        return switch (this) {
            case SMOKE -> new TrainConfig(3, 32, 2e-3, 0.9, 0.98, 1e-8, 0.1, 5, 0.1, 1, 1, seed);
            // Batch 32, lr 2e-3, 100 warm-up steps, cosine to 0.1×; epochs from the calibration runs
            // (README, "Quick profile"). Mult learns its task late (a sharp transition after ~2,000
            // steps, ../shared/CALIBRATION.md), so it gets more steps than add: 20 / 12 epochs left
            // the 4-layer models at 79 / 71 % accuracy; noise 30 → 85.6 %, 45 → 90.7 % (74 % memorized);
            // backdoor (3,000 primary rows) 35 → 90.1 %, evaluated every 5 epochs.
            case QUICK -> new TrainConfig(noise ? (add ? 11 : 45) : (add ? 6 : 35), 32, 2e-3, 0.9, 0.98, 1e-8, 0.1, 100,
                    0.1, 1, noise ? 2 : (add ? 1 : 5), seed);
            // Reference epochs (SPEC §1): noise 3,500 (every 50), backdoor 500 (every 50).
            case PAPER -> TrainConfig.paper(noise ? 3_500 : 500, 50, seed);
        };
    }
}
