package dev.arbor.serve;

import static org.junit.jupiter.api.Assertions.*;

import dev.arbor.format.ExternalIds;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every malformed request is refused with a 400 whose message names the field; well-formed ones parse exactly. */
class RequestsTest {
    private static final Requests.Limits LIMITS = new Requests.Limits(1000, 10_000);

    private static Requests.RetrieveRequest retrieve(String json) throws ErrorResponse {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return Requests.retrieve(b, b.length, LIMITS);
    }

    private static String refusal(String json) {
        ErrorResponse e = assertThrows(ErrorResponse.class, () -> retrieve(json), json);
        assertEquals(400, e.status(), e.getMessage());
        return e.getMessage();
    }

    private static String eventRefusal(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ErrorResponse e = assertThrows(ErrorResponse.class, () -> Requests.event(b, b.length), json);
        assertEquals(400, e.status(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void parsesEveryField() throws Exception {
        Requests.RetrieveRequest r = retrieve("""
                {"history": [3, 1, 2], "k": 5, "beam": 50, "exclude": [9], "exclude_history": false,
                 "filter": {"categories": ["c1", "c2"], "allow": [1, 2, 3, 4], "deny": [4]}}""");
        assertArrayEquals(new long[] {3, 1, 2}, r.history());
        assertNull(r.userId());
        assertEquals(5, r.k());
        assertEquals(50, r.beam());
        assertArrayEquals(new long[] {9}, r.exclude());
        assertFalse(r.excludeHistory());
        assertArrayEquals(new String[] {"c1", "c2"}, r.categories());
        assertArrayEquals(new long[] {1, 2, 3, 4}, r.allow());
        assertArrayEquals(new long[] {4}, r.deny());
    }

    @Test
    void defaultsAndNumericUserIds() throws Exception {
        Requests.RetrieveRequest r = retrieve("{\"user_id\": 123456789012345678901234567890}");
        assertEquals("123456789012345678901234567890", r.userId());
        assertEquals(10, r.k());
        assertEquals(100, r.beam(), "the default beam");
        assertTrue(r.excludeHistory());
        assertEquals(0, r.exclude().length);
        assertNull(r.allow());
        assertEquals("user-7", retrieve("{\"user_id\": \"user-7\", \"k\": 200}").userId());
        assertEquals(200, retrieve("{\"user_id\": \"u\", \"k\": 200}").beam(), "the beam is widened to k");
    }

    @Test
    void malformedJsonNamesWhere() {
        assertTrue(refusal("{\"k\": 5,").contains("malformed JSON at line 1"), refusal("{\"k\": 5,"));
        assertTrue(refusal("").contains("must be a JSON object"));
        assertTrue(refusal("[1, 2]").contains("must be a JSON object, got an array"));
        assertTrue(refusal("{\"history\": [1]} {}").contains("more after its JSON object"));
        assertTrue(refusal("{\"history\": [1], \"history\": [2]}").contains("Duplicate field 'history'"));
    }

    @Test
    void wrongTypesNameTheField() {
        assertEquals("field 'k': must be an integer, got a string", refusal("{\"history\": [1], \"k\": \"ten\"}"));
        assertEquals("field 'k': must be an integer, got a fractional number", refusal("{\"history\": [1], \"k\": 2.5}"));
        assertEquals("field 'history': must be an array of item ids, got an integer", refusal("{\"history\": 1}"));
        assertEquals("field 'history[1]': must be an item id (an integer or a string), got a boolean",
                refusal("{\"history\": [1, true]}"));
        assertEquals("field 'filter.allow[0]': must not be an empty string",
                refusal("{\"history\": [1], \"filter\": {\"allow\": [\" \"]}}"));
        assertEquals("field 'user_id': must be a string or an integer, got an object", refusal("{\"user_id\": {}}"));
        assertEquals("field 'exclude_history': must be true or false, got an integer",
                refusal("{\"history\": [1], \"exclude_history\": 1}"));
        assertEquals("field 'filter.categories[0]': must be a string, got an integer",
                refusal("{\"history\": [1], \"filter\": {\"categories\": [3]}}"));
        assertEquals("field 'filter': must be a JSON object, got an array", refusal("{\"history\": [1], \"filter\": []}"));
        assertEquals("field 'history[0]': integer 99999999999999999999 does not fit in 64 bits",
                refusal("{\"history\": [99999999999999999999]}"));
    }

    @Test
    void absurdValuesAreRefused() {
        assertEquals("field 'k': must be in [1, 1000], got 0", refusal("{\"history\": [1], \"k\": 0}"));
        assertEquals("field 'k': must be in [1, 1000], got 1000000000", refusal("{\"history\": [1], \"k\": 1000000000}"));
        assertEquals("field 'beam': must be in [1, 10000], got -3", refusal("{\"history\": [1], \"beam\": -3}"));
        assertEquals("field 'beam': 5 is narrower than k 10", refusal("{\"history\": [1], \"k\": 10, \"beam\": 5}"));
        assertTrue(refusal("{\"user_id\": \"" + "x".repeat(300) + "\"}").startsWith("field 'user_id': must hold 1 to 256"));
        assertTrue(refusal("{\"user_id\": \"\"}").startsWith("field 'user_id': must hold 1 to 256"));
        StringBuilder many = new StringBuilder("{\"history\": [");
        for (int i = 0; i <= Requests.MAX_LIST; i++) {
            many.append(i == 0 ? "" : ",").append(i);
        }
        assertEquals("field 'history': holds more than 100000 ids", refusal(many.append("]}").toString()));
    }

    @Test
    void unknownAndMissingFields() {
        assertTrue(refusal("{\"history\": [1], \"bean\": 100}").startsWith("field 'bean': unknown field"));
        assertTrue(refusal("{\"history\": [1], \"filter\": {\"category\": []}}").startsWith("field 'filter.category': unknown"));
        assertEquals("give exactly one of the fields 'user_id' and 'history'", refusal("{\"k\": 3}"));
        assertEquals("give exactly one of the fields 'user_id' and 'history'", refusal("{\"user_id\": 1, \"history\": []}"));
    }

    /** Item ids may be strings: an integer as text is that integer, any other text a name and its id. */
    @Test
    void itemIdsMayBeStrings() throws Exception {
        byte[] b = ("{\"history\": [\"B000123\", 7, \"8\"], \"exclude\": [\"x\"], \"filter\": {\"allow\": [\"a\"],"
                + " \"deny\": [\"é\"]}}").getBytes(StandardCharsets.UTF_8);
        Requests.RetrieveRequest r = Requests.retrieve(b, b.length, LIMITS);
        assertArrayEquals(new long[] {ExternalIds.nameId("B000123"), 7, 8}, r.history());
        assertArrayEquals(new long[] {ExternalIds.nameId("x")}, r.exclude());
        assertArrayEquals(new long[] {ExternalIds.nameId("a")}, r.allow());
        assertArrayEquals(new long[] {ExternalIds.nameId("é")}, r.deny());
        byte[] e = "{\"user_id\": \"u1\", \"item_id\": \"sku-1\", \"ts\": 5}".getBytes(StandardCharsets.UTF_8);
        assertEquals(new Requests.EventRequest("u1", ExternalIds.nameId("sku-1"), 5), Requests.event(e, e.length));
    }

    @Test
    void events() throws Exception {
        byte[] b = "{\"user_id\": \"u1\", \"item_id\": 42, \"ts\": 1700000000000}".getBytes(StandardCharsets.UTF_8);
        assertEquals(new Requests.EventRequest("u1", 42, 1700000000000L), Requests.event(b, b.length));
        assertEquals("field 'ts': missing", eventRefusal("{\"user_id\": \"u1\", \"item_id\": 42}"));
        assertEquals("field 'item_id': missing", eventRefusal("{\"user_id\": 5, \"ts\": 1}"));
        assertEquals("field 'user_id': missing", eventRefusal("{\"item_id\": 5, \"ts\": 1}"));
        assertEquals("field 'item_id': must be an item id (an integer or a string), got a fractional number",
                eventRefusal("{\"user_id\": 5, \"item_id\": 1.5, \"ts\": 1}"));
        assertEquals("field 'ts': must be an integer, got a string",
                eventRefusal("{\"user_id\": 5, \"item_id\": 1, \"ts\": \"1\"}"));
        assertTrue(eventRefusal("{\"user_id\": 5, \"item\": 1, \"ts\": 1}").startsWith("field 'item': unknown field"));
    }
}
