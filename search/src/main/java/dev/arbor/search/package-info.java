/**
 * Beam search and brute force over any {@link dev.arbor.search.SearchableTree} whose nodes a
 * {@link dev.arbor.scorer.LevelScorer} scores: a mapped segment, or a tree in training. Per-thread
 * {@link dev.arbor.search.SearchContext}s make a search allocate nothing after warm-up.
 */
package dev.arbor.search;
