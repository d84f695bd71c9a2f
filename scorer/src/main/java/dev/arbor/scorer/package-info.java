/**
 * The one kernel provider and the batched node scorer. {@link dev.arbor.scorer.Kernels} has a Vector API
 * implementation and a scalar fallback, duelled in the tests; serving and training both compute on it.
 * {@link dev.arbor.scorer.LevelScorer} is what beam search asks of a model; {@link dev.arbor.scorer.NodeScorer}
 * implements it for the attention-DNN and the MLP over mapped weights, and {@link dev.arbor.scorer.ReferenceScorer}
 * is the literal formula the tests hold it to.
 */
package dev.arbor.scorer;
