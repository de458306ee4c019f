package org.tinymem.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The tokenizer of a HuggingFace model directory ({@code tokenizer.json}, e.g. Pythia's GPT-NeoX BPE),
 * through DJL's binding of the Rust {@code tokenizers} library. The native library ships inside the
 * {@code ai.djl.huggingface:tokenizers} jar and is unpacked to DJL's cache on first use; nothing is
 * downloaded, so it works with {@code -Dai.djl.offline=true}.
 *
 * <p>{@link #encode} adds no special tokens (no BOS/EOS from the post-processor): memorization
 * measures compare raw token sequences, as the corpus stores them.
 */
public final class HfTokenizer implements AutoCloseable {
    public static final String FILE = "tokenizer.json";

    private final HuggingFaceTokenizer tokenizer;

    private HfTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Loads {@code dir/tokenizer.json}; a missing or unreadable file is a one-line error naming it. */
    public static HfTokenizer load(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no " + FILE + " in " + dir + ": copy the model's tokenizer.json there");
        }
        try {
            return new HfTokenizer(HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false")));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + " is not a tokenizer the HF tokenizers library reads: " + e.getMessage(), e);
        }
    }

    public int[] encode(String text) {
        Encoding encoding = tokenizer.encode(text);
        return Arrays.stream(encoding.getIds()).mapToInt(Math::toIntExact).toArray();
    }

    /** The text of {@code ids}, special tokens kept (what was generated, verbatim). */
    public String decode(int[] ids) {
        return tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
