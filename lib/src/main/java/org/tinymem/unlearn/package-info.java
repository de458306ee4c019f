/**
 * Post-training unlearning (§3.3, App. A.3): one {@link org.tinymem.unlearn.Unlearner} contract for
 * every method, the unlearn/retain sets ({@link org.tinymem.unlearn.UnlearnSets}), shared mask,
 * gradient and batch helpers, and the measured workflow ({@link org.tinymem.unlearn.Unlearning}).
 * Weight-level methods (Algorithms 1–6) live in {@code unlearn.weight}, neuron-level ones (Chang et al.
 * 2024) in {@code unlearn.neuron}, fine-tuning baselines from the unlearning literature that are not in the
 * paper (gradient ascent, gradient difference, NPO) in {@code unlearn.baseline}; {@link
 * org.tinymem.unlearn.Relearning} checks whether an edit's memorization comes back after clean fine-tuning.
 *
 * <p>Choices of ours, beyond SPEC §7:
 * <ul>
 *   <li>Counts are {@code floor(ratio · size)} (per tensor, or over all eligible weights for Greedy
 *       and Durable-agg), and the reported count is the number of entries actually set to zero.</li>
 *   <li>The retain set is every clean training row by default (the reference code's {@code extra_data});
 *       {@code --retain-rows N} takes a seeded sample of N instead (cheaper, labelled where used). Every
 *       method of a table gets the same retain set.</li>
 *   <li>Sequence losses are the mean over real (non-pad) target tokens of each row; "mean ℓ of a
 *       group" (BalancedSubnet) is the mean of those per-row losses.</li>
 *   <li>Mask scores are drawn with PyTorch's {@code kaiming_uniform_(a=√5)} bound 1/√fan_in, fan_in
 *       being dimension 1 of the stored tensor (HF Conv1D layout) and the length for 1-D biases
 *       (PyTorch refuses 1-D tensors); the straight-through gradient is that of |score|, as in
 *       edge-popup (Ramanujan et al. 2020), and the masked entries are the lowest-|score| ones.</li>
 *   <li>SOU's Fisher inverse is kept in float64 (damping 1e-7 puts 1e7 on its diagonal).</li>
 *   <li>M and A are signed % differences, 100 · (after − before) / before (Fig. 3 and 5).</li>
 *   <li>The forget term of Subnet and BalancedSubnet can be restricted to some tokens of a memorized
 *       row ({@link org.tinymem.unlearn.UnlearnTokens}): the paper's whole sequence (default), the
 *       continuation, or only the artifact tokens that differ from the clean twin (the quick
 *       profile's choice, see docs/unlearning.md).</li>
 * </ul>
 */
package org.tinymem.unlearn;
