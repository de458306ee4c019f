package org.tinymem.data;

/**
 * One learnable math "task" of §2.3: a recurrence {@code x_{j+1} = f(x_j)} with an additive
 * ({@code f(x) = x + b}) or multiplicative ({@code f(x) = w·x mod d}) step.
 *
 * @param operation additive or multiplicative
 * @param coefficient {@code b} for additive tasks, {@code w} for multiplicative ones (7 is the primary task)
 * @param modulus {@code d} of multiplicative tasks (20134 in the paper); unused for additive tasks
 * @param length how many values a sequence holds (20; the start value itself is not included)
 */
public record MathTask(Operation operation, int coefficient, long modulus, int length) {

    /** The two families of math data of App. A.1.1. */
    public enum Operation {
        ADD, MULT;

        /** Name as used on the command line ({@code math-add}, {@code math-mult}). */
        public String dataName() {
            return "math-" + name().toLowerCase();
        }
    }

    public static final long PAPER_MODULUS = 20134;
    public static final int PAPER_LENGTH = 20;

    public MathTask {
        if (operation == null) throw new IllegalArgumentException("operation is required");
        if (coefficient <= 0) throw new IllegalArgumentException("coefficient must be positive, got " + coefficient);
        if (modulus <= 1) throw new IllegalArgumentException("modulus must be > 1, got " + modulus);
        if (length <= 0) throw new IllegalArgumentException("length must be positive, got " + length);
    }

    /** A task with the paper's modulus and sequence length. */
    public static MathTask of(Operation operation, int coefficient) {
        return new MathTask(operation, coefficient, PAPER_MODULUS, PAPER_LENGTH);
    }

    /** {@code f(x)}. */
    public long step(long x) {
        return operation == Operation.ADD ? x + coefficient : Math.floorMod(x * coefficient, modulus);
    }

    /** The {@link #length} values {@code f(start), f(f(start)), ...}. */
    public long[] values(long start) {
        long[] values = new long[length];
        long x = start;
        for (int j = 0; j < length; j++) {
            x = step(x);
            values[j] = x;
        }
        return values;
    }

    /** {@code "^" + values joined by " " + "$"}, the text a model is trained on. */
    public static String text(long[] values) {
        StringBuilder text = new StringBuilder("^");
        for (int j = 0; j < values.length; j++) {
            if (j > 0) text.append(' ');
            text.append(values[j]);
        }
        return text.append('$').toString();
    }

    /** Tokens of the sequence that starts from {@code start}. */
    public int[] tokens(long start) {
        return MathTokenizer.encode(text(values(start)));
    }

    /** A short label such as {@code add7} or {@code mult3}. */
    public String label() {
        return operation.name().toLowerCase() + coefficient;
    }
}
