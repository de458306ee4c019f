package org.tinymem.model;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfTokenizerTest {

    /** A word-level tokenizer.json of five words, split on whitespace, decoded with spaces between words. */
    private static final String WORD_LEVEL = """
            {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
             "normalizer": null,
             "pre_tokenizer": {"type": "Whitespace"},
             "post_processor": null,
             "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": false},
             "model": {"type": "WordLevel", "unk_token": "<unk>",
                       "vocab": {"<unk>": 0, "the": 1, "model": 2, "memorized": 3, "this": 4}}}
            """;

    @Test
    void encodesAndDecodesOfflineWithTheBundledNativeLibrary(@TempDir Path dir) throws IOException {
        assertEquals("true", System.getProperty("ai.djl.offline"), "tests run offline (Surefire argLine)");
        Files.writeString(dir.resolve("tokenizer.json"), WORD_LEVEL);
        try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
            assertArrayEquals(new int[] {1, 2, 3, 4}, tokenizer.encode("the model memorized this"));
            assertArrayEquals(new int[] {4, 0, 1}, tokenizer.encode("this unknown the"));
            assertEquals("the model memorized this", tokenizer.decode(new int[] {1, 2, 3, 4}));
        }
    }

    @Test
    void missingTokenizerIsNamed(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfTokenizer.load(dir));
        assertTrue(e.getMessage().contains("no tokenizer.json"), e.getMessage());
    }
}
