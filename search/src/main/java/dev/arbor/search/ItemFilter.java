package dev.arbor.search;

/** Decides whether an item may be returned; called on the search thread, so it must not block. */
@FunctionalInterface
public interface ItemFilter {
    ItemFilter ALL = (ordinal, itemId) -> true;

    boolean accept(int ordinal, long itemId);
}
