package dev.arbor.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.arbor.format.ExternalIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses the JSON bodies of {@code /v1/retrieve} and {@code /v1/events} strictly: unknown or repeated fields, wrong
 * types and values out of range are refused with a 400 that names the field, so that a typo never silently changes
 * what a request asks. An item id is an integer, or a string that holds an integer or a name; a name becomes the id
 * {@link ExternalIds} derives from it, the id the segment and the history store know the item by.
 */
public final class Requests {
    /** Most ids one list may hold; far above any real history, exclusion or allow list. */
    static final int MAX_LIST = 100_000;
    /** Longest user id, in UTF-8 bytes. */
    static final int MAX_USER_ID_BYTES = 256;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4).maxStringLength(4096)
                    .maxNumberLength(32).build())
            .build();

    /** The largest k and beam a request may ask for. */
    public record Limits(int maxK, int maxBeam) {
        public Limits {
            if (maxK < 1 || maxBeam < maxK) {
                throw new IllegalArgumentException("limits need 1 <= max k <= max beam, got " + maxK + " and " + maxBeam);
            }
        }
    }

    /**
     * A retrieval: exactly one of {@code userId} (the history comes from the store) and {@code history} (item ids,
     * most recent last); the items of the history are excluded unless {@code excludeHistory} is false.
     * {@code categories}, {@code allow} and {@code deny} are null when absent.
     */
    public record RetrieveRequest(String userId, long[] history, int k, int beam, long[] exclude, boolean excludeHistory,
                                  String[] categories, long[] allow, long[] deny) {
    }

    /** One behaviour to append to a user's history; {@code itemId} is an integer id or a name's id. */
    public record EventRequest(String userId, long itemId, long timestampMillis) {
    }

    private Requests() {
    }

    /** Parses a {@code /v1/retrieve} body. */
    public static RetrieveRequest retrieve(byte[] body, int length, Limits limits) throws ErrorResponse {
        String userId = null;
        long[] history = null, exclude = new long[0], allow = null, deny = null;
        String[] categories = null;
        int k = 10, beam = -1;
        boolean excludeHistory = true;
        try (JsonParser p = JSON.createParser(body, 0, length)) {
            expectObject(p, null);
            for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
                p.nextToken();
                switch (field) {
                    case "user_id" -> userId = userId(p);
                    case "history" -> history = ids(p, "history");
                    case "k" -> k = intIn(p, "k", 1, limits.maxK());
                    case "beam" -> beam = intIn(p, "beam", 1, limits.maxBeam());
                    case "exclude" -> exclude = ids(p, "exclude");
                    case "exclude_history" -> excludeHistory = bool(p, "exclude_history");
                    case "filter" -> {
                        expectObject(p, "filter");
                        for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
                            p.nextToken();
                            switch (f) {
                                case "categories" -> categories = strings(p, "filter.categories");
                                case "allow" -> allow = ids(p, "filter.allow");
                                case "deny" -> deny = ids(p, "filter.deny");
                                default -> throw ErrorResponse.field("filter." + f,
                                        "unknown field; the filter takes categories, allow and deny");
                            }
                        }
                    }
                    default -> throw ErrorResponse.field(field, "unknown field; a retrieval takes user_id or history,"
                            + " k, beam, exclude, exclude_history and filter");
                }
            }
            expectEnd(p);
        } catch (IOException e) {
            throw malformed(e);
        }
        if ((userId == null) == (history == null)) {
            throw new ErrorResponse(400, "give exactly one of the fields 'user_id' and 'history'");
        }
        if (beam == -1) {
            beam = Math.max(k, Math.min(100, limits.maxBeam()));
        } else if (beam < k) {
            throw ErrorResponse.field("beam", beam + " is narrower than k " + k);
        }
        return new RetrieveRequest(userId, history, k, beam, exclude, excludeHistory, categories, allow, deny);
    }

    /** Parses a {@code /v1/events} body. */
    public static EventRequest event(byte[] body, int length) throws ErrorResponse {
        String userId = null;
        Long itemId = null, ts = null;
        try (JsonParser p = JSON.createParser(body, 0, length)) {
            expectObject(p, null);
            for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
                p.nextToken();
                switch (field) {
                    case "user_id" -> userId = userId(p);
                    case "item_id" -> itemId = itemId(p, "item_id");
                    case "ts" -> ts = longValue(p, "ts");
                    default -> throw ErrorResponse.field(field, "unknown field; an event takes user_id, item_id"
                            + " and ts");
                }
            }
            expectEnd(p);
        } catch (IOException e) {
            throw malformed(e);
        }
        if (userId == null || itemId == null || ts == null) {
            throw ErrorResponse.field(userId == null ? "user_id" : itemId == null ? "item_id" : "ts", "missing");
        }
        return new EventRequest(userId, itemId, ts);
    }

    private static ErrorResponse malformed(IOException e) {
        String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                : e.getMessage();
        String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                ? " at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() : "";
        String kind = e instanceof StreamConstraintsException ? "request exceeds a limit" : "malformed JSON";
        return new ErrorResponse(400, kind + where + ": " + message);
    }

    /** The object that starts here: the body when {@code what} is null, else the field it names. */
    private static void expectObject(JsonParser p, String what) throws IOException, ErrorResponse {
        JsonToken t = p.currentToken() == null ? p.nextToken() : p.currentToken();
        if (t != JsonToken.START_OBJECT) {
            String problem = "must be a JSON object, got " + describe(t);
            throw what == null ? new ErrorResponse(400, "the body " + problem) : ErrorResponse.field(what, problem);
        }
    }

    private static void expectEnd(JsonParser p) throws IOException, ErrorResponse {
        JsonToken t = p.nextToken();
        if (t != null) {
            throw new ErrorResponse(400, "the body holds more after its JSON object: " + describe(t));
        }
    }

    /** A user id: a string, or an integer given as a number (kept as its decimal digits). */
    private static String userId(JsonParser p) throws IOException, ErrorResponse {
        String id = switch (p.currentToken()) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getBigIntegerValue().toString();
            default -> throw ErrorResponse.field("user_id", "must be a string or an integer, got "
                    + describe(p.currentToken()));
        };
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > MAX_USER_ID_BYTES) {
            throw ErrorResponse.field("user_id", "must hold 1 to " + MAX_USER_ID_BYTES + " UTF-8 bytes, got "
                    + bytes);
        }
        return id;
    }

    private static int intIn(JsonParser p, String field, int min, int max) throws IOException, ErrorResponse {
        long v = longValue(p, field);
        if (v < min || v > max) {
            throw ErrorResponse.field(field, "must be in [" + min + ", " + max + "], got " + v);
        }
        return (int) v;
    }

    private static long longValue(JsonParser p, String field) throws IOException, ErrorResponse {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw ErrorResponse.field(field, "must be an integer, got " + describe(p.currentToken()));
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw ErrorResponse.field(field, "integer " + p.getText() + " does not fit in 64 bits");
        }
        return p.getLongValue();
    }

    /** An item id: an integer, or a string that holds an integer or a name ({@link ExternalIds#parse}). */
    private static long itemId(JsonParser p, String field) throws IOException, ErrorResponse {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                throw ErrorResponse.field(field, "must be an item id (an integer or a string), got "
                        + describe(p.currentToken()));
            }
            return longValue(p, field);
        }
        String text = p.getText();
        if (text.isBlank()) {
            throw ErrorResponse.field(field, "must not be an empty string");
        }
        return ExternalIds.parse(text);
    }

    private static boolean bool(JsonParser p, String field) throws ErrorResponse {
        return switch (p.currentToken()) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            default -> throw ErrorResponse.field(field, "must be true or false, got " + describe(p.currentToken()));
        };
    }

    private static long[] ids(JsonParser p, String field) throws IOException, ErrorResponse {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw ErrorResponse.field(field, "must be an array of item ids, got " + describe(p.currentToken()));
        }
        long[] out = new long[16];
        int n = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (n == MAX_LIST) {
                throw ErrorResponse.field(field, "holds more than " + MAX_LIST + " ids");
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n] = itemId(p, field + "[" + n + "]");
            n++;
        }
        return Arrays.copyOf(out, n);
    }

    private static String[] strings(JsonParser p, String field) throws IOException, ErrorResponse {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw ErrorResponse.field(field, "must be an array of strings, got " + describe(p.currentToken()));
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.VALUE_STRING) {
                throw ErrorResponse.field(field + "[" + out.size() + "]", "must be a string, got " + describe(t));
            }
            if (out.size() == MAX_LIST) {
                throw ErrorResponse.field(field, "holds more than " + MAX_LIST + " names");
            }
            out.add(p.getText());
        }
        return out.toArray(String[]::new);
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "the end of the body";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a fractional number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }
}
