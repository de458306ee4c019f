package org.tinymem.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A corpus of English documents in three splits, the raw material of the language models (§2.3,
 * App. A.1.2). The paper trains on WikiText-103 ({@link WikiTextCorpus}); the embedded default is the
 * Brown Corpus ({@link BrownCorpus}); users bring their own plain text ({@link TextDirectoryCorpus}).
 */
public interface TextCorpus {

    enum Split { TRAIN, VALID, TEST }

    /** A short name for records ({@code brown}, {@code wikitext}, {@code dir}). */
    String name();

    /** The documents of one split, in a fixed order. */
    List<String> documents(Split split);

    /**
     * The split of document {@code index} (in a fixed order) for corpora that come without one: a
     * deterministic 90/5/5 split by document, every 20th document to valid and the one after it to test.
     */
    static Split splitOf(int index) {
        return switch (index % 20) {
            case 18 -> Split.VALID;
            case 19 -> Split.TEST;
            default -> Split.TRAIN;
        };
    }

    /** Documents {@code all} (in order) that fall into {@code split} by {@link #splitOf}. */
    static List<String> select(List<String> all, Split split) {
        return java.util.stream.IntStream.range(0, all.size()).filter(i -> splitOf(i) == split).mapToObj(all::get).toList();
    }

    /** A directory that must exist and be non-empty; the error names the corpus and what to do. */
    static Path requireDirectory(Path dir, String what) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(what + ": " + dir + " is not a directory");
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) throw new IllegalArgumentException(what + ": " + dir + " is empty");
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir, e);
        }
        return dir;
    }

    /** Reads a UTF-8 text file; a binary or non-UTF-8 file is a clear error. */
    static String readText(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        for (byte b : bytes) {
            if (b == 0) throw new IllegalArgumentException(file + " is not a text file (it contains NUL bytes)");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not a UTF-8 text file");
        }
    }
}
