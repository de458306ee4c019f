package org.tinymem.data;

/**
 * An unwanted artifact injected into training data to induce memorization (§2.2): perturbed copies
 * of training sequences ({@link Noise}, Def. 2.2) or backdoored ones ({@link Backdoor}, Def. 2.3).
 */
public sealed interface Artifact permits Noise, Backdoor {

    /** The kind as used on the command line and in result files. */
    Kind kind();

    enum Kind {
        NOISE, BACKDOOR;

        public String cliName() {
            return name().toLowerCase();
        }

        public static Kind parse(String name) {
            for (Kind kind : values()) {
                if (kind.cliName().equalsIgnoreCase(name)) return kind;
            }
            throw new IllegalArgumentException("unknown artifact '" + name + "': use noise or backdoor");
        }
    }
}
