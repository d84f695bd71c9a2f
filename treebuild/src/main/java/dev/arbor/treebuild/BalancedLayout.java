package dev.arbor.treebuild;

import dev.arbor.format.TreeShape;
import java.util.Arrays;

/**
 * The balance rule shared by every tree builder, and the placement of an ordered item sequence on the leaves.
 *
 * <p>A node holding {@code n} items gives its {@code B} children {@code n / B} items each, and one more to each
 * of the first {@code n % B} children. Applied from the root down, every node on level {@code l} holds
 * {@code floor(n / B^l)} or {@code ceil(n / B^l)} items, so no subtree exceeds its leaf capacity
 * ({@code n <= B^(levels-1)} implies {@code ceil(n / B^l) <= B^(levels-1-l)}) and the padding leaves are spread
 * evenly: in each sibling group the fuller subtrees come first. In the minimal tree of
 * {@link TreeShape#forItems} ({@code n > B^(levels-2)}) every inner node therefore holds at least one item.
 */
public final class BalancedLayout {

    private BalancedLayout() {
    }

    /** Number of items that child {@code child} (0-based) of a node holding {@code count} items receives. */
    public static int partSize(int count, int branching, int child) {
        return count / branching + (child < count % branching ? 1 : 0);
    }

    /** Offset of child {@code child}'s items within its parent's {@code count} items: the sum of earlier parts. */
    public static int partStart(int count, int branching, int child) {
        return child * (count / branching) + Math.min(child, count % branching);
    }

    /**
     * Places an ordered sequence of all item ordinals on the leaves: the root's sequence is cut into {@code B}
     * consecutive parts of {@link #partSize} items, one per child, recursively down to single leaves. Items that
     * are close in the sequence thus share deep subtrees.
     *
     * @param sequence a permutation of {@code 0 .. shape.itemCount()-1}
     * @return the leaf position ({@code 0 .. shape.leafCount()-1}) of each item ordinal
     */
    public static int[] itemToLeaf(TreeShape shape, int[] sequence) {
        int n = shape.itemCount();
        if (sequence.length != n) {
            throw new IllegalArgumentException("sequence has " + sequence.length + " items, the tree " + n);
        }
        int[] leafOf = new int[n];
        Arrays.fill(leafOf, -1);
        place(sequence, 0, n, 0, shape.leafCount(), shape.branching(), leafOf);
        for (int item = 0; item < n; item++) {
            if (leafOf[item] < 0) {
                throw new IllegalArgumentException("sequence is not a permutation: item " + item + " is missing");
            }
        }
        return leafOf;
    }

    private static void place(int[] sequence, int from, int count, int firstLeaf, int capacity, int branching,
                              int[] leafOf) {
        if (capacity == 1) {
            // count is 0 or 1 here: the rule never gives a subtree more items than leaves.
            if (count == 1) {
                int item = sequence[from];
                if (item < 0 || item >= leafOf.length || leafOf[item] >= 0) {
                    throw new IllegalArgumentException("sequence is not a permutation: bad or repeated item " + item);
                }
                leafOf[item] = firstLeaf;
            }
            return;
        }
        int childCapacity = capacity / branching;
        int offset = from;
        for (int child = 0; child < branching; child++) {
            int size = partSize(count, branching, child);
            if (size == 0) {
                return; // later parts are empty too: the remainder goes to the first children
            }
            place(sequence, offset, size, firstLeaf + child * childCapacity, childCapacity, branching, leafOf);
            offset += size;
        }
    }
}
