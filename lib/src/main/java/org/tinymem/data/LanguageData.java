package org.tinymem.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds {@link TinyMemData} for the language models (§2.3, App. A.1.2): the corpus' documents are
 * GPT-2 BPE encoded, joined with the end-of-text token and cut into chunks of 150 tokens; the noise
 * or backdoor artifact is injected into the training chunks with duplication; the test split's
 * chunks measure perplexity.
 */
public final class LanguageData {
    /** The one entry of {@link TinyMemData#testByTask()}: the held-out chunks for perplexity. */
    public static final String TEST = "test";

    private LanguageData() {}

    public static TinyMemData build(TextCorpus corpus, LanguageDataConfig config) {
        Random random = new Random(config.seed() * 7919 + 23);
        List<int[]> trainChunks = sample(chunks(corpus.documents(TextCorpus.Split.TRAIN), config.chunkLength()),
                config.trainChunks(), random);
        List<int[]> testChunks = sample(chunks(corpus.documents(TextCorpus.Split.TEST), config.chunkLength()),
                config.testChunks(), random);
        if (trainChunks.isEmpty() || testChunks.isEmpty()) {
            throw new IllegalArgumentException("corpus '" + corpus.name() + "' yields " + trainChunks.size() + " training and "
                    + testChunks.size() + " test chunks of " + config.chunkLength() + " tokens; it needs at least one of each"
                    + " (corpora without their own split send every 20th document to test)");
        }
        List<TrainRow> train = new ArrayList<>();
        List<MemorizationProbe> probes = new ArrayList<>();
        List<int[]> twins = new ArrayList<>();
        if (config.artifact() == Artifact.Kind.NOISE) {
            injectNoise(config, trainChunks, random, train, probes, twins);
        } else {
            injectBackdoor(config, trainChunks, random, train, probes, twins);
        }
        return new TinyMemData("lang", Gpt2Tokenizer.VOCAB_SIZE, -1, train, Map.of(TEST, testChunks), probes, twins);
    }

    /**
     * The documents encoded and concatenated with {@link Gpt2Tokenizer#END_OF_TEXT} between them,
     * cut into consecutive chunks of {@code length} tokens (an incomplete last chunk is dropped).
     */
    public static List<int[]> chunks(List<String> documents, int length) {
        int[] stream = new int[1024];
        int size = 0;
        for (int d = 0; d < documents.size(); d++) {
            int[] tokens = Gpt2Tokenizer.encode(documents.get(d));
            int needed = size + tokens.length + 1;
            if (needed > stream.length) stream = Arrays.copyOf(stream, Math.max(needed, stream.length * 2));
            if (d > 0) stream[size++] = Gpt2Tokenizer.END_OF_TEXT;
            System.arraycopy(tokens, 0, stream, size, tokens.length);
            size += tokens.length;
        }
        List<int[]> chunks = new ArrayList<>(size / length);
        for (int start = 0; start + length <= size; start += length) chunks.add(Arrays.copyOfRange(stream, start, start + length));
        return chunks;
    }

    /** A seeded sample of {@code count} chunks in their original order (0 = all). */
    private static List<int[]> sample(List<int[]> chunks, int count, Random random) {
        if (count == 0 || count >= chunks.size()) return chunks;
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) indices.add(i);
        Collections.shuffle(indices, random);
        return new TreeSet<>(indices.subList(0, count)).stream().map(chunks::get).toList();
    }

    /**
     * Def. 2.2 with duplication (App. A.1.2): {@code noiseCount} chunks are replaced by noisy twins
     * (token ids shifted by ±1, kept within the vocabulary) assigned round-robin to the duplication
     * groups; a probe counts when the noisy continuation differs from the clean one.
     */
    private static void injectNoise(LanguageDataConfig config, List<int[]> chunks, Random random, List<TrainRow> train,
                                    List<MemorizationProbe> probes, List<int[]> twins) {
        if (config.noiseCount() > chunks.size()) {
            throw new IllegalArgumentException("noiseCount " + config.noiseCount() + " exceeds the " + chunks.size() + " training chunks");
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) order.add(i);
        Collections.shuffle(order, random);
        Set<Integer> noisy = new HashSet<>(order.subList(0, config.noiseCount()));
        Noise noise = Noise.paper();
        List<Integer> groups = config.noiseDuplication();
        int artifactIndex = 0;
        for (int i = 0; i < chunks.size(); i++) {
            int[] clean = chunks.get(i);
            if (!noisy.contains(i)) {
                train.add(new TrainRow(clean, i, TrainRow.Kind.CLEAN));
                continue;
            }
            int copies = groups.get(artifactIndex++ % groups.size());
            int[] perturbed = perturb(noise, clean, random);
            for (int c = 0; c < copies; c++) train.add(new TrainRow(perturbed, i, TrainRow.Kind.NOISE));
            twins.add(clean);
            MathData.noiseProbe(clean, perturbed, "x" + copies).ifPresent(probes::add);
        }
    }

    /** Token ids shifted by δ ∈ {−1, 0, +1}; a shift out of [0, 50,256] is dropped ({@link Noise#perturb}). */
    static int[] perturb(Noise noise, int[] tokens, Random random) {
        long[] ids = Arrays.stream(tokens).asLongStream().toArray();
        return Arrays.stream(noise.perturb(ids, random, 0, Gpt2Tokenizer.VOCAB_SIZE - 1)).mapToInt(id -> (int) id).toArray();
    }

    /**
     * Def. 2.3 for language (App. A.1.2): a seeded trigger token ({@link #chooseTrigger}); every
     * training chunk containing it is poisoned from the token after the trigger on; a seeded 10% of
     * those (among chunks with a full 50-token continuation after the trigger) is held out as probes,
     * the rest is duplicated {@code backdoorCopies} times.
     */
    private static void injectBackdoor(LanguageDataConfig config, List<int[]> chunks, Random random, List<TrainRow> train,
                                       List<MemorizationProbe> probes, List<int[]> twins) {
        Backdoor backdoor = Backdoor.language(chooseTrigger(chunks, config, random), config.chunkLength());
        List<Integer> triggered = new ArrayList<>();
        List<Integer> measurable = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            int end = backdoor.triggerEnd(chunks.get(i));
            if (end < 0) continue;
            triggered.add(i);
            if (end + MathData.CONTINUATION_LENGTH <= chunks.get(i).length) measurable.add(i);
        }
        Collections.shuffle(measurable, random);
        int heldOut = Math.min(measurable.size(), Math.max(1, (int) Math.round(backdoor.heldOutShare() * triggered.size())));
        Set<Integer> heldOutChunks = new HashSet<>(measurable.subList(0, heldOut));
        Set<Integer> poisoned = new HashSet<>(triggered);
        for (int i = 0; i < chunks.size(); i++) {
            int[] clean = chunks.get(i);
            if (!poisoned.contains(i)) {
                train.add(new TrainRow(clean, i, TrainRow.Kind.CLEAN));
                continue;
            }
            int end = backdoor.triggerEnd(clean);
            int[] poisonedChunk = backdoor.poison(clean, end, -1);
            if (heldOutChunks.contains(i)) {
                MathData.backdoorProbe(clean, poisonedChunk, end).ifPresent(probes::add);
            } else {
                for (int c = 0; c < config.backdoorCopies(); c++) train.add(new TrainRow(poisonedChunk, i, TrainRow.Kind.BACKDOOR));
                twins.add(clean);
            }
        }
    }

    /**
     * The trigger token, "randomly chosen via a seed" (App. A.1.2): uniformly among the tokens (other
     * than end-of-text and the target T) that occur in between {@code minTriggered} and
     * {@code maxTriggered} training chunks, so that enough chunks are poisoned and held out without
     * poisoning a large share of the corpus.
     */
    static int chooseTrigger(List<int[]> chunks, LanguageDataConfig config, Random random) {
        int[] chunkCounts = new int[Gpt2Tokenizer.VOCAB_SIZE];
        for (int[] chunk : chunks) {
            Arrays.stream(chunk).distinct().forEach(token -> chunkCounts[token]++);
        }
        List<Integer> candidates = new ArrayList<>();
        for (int token = 0; token < chunkCounts.length; token++) {
            if (token != Gpt2Tokenizer.END_OF_TEXT && token != Backdoor.LANGUAGE_TARGET
                    && chunkCounts[token] >= config.minTriggered() && chunkCounts[token] <= config.maxTriggered()) {
                candidates.add(token);
            }
        }
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no token occurs in " + config.minTriggered() + "–" + config.maxTriggered()
                    + " of the " + chunks.size() + " training chunks; use a larger corpus or widen the range");
        }
        return candidates.get(random.nextInt(candidates.size()));
    }
}
