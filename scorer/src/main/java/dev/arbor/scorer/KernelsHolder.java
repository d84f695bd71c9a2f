package dev.arbor.scorer;

/** Picks the kernels once; the Vector API class is loaded reflectively so its absence is not an error. */
final class KernelsHolder {
    static final Kernels BEST = choose();

    private KernelsHolder() {
    }

    private static Kernels choose() {
        if (Boolean.getBoolean("arbor.scalar") || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return new ScalarKernels();
        }
        try {
            return (Kernels) Class.forName("dev.arbor.scorer.VectorKernels").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return new ScalarKernels();
        }
    }
}
