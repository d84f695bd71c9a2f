package dev.arbor.dataset;

/**
 * How {@link DataSplit} divides users.
 *
 * @param seed seeds every random choice of the split, so a seed always gives the same split of the same log
 * @param validationUsers how many validation users, or {@link #AUTO}
 * @param testUsers how many test users, or {@link #AUTO}
 */
public record SplitOptions(long seed, int validationUsers, int testUsers) {

    /** Count chosen from the data size: 10% of the eligible users, at least 1 and at most {@link #AUTO_CAP}. */
    public static final int AUTO = -1;
    /** Upper bound of an {@link #AUTO} count: the TDM paper holds out 10,000 test users of Taobao's ~1M. */
    public static final int AUTO_CAP = 10_000;

    /** Validates the counts. */
    public SplitOptions {
        if (validationUsers < AUTO || testUsers < AUTO) {
            throw new IllegalArgumentException("user counts must be >= 0 or AUTO, got " + validationUsers
                    + " validation and " + testUsers + " test users");
        }
    }

    /** Automatic validation and test counts with seed {@code seed}. */
    public static SplitOptions withSeed(long seed) {
        return new SplitOptions(seed, AUTO, AUTO);
    }

    /** A copy with {@code n} validation users. */
    public SplitOptions withValidationUsers(int n) {
        return new SplitOptions(seed, n, testUsers);
    }

    /** A copy with {@code n} test users. */
    public SplitOptions withTestUsers(int n) {
        return new SplitOptions(seed, validationUsers, n);
    }

    /** The {@link #AUTO} count for {@code eligibleUsers} users that can be held out. */
    static int autoCount(int eligibleUsers) {
        return Math.min(AUTO_CAP, Math.max(1, eligibleUsers / 10));
    }
}
