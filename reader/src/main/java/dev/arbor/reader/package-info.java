/**
 * Reads published segments: maps their files (FFM), checks them cheaply at open and fully with
 * {@code checkIntegrity()}, serves a tree as a searchable tree and a path lattice through its lookups
 * ({@link dev.arbor.reader.LatticeSegment}), and swaps tree generations live under reference counting
 * ({@link dev.arbor.reader.SearcherManager}).
 */
package dev.arbor.reader;
