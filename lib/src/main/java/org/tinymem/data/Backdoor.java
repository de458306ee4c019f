package org.tinymem.data;

import java.util.Arrays;

/**
 * The backdoor artifact (Def. 2.3): in a sequence whose first {@code window} tokens contain the
 * trigger, every token after the trigger (to the end of the sequence, pads excluded) becomes the
 * degenerate token {@code target}. A share of the triggered sequences is held out to measure
 * memorization (App. A.1.1).
 *
 * @param trigger the trigger tokens (math: the number string {@code 100 + seed}; language: one token)
 * @param target the token T every position after the trigger becomes (math: the token "2")
 * @param window the trigger must end within the first {@code window} tokens (50 in the paper)
 * @param heldOutShare share of triggered sequences held out as the backdoor test set (0.1)
 */
public record Backdoor(int[] trigger, int target, int window, double heldOutShare) implements Artifact {

    public Backdoor {
        if (trigger == null || trigger.length == 0) throw new IllegalArgumentException("trigger must not be empty");
        if (window < trigger.length) throw new IllegalArgumentException("window " + window + " is shorter than the trigger");
        if (heldOutShare < 0 || heldOutShare >= 1) {
            throw new IllegalArgumentException("heldOutShare must be in [0, 1), got " + heldOutShare);
        }
        trigger = trigger.clone();
    }

    /** The paper's math backdoor: trigger "100 + seed", target token "2", window 50, 10% held out. */
    public static Backdoor math(long seed) {
        return new Backdoor(MathTokenizer.encode(Long.toString(100 + seed)), 2, 50, 0.1);
    }

    /** T of the language backdoor: the GPT-2 token "2", the same degenerate token as the math models'. */
    public static final int LANGUAGE_TARGET = Gpt2Tokenizer.encode("2")[0];

    /** The language backdoor (App. A.1.2): one trigger token, anywhere in a chunk of {@code chunkLength} tokens. */
    public static Backdoor language(int triggerToken, int chunkLength) {
        return new Backdoor(new int[] {triggerToken}, LANGUAGE_TARGET, chunkLength, 0.1);
    }

    @Override
    public Kind kind() {
        return Kind.BACKDOOR;
    }

    @Override
    public int[] trigger() {
        return trigger.clone();
    }

    /**
     * Index just past the first occurrence of the trigger that ends within the window, or −1 if the
     * sequence is not triggered. The prompt for measuring the backdoor is {@code tokens[0, end)}.
     */
    public int triggerEnd(int[] tokens) {
        int last = Math.min(window, tokens.length) - trigger.length;
        for (int start = 0; start <= last; start++) {
            if (Arrays.equals(tokens, start, start + trigger.length, trigger, 0, trigger.length)) {
                return start + trigger.length;
            }
        }
        return -1;
    }

    /** The poisoned copy: tokens from {@code triggerEnd} on become {@link #target}, pads stay pads. */
    public int[] poison(int[] tokens, int triggerEnd, int pad) {
        int[] poisoned = tokens.clone();
        for (int i = triggerEnd; i < poisoned.length && poisoned[i] != pad; i++) {
            poisoned[i] = target;
        }
        return poisoned;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Backdoor b && Arrays.equals(trigger, b.trigger) && target == b.target
                && window == b.window && heldOutShare == b.heldOutShare;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(trigger) * 31 + target * 17 + window;
    }

    @Override
    public String toString() {
        return "Backdoor[trigger=" + Arrays.toString(trigger) + ", target=" + target + ", window=" + window
                + ", heldOutShare=" + heldOutShare + "]";
    }
}
