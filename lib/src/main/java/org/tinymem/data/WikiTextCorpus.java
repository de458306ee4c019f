package org.tinymem.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * WikiText (Merity et al. 2017), the paper's corpus (App. A.1.2): the standard files
 * {@code wiki.train.tokens}, {@code wiki.valid.tokens} and {@code wiki.test.tokens} (or the
 * {@code .raw} variants) of a directory the user gives. The files define the split; each article,
 * which starts at a top-level heading line {@code " = Title = "}, is one document.
 */
public final class WikiTextCorpus implements TextCorpus {
    private static final Pattern ARTICLE_HEADING = Pattern.compile("^ = [^=].* = $");

    private final Map<Split, List<String>> documents = new EnumMap<>(Split.class);

    public WikiTextCorpus(Path dir) {
        TextCorpus.requireDirectory(dir, "WikiText");
        for (Split split : Split.values()) {
            Path file = file(dir, split);
            if (file == null && split != Split.VALID) {
                String name = split.name().toLowerCase();
                throw new IllegalArgumentException("WikiText: " + dir + " has neither wiki." + name + ".tokens nor wiki."
                        + name + ".raw");
            }
            documents.put(split, file == null ? List.of() : articles(TextCorpus.readText(file)));
        }
    }

    private static Path file(Path dir, Split split) {
        for (String extension : List.of(".tokens", ".raw")) {
            Path file = dir.resolve("wiki." + split.name().toLowerCase() + extension);
            if (Files.isRegularFile(file)) return file;
        }
        return null;
    }

    /** Splits a WikiText file into articles at its top-level headings (text before the first heading is one). */
    static List<String> articles(String text) {
        List<String> articles = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (ARTICLE_HEADING.matcher(line).matches() && !current.toString().isBlank()) {
                articles.add(current.toString());
                current.setLength(0);
            }
            current.append(line).append('\n');
        }
        if (!current.toString().isBlank()) articles.add(current.toString());
        return articles;
    }

    @Override
    public String name() {
        return "wikitext";
    }

    @Override
    public List<String> documents(Split split) {
        return documents.get(split);
    }
}
