package dev.arbor.format;

/**
 * Arithmetic of a complete B-ary tree whose leaves all sit on the last level.
 *
 * <p>Nodes are numbered breadth-first from the root (0); the children of node {@code n} are
 * {@code B*n+1 .. B*n+B}. Level {@code l} starts at node {@code (B^l - 1) / (B - 1)}. The leaf level
 * has {@code B^(levels-1) >= itemCount} leaves; leaves that hold no item are padding. Nothing here is
 * stored: every offset is computed, so a reader needs only {@code branching} and {@code levels}.
 */
public record TreeShape(int branching, int levels, int itemCount) {

    /** Upper bound on nodes so that node ids fit an int. */
    public static final long MAX_NODES = Integer.MAX_VALUE - 64;

    public TreeShape {
        if (branching < 2 || branching > 1024) {
            throw new IllegalArgumentException("branching must be in [2, 1024], got " + branching);
        }
        if (levels < 1 || levels > 64) {
            throw new IllegalArgumentException("levels must be in [1, 64], got " + levels);
        }
        if (itemCount < 1) {
            throw new IllegalArgumentException("itemCount must be >= 1, got " + itemCount);
        }
        long leaves = 1, nodes = 1;
        for (int l = 1; l < levels; l++) {
            leaves *= branching;
            nodes += leaves;
            if (nodes > MAX_NODES) {
                throw new IllegalArgumentException("tree of " + levels + " levels with branching " + branching
                        + " has more than " + MAX_NODES + " nodes");
            }
        }
        if (leaves < itemCount) {
            throw new IllegalArgumentException(levels + " levels with branching " + branching + " hold "
                    + leaves + " leaves, fewer than the " + itemCount + " items");
        }
    }

    /** The smallest tree of the given branching that holds {@code itemCount} leaves (at least 2 levels). */
    public static TreeShape forItems(int branching, int itemCount) {
        return forItems(branching, itemCount, 0);
    }

    /**
     * The smallest tree of the given branching (at least 2 levels) with {@code spareLeaves} padding leaves or more
     * beside its {@code itemCount} items: room to add items later without rebuilding it.
     */
    public static TreeShape forItems(int branching, int itemCount, int spareLeaves) {
        if (branching < 2) {
            throw new IllegalArgumentException("branching must be >= 2, got " + branching);
        }
        if (itemCount < 1) {
            throw new IllegalArgumentException("itemCount must be >= 1, got " + itemCount);
        }
        if (spareLeaves < 0) {
            throw new IllegalArgumentException("spareLeaves must be >= 0, got " + spareLeaves);
        }
        long needed = (long) itemCount + spareLeaves;
        int levels = 2;
        long leaves = branching;
        while (leaves < needed) {
            leaves *= branching;
            levels++;
        }
        return new TreeShape(branching, levels, itemCount);
    }

    /** Number of nodes on level {@code level}: {@code B^level}. */
    public int levelSize(int level) {
        return (int) pow(branching, level);
    }

    /** Id of the first node of {@code level}. */
    public int levelStart(int level) {
        return (int) ((pow(branching, level) - 1) / (branching - 1));
    }

    public int leafLevel() {
        return levels - 1;
    }

    public int leafCount() {
        return levelSize(levels - 1);
    }

    public int firstLeaf() {
        return levelStart(levels - 1);
    }

    public int nodeCount() {
        return levelStart(levels);
    }

    public int firstChild(int node) {
        return branching * node + 1;
    }

    public int parent(int node) {
        return (node - 1) / branching;
    }

    /** Node id of leaf number {@code leaf} (0-based position on the leaf level). */
    public int leafNode(int leaf) {
        return firstLeaf() + leaf;
    }

    /** The level of {@code node}. */
    public int levelOf(int node) {
        int level = 0;
        while (level + 1 < levels && levelStart(level + 1) <= node) {
            level++;
        }
        return level;
    }

    /** The ancestor of {@code leafNode} on {@code level}. */
    public int ancestorAt(int leafNode, int level) {
        int node = leafNode;
        for (int l = levels - 1; l > level; l--) {
            node = parent(node);
        }
        return node;
    }

    private static long pow(int base, int exp) {
        long r = 1;
        for (int i = 0; i < exp; i++) {
            r *= base;
        }
        return r;
    }
}
