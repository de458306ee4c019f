package org.tinymem.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sha256Test {
    // FIPS 180-2, appendix B.1 ("abc") and the empty message.
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void knownVectors() {
        assertEquals(ABC, Sha256.of("abc"));
        assertEquals(EMPTY, Sha256.of(""));
        MessageDigest digest = Sha256.digest();
        digest.update("ab".getBytes());
        digest.update("c".getBytes());
        assertEquals(ABC, Sha256.hex(digest));
    }

    @Test
    void fileHashEqualsTextHashAcrossBlocks(@TempDir Path dir) throws Exception {
        String text = "x".repeat(200_000) + "abc"; // more than three 64 KiB blocks
        Path file = Files.writeString(dir.resolve("weights.bin"), text);
        assertEquals(Sha256.of(text), Sha256.ofFile(file));
        assertEquals(EMPTY, Sha256.ofFile(Files.writeString(dir.resolve("empty"), "")));
    }

    @Test
    void missingFileNamesTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("model.safetensors");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Sha256.ofFile(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
