package dev.arbor.scorer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.testkit.Allocations;
import org.junit.jupiter.api.Test;

/**
 * The row operations allocate nothing once compiled, at the network's row lengths. A species that reached them as a
 * non-constant argument made C2 box every vector: 384-640 bytes per 24-float axpy once a program used two kernel
 * instances, 24 KB per 128-row gemv with one.
 */
class KernelAllocationTest {
    private final Kernels kernels = Kernels.best();

    @Test
    void rowOperationsAllocateNothingAfterWarmUp() {
        assertTrue(kernels.name().startsWith("vector"), kernels.name());
        float[] x = new float[160], y = new float[160], w = new float[128 * 40], dw = new float[128 * 40];
        float[] out = new float[128], sink = new float[1];
        for (int length : new int[] {24, 36, 69, 128}) {
            Allocations.assertSteadyStateAllocatesNothing("axpy of " + length, () -> kernels.axpy(0.5f, x, 1, y, 2, length));
            Allocations.assertSteadyStateAllocatesNothing("dot of " + length,
                    () -> sink[0] += kernels.dot(x, 1, y, 2, length));
            Allocations.assertSteadyStateAllocatesNothing("multiplyAdd of " + length,
                    () -> kernels.multiplyAdd(x, 0, y, 1, x, 2, out, 0, Math.min(length, out.length)));
        }
        Allocations.assertSteadyStateAllocatesNothing("gemv of 128 rows of 24",
                () -> kernels.gemv(w, 40, 3, 128, 24, x, 0, out, 0));
        Allocations.assertSteadyStateAllocatesNothing("gemvTransposed of 128 rows of 24",
                () -> kernels.gemvTransposed(w, 40, 3, 128, 24, out, 0, x, 0));
        Allocations.assertSteadyStateAllocatesNothing("outer of 128 rows of 24",
                () -> kernels.outer(dw, 40, 3, 128, 24, out, 0, x, 0));
    }
}
