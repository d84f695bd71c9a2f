package dev.arbor.format;

/** The scoring models a segment can carry. The code is the value stored on disk. */
public enum ModelKind {
    /** TDM's attention-DNN: a DIN-style activation unit per behaviour, window pooling, an MLP. */
    ATTENTION_DNN(1),
    /** A plain MLP over [window-mean-pooled history; node embedding], TDM's "DNN" baseline. */
    MLP(2);

    public final int code;

    ModelKind(int code) {
        this.code = code;
    }

    public static ModelKind ofCode(int code) {
        for (ModelKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown model kind code " + code);
    }
}
