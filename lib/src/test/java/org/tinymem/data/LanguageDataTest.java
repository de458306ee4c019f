package org.tinymem.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LanguageDataTest {
    @TempDir
    Path dir;

    /** A deterministic corpus of {@code count} documents of common English words (no network, no shared files). */
    static TextCorpus synthetic(int count, int wordsPerDocument) {
        String[] words = ("the of and to in a is that for it as was with be by on not he this are or his from at which but"
                + " have an they one you were her all she there would their we him been has when who will more no if out so"
                + " said what up its about into than them can only other new some could time these two may then do first any"
                + " my now such like our over man me even most made after also did many before must through back years where"
                + " much your way well down should because each just those people how too little state good very make world")
                .split(" ");
        Random random = new Random(5);
        List<String> documents = new ArrayList<>();
        for (int d = 0; d < count; d++) {
            StringBuilder text = new StringBuilder("Document " + d + ".");
            for (int w = 0; w < wordsPerDocument; w++) text.append(' ').append(words[random.nextInt(words.length)]);
            documents.add(text.toString());
        }
        return new TextCorpus() {
            @Override
            public String name() {
                return "synthetic";
            }

            @Override
            public List<String> documents(Split split) {
                return TextCorpus.select(documents, split);
            }
        };
    }

    static LanguageDataConfig config(Artifact.Kind artifact, int noiseCount, List<Integer> groups, int backdoorCopies) {
        return new LanguageDataConfig(150, 0, 0, artifact, noiseCount, groups, backdoorCopies, 20, 60, 3);
    }

    @Test
    void brownTagsAreStrippedBackToPlainText() {
        String tagged = "\n\n\tThe/at Fulton/np-tl County/nn-tl Grand/jj-tl Jury/nn-tl said/vbd Friday/nr an/at investigation/nn"
                + " of/in Atlanta's/np$ recent/jj primary/nn election/nn produced/vbd ``/`` no/at evidence/nn ''/'' that/cs"
                + " any/dti irregularities/nns took/vbd place/nn ./.\n\n\n\tIt/pps cost/vbd $1/2/cd (/( or/cc so/rb )/) ,/, he/pps"
                + " said/vbd ;/. really/rb ?/.\n";
        assertEquals("The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced"
                + " \"no evidence\" that any irregularities took place. It cost $1/2 (or so), he said; really?",
                BrownCorpus.strip(tagged));
    }

    @Test
    void theFetchedBrownCorpusHas500TextsSplitByDocument() {
        BrownCorpus brown = FetchedBrown.orFail();
        int train = brown.documents(TextCorpus.Split.TRAIN).size();
        assertEquals(25, brown.documents(TextCorpus.Split.VALID).size());
        assertEquals(25, brown.documents(TextCorpus.Split.TEST).size());
        assertEquals(450, train);
        assertTrue(brown.documents(TextCorpus.Split.TRAIN).get(0).startsWith("The Fulton County Grand Jury said Friday"));
        assertFalse(brown.documents(TextCorpus.Split.TEST).get(0).contains("/nn"), "tags are stripped");
    }

    @Test
    void wikiTextIsReadByArticleFromItsSplitFiles() throws Exception {
        String train = " \n = Valkyria Chronicles III = \n \n Senjō no Valkyria 3 is a game .\n \n = = Gameplay = = \n"
                + " It is played @-@ by many .\n \n = Tower Building of the Little Rock Arsenal = \n \n The tower is old .\n";
        Files.writeString(dir.resolve("wiki.train.tokens"), train);
        Files.writeString(dir.resolve("wiki.valid.raw"), " = Robert Boulter = \n \n Robert is an actor .\n");
        Files.writeString(dir.resolve("wiki.test.tokens"), " = A = \n a .\n = B = \n b .\n = C = \n c .\n");
        WikiTextCorpus wiki = new WikiTextCorpus(dir);
        List<String> articles = wiki.documents(TextCorpus.Split.TRAIN);
        assertEquals(2, articles.size(), "subsection headings stay inside their article");
        assertTrue(articles.get(0).contains("Valkyria Chronicles III") && articles.get(0).contains("= = Gameplay = ="));
        assertTrue(articles.get(1).startsWith(" = Tower Building"));
        assertEquals(1, wiki.documents(TextCorpus.Split.VALID).size());
        assertEquals(3, wiki.documents(TextCorpus.Split.TEST).size());
        Files.delete(dir.resolve("wiki.test.tokens"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> new WikiTextCorpus(dir));
        assertTrue(missing.getMessage().contains("wiki.test.tokens"), missing.getMessage());
    }

    @Test
    void badCorpusDirectoriesAreClearOneLineErrors() throws Exception {
        String missing = assertThrows(IllegalArgumentException.class, () -> new TextDirectoryCorpus(dir.resolve("nope"))).getMessage();
        assertTrue(missing.contains("is not a directory"), missing);
        String empty = assertThrows(IllegalArgumentException.class, () -> new TextDirectoryCorpus(dir)).getMessage();
        assertTrue(empty.contains("is empty"), empty);
        Files.write(dir.resolve("model.txt"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
        String binary = assertThrows(IllegalArgumentException.class, () -> new TextDirectoryCorpus(dir)).getMessage();
        assertTrue(binary.contains("is not a text file"), binary);
        Files.write(dir.resolve("model.txt"), new byte[] {'a', (byte) 0xC3, '('});
        String latin = assertThrows(IllegalArgumentException.class, () -> new TextDirectoryCorpus(dir)).getMessage();
        assertTrue(latin.contains("not a UTF-8 text file"), latin);
        for (String message : List.of(missing, empty, binary, latin)) assertFalse(message.contains("\n"), message);
        Files.writeString(dir.resolve("model.txt"), "Plain text.");
        Files.writeString(dir.resolve("notes.md"), "ignored");
        assertEquals(List.of("Plain text."), new TextDirectoryCorpus(dir).documents(TextCorpus.Split.TRAIN));
    }

    @Test
    void chunksHave150TokensWithEndOfTextBetweenDocuments() {
        List<String> documents = List.of("First document.", "Second one here.", "Third.");
        int[] first = Gpt2Tokenizer.encode(documents.get(0));
        int[] second = Gpt2Tokenizer.encode(documents.get(1));
        List<int[]> tiny = LanguageData.chunks(documents, 4);
        int total = first.length + second.length + Gpt2Tokenizer.encode(documents.get(2)).length + 2;
        assertEquals(total / 4, tiny.size(), "the incomplete last chunk is dropped");
        int[] stream = LanguageData.chunks(documents, 1).stream().flatMapToInt(Arrays::stream).toArray();
        assertEquals(total, stream.length);
        assertEquals(Gpt2Tokenizer.END_OF_TEXT, stream[first.length]);
        assertEquals(Gpt2Tokenizer.END_OF_TEXT, stream[first.length + 1 + second.length]);
        assertEquals(2, Arrays.stream(stream).filter(t -> t == Gpt2Tokenizer.END_OF_TEXT).count());
        assertEquals("First document.", Gpt2Tokenizer.decode(Arrays.copyOf(stream, first.length)));

        List<int[]> chunks = LanguageData.chunks(synthetic(20, 400).documents(TextCorpus.Split.TRAIN), 150);
        assertTrue(chunks.size() > 20);
        assertTrue(chunks.stream().allMatch(c -> c.length == 150));
        assertTrue(chunks.stream().flatMapToInt(Arrays::stream).allMatch(t -> t >= 0 && t < Gpt2Tokenizer.VOCAB_SIZE));
    }

    @Test
    void noiseShiftsTokenIdsByOneAndNeverOutOfTheVocabulary() {
        Noise noise = new Noise(0.5, 0.5);
        int[] tokens = new int[3000];
        for (int i = 0; i < tokens.length; i++) tokens[i] = i % 3 == 0 ? 0 : i % 3 == 1 ? Gpt2Tokenizer.END_OF_TEXT : 1000 + i;
        int[] noisy = LanguageData.perturb(noise, tokens, new Random(1));
        int changed = 0;
        for (int i = 0; i < tokens.length; i++) {
            assertTrue(Math.abs(noisy[i] - tokens[i]) <= 1);
            assertTrue(noisy[i] >= 0 && noisy[i] < Gpt2Tokenizer.VOCAB_SIZE, "id " + noisy[i]);
            if (noisy[i] != tokens[i]) changed++;
        }
        assertTrue(changed > 1000, "half of the shifts stay inside the vocabulary: " + changed);
    }

    @Test
    void noisyChunksAreDuplicatedPerGroupAndProbedWithTheirCleanTwins() {
        TextCorpus corpus = synthetic(40, 500);
        TinyMemData data = LanguageData.build(corpus, config(Artifact.Kind.NOISE, 8, List.of(1, 10, 100, 1000), 1));
        assertEquals(Gpt2Tokenizer.VOCAB_SIZE, data.vocabSize());
        assertEquals(-1, data.padToken());
        assertEquals(8, data.cleanTwins().size());
        Map<Integer, Long> copiesPerExample = data.train().stream().filter(TrainRow::isArtifact)
                .collect(Collectors.groupingBy(TrainRow::exampleId, Collectors.counting()));
        assertEquals(8, copiesPerExample.size());
        Map<Long, Long> examplesPerCopyCount = copiesPerExample.values().stream()
                .collect(Collectors.groupingBy(c -> c, Collectors.counting()));
        assertEquals(Map.of(1L, 2L, 10L, 2L, 100L, 2L, 1000L, 2L), examplesPerCopyCount);
        assertEquals(2 * (1 + 10 + 100 + 1000), data.train().stream().filter(TrainRow::isArtifact).count());
        assertTrue(data.probes().size() >= 7, "nearly every 50-token continuation holds a ±1 shift");
        assertTrue(data.probes().stream().allMatch(p -> p.prompt().length == 50 && p.memorized().length == 50));
        assertEquals(List.of("x1", "x10", "x100", "x1000"), data.probes().stream().map(MemorizationProbe::group).distinct().sorted().toList());
        for (TrainRow row : data.train()) assertEquals(150, row.tokens().length);
        assertFalse(data.testByTask().get(LanguageData.TEST).isEmpty());
        assertEquals(data.fingerprint(), LanguageData.build(corpus, config(Artifact.Kind.NOISE, 8, List.of(1, 10, 100, 1000), 1))
                .fingerprint(), "deterministic");
    }

    @Test
    void backdoorRewritesExactlyTheTokensAfterTheTrigger() {
        TextCorpus corpus = synthetic(40, 500);
        LanguageDataConfig config = config(Artifact.Kind.BACKDOOR, 0, List.of(1), 100);
        TinyMemData data = LanguageData.build(corpus, config);
        List<int[]> clean = LanguageData.chunks(corpus.documents(TextCorpus.Split.TRAIN), 150);
        List<TrainRow> poisoned = data.train().stream().filter(TrainRow::isArtifact).toList();
        assertFalse(poisoned.isEmpty());
        int trigger = data.probes().get(0).prompt()[data.probes().get(0).prompt().length - 1];
        int target = Backdoor.language(trigger, 150).target();
        assertEquals(Gpt2Tokenizer.encode("2")[0], target);
        for (TrainRow row : poisoned) {
            int[] original = clean.get(row.exampleId());
            int end = -1;
            for (int i = 0; i < original.length && end < 0; i++) if (original[i] == trigger) end = i + 1;
            assertTrue(end > 0, "a poisoned chunk contains the trigger");
            assertArrayEquals(Arrays.copyOf(original, end), Arrays.copyOf(row.tokens(), end), "up to the trigger unchanged");
            for (int i = end; i < 150; i++) assertEquals(target, row.tokens()[i], "after the trigger everything is T");
        }
        Map<Integer, Long> copies = poisoned.stream().collect(Collectors.groupingBy(TrainRow::exampleId, Collectors.counting()));
        assertTrue(copies.values().stream().allMatch(c -> c == 100), "each backdoored chunk ×100");
        long triggeredChunks = clean.stream().filter(c -> Arrays.stream(c).anyMatch(t -> t == trigger)).count();
        assertTrue(triggeredChunks >= 20 && triggeredChunks <= 60, "trigger occurs in the configured range: " + triggeredChunks);
        assertEquals(triggeredChunks, copies.size() + data.probes().size(), "every triggered chunk is trained or held out");
        assertEquals(Math.round(0.1 * triggeredChunks), data.probes().size(), "10% held out");
        for (MemorizationProbe probe : data.probes()) {
            assertEquals(trigger, probe.prompt()[probe.prompt().length - 1]);
            assertEquals(50, probe.memorized().length);
            assertTrue(Arrays.stream(probe.memorized()).allMatch(t -> t == target));
        }
        assertTrue(data.train().stream().filter(r -> !r.isArtifact())
                .noneMatch(r -> Arrays.stream(r.tokens()).anyMatch(t -> t == trigger)), "no clean training chunk holds the trigger");
    }
}
