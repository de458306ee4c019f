/**
 * Unlearning baselines from the LLM-unlearning literature, beyond the paper (issue #16): they
 * fine-tune every parameter instead of ablating a few, so their {@link org.tinymem.unlearn.Unlearner#unit()}
 * is {@code steps} (optimizer steps taken) and their ratio is 1 by construction.
 * <ul>
 *   <li>{@link org.tinymem.unlearn.baseline.GradientAscent} ({@code ga}): ascend the next-token loss of the
 *       memorized continuations;</li>
 *   <li>{@link org.tinymem.unlearn.baseline.GradientDifference} ({@code gd}): the same, plus descent on
 *       the retain rows;</li>
 *   <li>{@link org.tinymem.unlearn.baseline.NegativePreference} ({@code npo}): Zhang et al. 2024's
 *       Negative Preference Optimization against a frozen copy of the original model.</li>
 * </ul>
 * All three share {@link org.tinymem.unlearn.baseline.Training} (AdamW over every parameter) and
 * {@link org.tinymem.unlearn.baseline.RowLosses} (per-row losses through the sliced large-vocabulary
 * head, so they run on the language models too).
 */
package org.tinymem.unlearn.baseline;
