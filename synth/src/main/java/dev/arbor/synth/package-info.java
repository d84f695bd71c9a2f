/**
 * Structured synthetic indexes (clustered embeddings, a model that follows the clusters) of any size, trees and Deep
 * Retrieval lattices over a tree's items, for tests, benchmarks and {@code arbor synth}; not part of training or
 * serving.
 */
package dev.arbor.synth;
