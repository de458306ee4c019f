package org.tinymem.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A user's own corpus: every {@code *.txt} file of a directory (sorted by name, not recursive) is
 * one document, split 90/5/5 by document ({@link TextCorpus#splitOf}).
 */
public final class TextDirectoryCorpus implements TextCorpus {
    private final List<String> documents;

    public TextDirectoryCorpus(Path dir) {
        TextCorpus.requireDirectory(dir, "text corpus");
        List<Path> files;
        try (Stream<Path> entries = Files.list(dir)) {
            files = entries.filter(p -> p.getFileName().toString().endsWith(".txt") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir, e);
        }
        if (files.isEmpty()) throw new IllegalArgumentException("text corpus: " + dir + " holds no *.txt files");
        this.documents = files.stream().map(TextCorpus::readText).filter(text -> !text.isBlank()).toList();
        if (documents.isEmpty()) throw new IllegalArgumentException("text corpus: every *.txt file in " + dir + " is empty");
    }

    @Override
    public String name() {
        return "dir";
    }

    @Override
    public List<String> documents(Split split) {
        return TextCorpus.select(documents, split);
    }
}
