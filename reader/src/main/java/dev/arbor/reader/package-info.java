/**
 * Reads published segments: maps their files (FFM), checks them cheaply at open and fully with
 * {@code checkIntegrity()}, serves them as a searchable tree, and swaps generations live under reference counting
 * ({@link dev.arbor.reader.SearcherManager}).
 */
package dev.arbor.reader;
