package dev.arbor.treebuild;

import dev.arbor.format.TreeShape;

/**
 * Puts new items into the spare (padding) leaves of a built tree without rebuilding it: the tree family's routine
 * for a catalogue that grows between rebuilds.
 *
 * <p>An item arrives with a vector in the tree's leaf-embedding space. Its {@value #NEIGHBOURS} nearest occupied
 * leaves (squared Euclidean distance, the metric balanced k-means clusters by) are ranked; the item goes under the
 * lowest ancestor of the nearest one that still has a free leaf, and from there down, at each level, into the child
 * that holds the best-ranked neighbour, or else the child holding the most items (so it shares trained ancestors
 * rather than opening an empty subtree). Its leaf row becomes its vector, and so does the row of every ancestor
 * that held no item before it, since an empty subtree's rows are zeros and its only item is this one.
 *
 * <p>Items are placed one at a time, in the caller's order, each seeing the ones before it as occupied leaves.
 * The node table is updated in place; it allocates nothing per item.
 */
public final class SparePlacement {

    /** Occupied leaves ranked per item; the descent follows the best-ranked one that a subtree with room holds. */
    static final int NEIGHBOURS = 8;

    private final TreeShape shape;
    private final int dim;
    private final float[] table;
    private final int[] leafItem;
    /** Items under each node, leaves included. */
    private final int[] held;
    private final int[] nearestLeaf = new int[NEIGHBOURS];
    private final double[] nearestDistance = new double[NEIGHBOURS];
    private int placed;

    /**
     * @param itemToLeaf     the leaf of each item already in the tree
     * @param nodeEmbeddings {@code nodeCount x dim} rows in node-id order; updated in place as items are placed
     */
    public SparePlacement(TreeShape shape, int[] itemToLeaf, float[] nodeEmbeddings, int dim) {
        if ((long) shape.nodeCount() * dim != nodeEmbeddings.length) {
            throw new IllegalArgumentException("expected " + shape.nodeCount() + " x " + dim + " node embedding floats, got "
                    + nodeEmbeddings.length);
        }
        this.shape = shape;
        this.dim = dim;
        this.table = nodeEmbeddings;
        TreeOccupancy occupancy = TreeOccupancy.of(shape, itemToLeaf);
        leafItem = new int[shape.leafCount()];
        held = new int[shape.nodeCount()];
        for (int leaf = 0; leaf < leafItem.length; leaf++) {
            leafItem[leaf] = occupancy.itemAtLeaf(leaf);
        }
        for (int node = 0; node < held.length; node++) {
            held[node] = occupancy.itemCount(node);
        }
    }

    /** Leaves that hold no item yet. */
    public int freeLeaves() {
        return shape.leafCount() - held[0];
    }

    /** Items placed so far by {@link #place}. */
    public int placed() {
        return placed;
    }

    /**
     * Places item {@code item} by its leaf embedding {@code vector} ({@code dim} finite floats) and writes the
     * vector into the node table.
     *
     * @return the leaf position it now occupies
     * @throws IllegalStateException when no leaf is free: the tree needs a rebuild
     */
    public int place(int item, float[] vector) {
        if (vector.length != dim) {
            throw new IllegalArgumentException("item " + item + " has a " + vector.length + "-dimensional vector, the tree "
                    + dim);
        }
        if (freeLeaves() == 0) {
            throw new IllegalStateException("no spare leaf is left in the tree's " + shape.leafCount() + " leaves");
        }
        int found = rankNearest(vector);
        int node = found == 0 ? 0 : shape.leafNode(nearestLeaf[0]);
        while (free(node) == 0) {
            node = shape.parent(node);
        }
        int level = shape.levelOf(node);
        while (level < shape.leafLevel()) {
            node = child(node, level + 1, found);
            level++;
        }
        int leaf = node - shape.firstLeaf();
        leafItem[leaf] = item;
        for (int n = node; ; n = shape.parent(n)) {
            if (held[n]++ == 0) {
                System.arraycopy(vector, 0, table, n * dim, dim);
            }
            if (n == 0) {
                break;
            }
        }
        placed++;
        return leaf;
    }

    /** The child of {@code node} (its children lie on {@code childLevel}) that the descent enters. */
    private int child(int node, int childLevel, int found) {
        int first = shape.firstChild(node);
        for (int r = 0; r < found; r++) {
            int holder = shape.ancestorAt(shape.leafNode(nearestLeaf[r]), childLevel);
            if (holder >= first && holder < first + shape.branching() && free(holder) > 0) {
                return holder;
            }
        }
        int best = -1;
        for (int c = first; c < first + shape.branching(); c++) {
            if (free(c) > 0 && (best < 0 || held[c] > held[best])) {
                best = c;
            }
        }
        return best;
    }

    private int free(int node) {
        return leavesUnder(node) - held[node];
    }

    private int leavesUnder(int node) {
        int leaves = 1;
        for (int l = shape.levelOf(node); l < shape.leafLevel(); l++) {
            leaves *= shape.branching();
        }
        return leaves;
    }

    /** Fills the nearest-leaf ranking for {@code vector}; returns how many leaves it holds (fewer when few are occupied). */
    private int rankNearest(float[] vector) {
        int found = 0;
        int firstLeaf = shape.firstLeaf();
        for (int leaf = 0; leaf < leafItem.length; leaf++) {
            if (leafItem[leaf] < 0) {
                continue;
            }
            int row = (firstLeaf + leaf) * dim;
            double distance = 0;
            for (int k = 0; k < dim; k++) {
                double diff = table[row + k] - vector[k];
                distance += diff * diff;
            }
            if (found < NEIGHBOURS || distance < nearestDistance[found - 1]) {
                int at = Math.min(found, NEIGHBOURS - 1);
                // Insertion into the sorted ranking; ties keep the leftmost leaf first.
                while (at > 0 && nearestDistance[at - 1] > distance) {
                    nearestDistance[at] = nearestDistance[at - 1];
                    nearestLeaf[at] = nearestLeaf[at - 1];
                    at--;
                }
                nearestDistance[at] = distance;
                nearestLeaf[at] = leaf;
                found = Math.min(found + 1, NEIGHBOURS);
            }
        }
        return found;
    }
}
