/**
 * Model-free trees over the items: the category tree that starts TDM, and balanced k-means over item
 * vectors (learnt leaf embeddings, or another model's) that re-clusters it. Both produce an item-to-leaf layout
 * in a complete B-ary tree. Between rebuilds, {@link dev.arbor.treebuild.SparePlacement} puts new items into a
 * built tree's spare (padding) leaves beside the leaves nearest them.
 */
package dev.arbor.treebuild;
