package org.tinymem.cli;

import java.util.Map;

/** Plain-text tables of measures for the terminal. */
final class Reports {
    private Reports() {}

    static void printMeasures(Map<String, Double> metrics, double trainSeconds, int epochs) {
        System.out.println();
        System.out.printf("%-28s %10s%n", "measure", "value");
        metrics.forEach((name, value) -> System.out.printf("%-28s %10.2f%n", name, value));
        if (epochs > 0) {
            System.out.printf("%-28s %10d%n", "epochs", epochs);
            System.out.printf("%-28s %10.1f%n", "train_seconds", trainSeconds);
        }
    }
}
