package dev.arbor.dataset;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * How tolerant a read is and which interactions it keeps.
 *
 * @param maxBadLines how many malformed lines a read may skip (and report) before it fails; 0 fails on the first
 * @param minRating keep only ratings {@code >= minRating}; {@link Double#NEGATIVE_INFINITY} keeps all. Only for
 *     formats with ratings (the MovieLens ones)
 * @param behaviours which Taobao behaviours to keep; anything but all of them is only valid for {@link DataFormat#TAOBAO}
 */
public record ReadOptions(int maxBadLines, double minRating, Set<Behaviour> behaviours) {

    /** Strict (no bad lines), no rating filter, every behaviour. */
    public static final ReadOptions DEFAULTS =
            new ReadOptions(0, Double.NEGATIVE_INFINITY, EnumSet.allOf(Behaviour.class));

    /** Validates and freezes the behaviour set. */
    public ReadOptions {
        if (maxBadLines < 0) {
            throw new IllegalArgumentException("maxBadLines must be >= 0, got " + maxBadLines);
        }
        if (Double.isNaN(minRating)) {
            throw new IllegalArgumentException("minRating must be a number");
        }
        if (behaviours.isEmpty()) {
            throw new IllegalArgumentException("keep at least one behaviour");
        }
        behaviours = Collections.unmodifiableSet(EnumSet.copyOf(behaviours));
    }

    /** A copy that skips up to {@code n} malformed lines. */
    public ReadOptions withMaxBadLines(int n) {
        return new ReadOptions(n, minRating, behaviours);
    }

    /** A copy that keeps only ratings {@code >= rating}. */
    public ReadOptions withMinRating(double rating) {
        return new ReadOptions(maxBadLines, rating, behaviours);
    }

    /** A copy that keeps only the given Taobao behaviours. */
    public ReadOptions withBehaviours(Set<Behaviour> kept) {
        return new ReadOptions(maxBadLines, minRating, kept);
    }

    /** Whether a minimum rating was set. */
    public boolean filtersRatings() {
        return minRating != Double.NEGATIVE_INFINITY;
    }

    /** Whether some behaviours are dropped. */
    public boolean filtersBehaviours() {
        return behaviours.size() < Behaviour.values().length;
    }

    /** Rejects options that the format cannot honour, so that a filter is never silently ignored. */
    void check(DataFormat format, boolean hasRatings, boolean hasBehaviours) {
        if (filtersRatings() && !hasRatings) {
            throw new IllegalArgumentException("format " + format.id() + " has no ratings to filter by minRating");
        }
        if (filtersBehaviours() && !hasBehaviours) {
            throw new IllegalArgumentException("format " + format.id() + " has no behaviour types to filter");
        }
    }
}
