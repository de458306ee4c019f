/**
 * Neuron-level unlearning (§3.3, App. A.3.3; Chang et al. 2024, "Do localization methods actually
 * localize memorized data in LLMs?", whose MemPi code the paper follows): Zero, Act, Slim, HC and IG.
 * Each scores every MLP hidden unit (after the ReLU) of every block, then zeroes the input weights
 * (the {@code c_fc} column) and bias of the int(ratio · width) highest-scoring units of each block
 * ({@link org.tinymem.unlearn.neuron.NeuronUnlearner}), so the edit is part of the saved weights.
 *
 * <table>
 *   <caption>Attribution of unit j (the highest are dropped in every method)</caption>
 *   <tr><th>method</th><th>attribution</th></tr>
 *   <tr><td>{@code zero}</td><td>continuation loss with j's activation set to 0 − original loss</td></tr>
 *   <tr><td>{@code act}</td><td>|mean activation over continuation positions| × ‖c_proj row j‖</td></tr>
 *   <tr><td>{@code slim}</td><td>learned coefficient c<sub>j</sub> ∈ [0, 1] (LM loss + λ·mean|c|)</td></tr>
 *   <tr><td>{@code hc}</td><td>σ(log α<sub>j</sub>) of a hard-concrete L0 gate (LM loss + λ·E[L0])</td></tr>
 *   <tr><td>{@code ig}</td><td>integrated gradients of p(memorized token), baseline 0, right Riemann sum</td></tr>
 * </table>
 *
 * <p>Choices of ours, beyond SPEC §7 (each class says where it differs from the reference code):
 * <ul>
 *   <li>Only "prompt vs. continuation" is used: continuation and artifact tokens count alike, so no
 *       method sees the clean twin's ground-truth marks. The losses and probabilities are over the
 *       continuation targets (positions whose next token is continuation) via
 *       {@link org.tinymem.model.NextTokenLoss}, which never materialises a batch's vocabulary-wide logits.</li>
 *   <li>Units are read and scaled through {@link org.tinymem.model.Intervention#mlpHidden}; no method
 *       copies the forward pass.</li>
 *   <li>Ties in an attribution go to the lower unit index; a ratio with int(ratio · width) = 0 ablates
 *       nothing and says so ({@link org.tinymem.unlearn.neuron.NeuronAblation#note()}).</li>
 *   <li>The unit names are GPT-2's ({@link org.tinymem.unlearn.neuron.MlpUnits}); a GPT-NeoX model
 *       needs its names there.</li>
 * </ul>
 */
package org.tinymem.unlearn.neuron;
