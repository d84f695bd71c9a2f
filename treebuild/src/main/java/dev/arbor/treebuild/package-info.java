/**
 * Model-free trees over the items: the category tree that starts TDM, and balanced k-means over item
 * vectors (learnt leaf embeddings, or another model's) that re-clusters it. Both produce an item-to-leaf layout
 * in a complete B-ary tree.
 */
package dev.arbor.treebuild;
