package org.tinymem.util;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 as lower-case hex: the fingerprints of data, weights, baselines and sweep keys. One place
 * for the digest boilerplate (every JVM has SHA-256; its absence is a broken installation).
 */
public final class Sha256 {
    private Sha256() {}

    /** A fresh digest to feed with {@link MessageDigest#update}; finish with {@link #hex}. */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The digest's value as 64 hex characters (the digest is reset). */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The hash of a text's UTF-8 bytes. */
    public static String of(String text) {
        MessageDigest digest = digest();
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        return hex(digest);
    }

    /** The hash of a file's bytes, read in 64 KiB blocks. */
    public static String ofFile(Path file) {
        MessageDigest digest = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        } catch (IOException ex) {
            throw new UncheckedIOException("could not read " + file + ": " + ex.getMessage(), ex);
        }
        return hex(digest);
    }
}
