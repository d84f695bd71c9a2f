package dev.arbor.serve;

import static org.junit.jupiter.api.Assertions.*;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the request parser with Jazzer: the last byte picks the endpoint
 * (Jazzer takes numbers from the end of its input), the rest is the body.
 * The property: a body is either parsed into a request that keeps every documented limit, or refused with a 400 and
 * a message; any other exception, a hang, or a parsed request outside the limits is a finding.
 *
 * <p>{@code mvn test} replays the seeds in {@code RequestsJazzerFuzzTestInputs/<method>/}; fuzzing is
 * {@code JAZZER_FUZZ=1} (see docs/RELIABILITY.md).
 */
class RequestsJazzerFuzzTest {
    private static final Requests.Limits LIMITS = new Requests.Limits(1000, 10_000);

    @FuzzTest(maxExecutions = 500_000, maxDuration = "30m")
    void bodiesAreParsedOrRefusedWith400(FuzzedDataProvider data) {
        boolean event = data.consumeBoolean();
        byte[] body = data.consumeRemainingAsBytes();
        try {
            if (event) {
                Requests.EventRequest e = Requests.event(body, body.length);
                assertUserId(e.userId());
            } else {
                Requests.RetrieveRequest r = Requests.retrieve(body, body.length, LIMITS);
                assertTrue((r.userId() == null) != (r.history() == null), "exactly one of user_id and history");
                if (r.userId() != null) {
                    assertUserId(r.userId());
                }
                assertTrue(r.k() >= 1 && r.k() <= LIMITS.maxK(), "k " + r.k());
                assertTrue(r.beam() >= r.k() && r.beam() <= LIMITS.maxBeam(), "beam " + r.beam() + " for k " + r.k());
                assertNotNull(r.exclude());
                for (long[] list : new long[][] {r.history(), r.exclude(), r.allow(), r.deny()}) {
                    assertTrue(list == null || list.length <= Requests.MAX_LIST);
                }
            }
        } catch (ErrorResponse e) {
            assertEquals(400, e.status());
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a refusal says why");
        }
    }

    private static void assertUserId(String id) {
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes >= 1 && bytes <= Requests.MAX_USER_ID_BYTES, "user id of " + bytes + " bytes");
    }
}
