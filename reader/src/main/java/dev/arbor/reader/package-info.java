/**
 * Reads published segments: maps their files (FFM), checks them cheaply at open and fully with
 * {@code checkIntegrity()}, serves a tree as a searchable tree and a path lattice through its lookups
 * ({@link dev.arbor.reader.LatticeSegment}), answers retrievals from a segment of either kind through one
 * {@link dev.arbor.reader.SegmentSearcher}, and swaps its generations live under reference counting
 * ({@link dev.arbor.reader.SearcherManager}).
 */
package dev.arbor.reader;
