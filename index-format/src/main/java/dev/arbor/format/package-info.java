/**
 * The on-disk specification every other module agrees on (docs/FORMAT.md): framed, checksummed files
 * ({@link dev.arbor.format.FramedFile}), the segment and commit layout ({@link dev.arbor.format.SegmentFormat}),
 * tree arithmetic ({@link dev.arbor.format.TreeShape}), the scoring model's architecture and weights, and the one
 * definition of the behaviour input ({@link dev.arbor.format.BehaviourWindows}). It depends on nothing else in Arbor.
 */
package dev.arbor.format;
