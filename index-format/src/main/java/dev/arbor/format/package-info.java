/**
 * The on-disk specification every other module agrees on (docs/FORMAT.md): framed, checksummed files
 * ({@link dev.arbor.format.FramedFile}), the segment and commit layout ({@link dev.arbor.format.SegmentFormat}),
 * tree and lattice arithmetic ({@link dev.arbor.format.TreeShape}, {@link dev.arbor.format.LatticeShape}), the
 * models' architectures and weights, the indexes in memory that the writer consumes
 * ({@link dev.arbor.format.TreeIndex}, {@link dev.arbor.format.LatticeIndex}), and the one definition of the
 * behaviour input ({@link dev.arbor.format.BehaviourWindows}) and of ids given as text, integers or names
 * ({@link dev.arbor.format.ExternalIds}). It depends on nothing else in Arbor.
 */
package dev.arbor.format;
