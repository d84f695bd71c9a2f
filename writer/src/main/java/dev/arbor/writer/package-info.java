/**
 * Publishes an index as an immutable, checksummed segment and commits it atomically, so a reader or a crash
 * sees either the old generation or the new one, never a half-written one.
 */
package dev.arbor.writer;
