/**
 * Training Deep Retrieval (arXiv 2007.07203) by EM: the trainable model over the lattice and its reranker
 * ({@link dev.arbor.latticetrain.TrainableLattice}, whose weights are exactly what {@code LatticeModelScorer} serves),
 * the E-step's epochs on the paper's {@code −log Σ_j p(π_j(y) | x)} and the reranker's logQ-corrected sampled softmax
 * ({@link dev.arbor.latticetrain.EStep}), the M-step that learns each item's J paths from the model's beam searches
 * ({@link dev.arbor.latticetrain.MStep}, on the lattice module's {@code PathScores} and {@code PathAssignment}), and
 * the rounds that alternate them ({@link dev.arbor.latticetrain.LatticeRounds}). It sits beside {@code treetrain}, on
 * {@code nn}'s optimiser and worker pool and the scorer's kernels.
 */
package dev.arbor.latticetrain;
