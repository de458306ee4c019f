package org.tinymem.data;

/**
 * The 14-token vocabulary of the TinyMem math models (App. A.1.1): digits 0–9, {@code ^} (begin, 10),
 * {@code $} (end, 11), space (12) and the pad token {@code _} (13). One token per character.
 *
 * <p>Ours: any other character is an error (the reference code silently drops it, which hides bugs
 * in data generation).
 */
public final class MathTokenizer {
    public static final int VOCAB_SIZE = 14;
    public static final int BEGIN = 10;
    public static final int END = 11;
    public static final int SPACE = 12;
    public static final int PAD = 13;
    private static final String SYMBOLS = "0123456789^$ _";

    private MathTokenizer() {}

    /** Encodes text character by character; rejects characters outside the vocabulary. */
    public static int[] encode(String text) {
        int[] tokens = new int[text.length()];
        for (int i = 0; i < text.length(); i++) {
            int id = SYMBOLS.indexOf(text.charAt(i));
            if (id < 0) {
                throw new IllegalArgumentException("character '" + text.charAt(i) + "' at position " + i
                        + " of \"" + text + "\" is not in the math vocabulary \"" + SYMBOLS
                        + "\" (digits, ^, $, space, _)");
            }
            tokens[i] = id;
        }
        return tokens;
    }

    /** Decodes token ids back to text; rejects ids outside 0..13. */
    public static String decode(int[] tokens) {
        StringBuilder text = new StringBuilder(tokens.length);
        for (int token : tokens) {
            if (token < 0 || token >= VOCAB_SIZE) {
                throw new IllegalArgumentException("token id " + token + " is outside the math vocabulary 0.."
                        + (VOCAB_SIZE - 1));
            }
            text.append(SYMBOLS.charAt(token));
        }
        return text.toString();
    }
}
