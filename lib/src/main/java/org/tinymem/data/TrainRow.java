package org.tinymem.data;

/**
 * One training row.
 *
 * @param tokens the (unpadded) tokens
 * @param exampleId stable id of the underlying example (duplicates share it; example-tied dropout keys on it)
 * @param kind whether the row is clean data or an artifact
 */
public record TrainRow(int[] tokens, int exampleId, Kind kind) {
    public enum Kind { CLEAN, NOISE, BACKDOOR }

    public boolean isArtifact() {
        return kind != Kind.CLEAN;
    }
}
