package org.tinymem.data;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/**
 * The GPT-2 byte-pair encoding of the language models (App. A.1.2, "Vocabulary": 50,257 tokens),
 * via jtokkit's {@code r50k_base}, which is GPT-2's vocabulary and merges.
 */
public final class Gpt2Tokenizer {
    public static final int VOCAB_SIZE = 50_257;
    /** {@code <|endoftext|>}, placed between documents. */
    public static final int END_OF_TEXT = 50_256;

    private static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

    private Gpt2Tokenizer() {}

    /** Token ids of plain text; special-token text such as "<|endoftext|>" is encoded as ordinary text. */
    public static int[] encode(String text) {
        return ENCODING.encodeOrdinary(text).toArray();
    }

    public static String decode(int[] tokens) {
        IntArrayList list = new IntArrayList(tokens.length);
        for (int token : tokens) list.add(token);
        return ENCODING.decode(list);
    }
}
