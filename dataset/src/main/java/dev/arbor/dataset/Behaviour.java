package dev.arbor.dataset;

/** The four behaviour types of the Taobao UserBehavior data set, spelled as in its {@code behavior_type} column. */
public enum Behaviour {
    /** Page view of an item's detail page. */
    PV("pv"),
    /** Item added to the shopping cart. */
    CART("cart"),
    /** Item added to the favourites. */
    FAV("fav"),
    /** Item bought. */
    BUY("buy");

    private final String code;

    Behaviour(String code) {
        this.code = code;
    }

    /** The token used in the data file, e.g. {@code "pv"}. */
    public String code() {
        return code;
    }

    /** The behaviour whose {@link #code()} is {@code code}, case-insensitively. */
    public static Behaviour fromCode(String code) {
        for (Behaviour b : values()) {
            if (b.code.equalsIgnoreCase(code)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown behaviour '" + code + "', expected one of pv, cart, fav, buy");
    }
}
