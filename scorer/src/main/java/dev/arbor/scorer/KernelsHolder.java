package dev.arbor.scorer;

/** Picks the kernels once; the Vector API class is loaded reflectively so its absence is not an error. */
final class KernelsHolder {
    static final Kernels BEST = choose(false);
    static final Kernels SHORT_ROWS = choose(true);

    private KernelsHolder() {
    }

    private static Kernels choose(boolean shortRows) {
        if (Boolean.getBoolean("arbor.scalar") || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return new ScalarKernels();
        }
        try {
            return (Kernels) Class.forName("dev.arbor.scorer.VectorKernels").getDeclaredConstructor(boolean.class)
                    .newInstance(shortRows);
        } catch (ReflectiveOperationException | LinkageError e) {
            return new ScalarKernels();
        }
    }
}
