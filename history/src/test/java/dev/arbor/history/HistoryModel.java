package dev.arbor.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The store's semantics on the heap, written for clarity: per user, the newest H events by (ts, arrival). */
final class HistoryModel {
    private final int historyLength;
    private final Map<String, List<long[]>> users = new HashMap<>();

    HistoryModel(int historyLength) {
        this.historyLength = historyLength;
    }

    void append(String user, long item, long ts) {
        List<long[]> events = users.computeIfAbsent(user, u -> new ArrayList<>());
        List<long[]> after = appended(events, item, ts);
        events.clear();
        events.addAll(after);
    }

    /** The user's item ids, oldest first. */
    long[] items(String user) {
        return items(users.getOrDefault(user, List.of()));
    }

    /** The user's item ids if the event were appended, leaving the model as it is. */
    long[] itemsWith(String user, long item, long ts) {
        return items(appended(users.getOrDefault(user, List.of()), item, ts));
    }

    Set<String> users() {
        return users.keySet();
    }

    private List<long[]> appended(List<long[]> events, long item, long ts) {
        List<long[]> all = new ArrayList<>(events);
        int pos = all.size();
        while (pos > 0 && all.get(pos - 1)[0] > ts) {
            pos--;
        }
        all.add(pos, new long[] {ts, item});
        // Sorted by (ts, arrival), the event at index 0 is the oldest; an event that lands there in a full history is it.
        return all.subList(Math.max(0, all.size() - historyLength), all.size());
    }

    private static long[] items(List<long[]> events) {
        return events.stream().mapToLong(e -> e[1]).toArray();
    }
}
