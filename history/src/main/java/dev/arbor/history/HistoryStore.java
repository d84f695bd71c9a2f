package dev.arbor.history;

// TEMPORARY STUB (not committed): the helper's branch replaces it.
public final class HistoryStore implements java.io.Closeable {
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.List<Long>> map = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.nio.file.Path file;
    private final int h;
    private HistoryStore(java.nio.file.Path file, int h) { this.file = file; this.h = h; }
    public static HistoryStore open(java.nio.file.Path file, int historyLength, int initialUsers) throws java.io.IOException {
        return new HistoryStore(file, historyLength);
    }
    public void append(String userId, long itemId, long timestampMillis) throws java.io.IOException {
        var l = map.computeIfAbsent(userId, u -> new java.util.ArrayList<>());
        synchronized (l) { l.add(itemId); if (l.size() > h) l.remove(0); }
    }
    public int read(String userId, long[] items) {
        var l = map.get(userId);
        if (l == null) return 0;
        synchronized (l) { for (int i = 0; i < l.size(); i++) items[i] = l.get(i); return l.size(); }
    }
    public int historyLength() { return h; }
    public long userCount() { return map.size(); }
    public long fileBytes() { return 0; }
    public java.nio.file.Path file() { return file; }
    @Override public void close() { }
}
