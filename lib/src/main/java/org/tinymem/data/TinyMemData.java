package org.tinymem.data;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.tinymem.util.Sha256;

/**
 * Everything a TinyMem run needs from its data: the training rows (clean rows plus injected
 * artifacts), the clean held-out test sets per task, the memorization probes built from the
 * artifacts, and the clean twins of the artifact rows (the "Clean" fine-tuning set of §3.2).
 *
 * @param name data name ({@code math-add}, {@code math-mult}, {@code lang})
 * @param vocabSize vocabulary size of the tokens
 * @param padToken the pad token id, or −1 when rows are never padded
 * @param train the training rows, artifacts included (duplicates repeated)
 * @param testByTask clean held-out sequences per task label (accuracy / perplexity)
 * @param probes memorization probes (noise: clean prompt vs noisy continuation; backdoor: prompt through the trigger)
 * @param cleanTwins the clean versions of the artifact rows
 */
public record TinyMemData(String name, int vocabSize, int padToken, List<TrainRow> train,
                          Map<String, List<int[]>> testByTask, List<MemorizationProbe> probes,
                          List<int[]> cleanTwins) {

    public TinyMemData {
        train = List.copyOf(train);
        testByTask = Map.copyOf(testByTask);
        probes = List.copyOf(probes);
        cleanTwins = List.copyOf(cleanTwins);
    }

    /**
     * The same data without its artifact rows (issue #16's retrained reference): the clean rows, test rows,
     * probes and clean twins are kept, so a model trained on it is measured on the same probes.
     */
    public TinyMemData withoutArtifacts() {
        return new TinyMemData(name, vocabSize, padToken, train.stream().filter(r -> !r.isArtifact()).toList(), testByTask,
                probes, cleanTwins);
    }

    /** Training rows that are not artifacts (the "Extra" fine-tuning set and the retain set). */
    public List<int[]> cleanTrainTokens() {
        return train.stream().filter(r -> !r.isArtifact()).map(TrainRow::tokens).toList();
    }

    /**
     * SHA-256 over every training row, test row and probe, in order: two runs with the same
     * fingerprint saw the same data. Recorded in each run's provenance.
     */
    public String fingerprint() {
        MessageDigest digest = Sha256.digest();
        for (TrainRow row : train) {
            update(digest, row.tokens());
            digest.update((byte) row.kind().ordinal());
        }
        for (String task : testByTask.keySet().stream().sorted().toList()) {
            digest.update(task.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            testByTask.get(task).forEach(tokens -> update(digest, tokens));
        }
        for (MemorizationProbe probe : probes) {
            update(digest, probe.prompt());
            update(digest, probe.memorized());
        }
        return Sha256.hex(digest);
    }

    private static void update(MessageDigest digest, int[] tokens) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * tokens.length + 4);
        buffer.putInt(tokens.length);
        for (int token : tokens) buffer.putInt(token);
        digest.update(buffer.array());
    }
}
