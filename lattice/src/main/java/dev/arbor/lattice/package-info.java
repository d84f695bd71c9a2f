/**
 * Deep Retrieval's lattice (arXiv 2007.07203): {@code D} layers of {@code K} codes, each item on {@code J} paths.
 * {@link dev.arbor.lattice.LatticeSearcher} ranks paths by beam search over a per-layer
 * {@link dev.arbor.lattice.LayerScorer}; {@link dev.arbor.lattice.ItemCollector} turns the top paths into items and
 * reranks them, or reranks every item (the brute force); {@link dev.arbor.lattice.PathScores} and
 * {@link dev.arbor.lattice.PathAssignment} are the EM training's M-step. Nothing here knows the file format or the
 * neural model.
 */
package dev.arbor.lattice;
