package cn.xinan.collector.warnings;

import cn.xinan.collector.store.SharedState;
import cn.xinan.rules.Verdict;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Every warning raised, every digest, and the verdict first reported for each finished week: the memory that
 * makes warnings happen once. Kept in memory and, for a collector, in its store ({@link SharedState}: every change
 * writes only the warning, digest or verdict it changed), so a restarted collector, or the replica that takes the
 * warnings over (docs/warnings.md, "Several replicas"), neither forgets nor repeats a warning. Thread-safe.
 */
public final class WarningBook {
    static final String WARNING = "warning";
    static final String DIGEST = "digest";
    static final String REPORTED = "reported";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Optional<SharedState> store;
    private final Map<String, Warning> warnings = new LinkedHashMap<>();
    private final Map<String, Digest> digests = new LinkedHashMap<>();
    private final Map<String, Map<LocalDate, Verdict>> reported = new HashMap<>();

    private WarningBook(Optional<SharedState> store) {
        this.store = store;
    }

    /** A book kept in memory only (the replay). */
    public static WarningBook inMemory() {
        return new WarningBook(Optional.empty());
    }

    /**
     * The book kept in the store's shared state, read back.
     *
     * @throws IllegalArgumentException naming the record when a stored one cannot be read
     */
    public static WarningBook in(SharedState store) {
        WarningBook book = new WarningBook(Optional.of(store));
        book.reload();
        return book;
    }

    /** Reads the book again from the store (another replica may have changed it); nothing for a book in memory. */
    public synchronized void reload() {
        if (store.isEmpty()) {
            return;
        }
        Map<String, Warning> ws = new LinkedHashMap<>();
        Map<String, Digest> ds = new LinkedHashMap<>();
        Map<String, Map<LocalDate, Verdict>> rs = new HashMap<>();
        store.get().records(WARNING).forEach((id, json) -> ws.put(id, read(id, json, WarningBook::readWarning)));
        store.get().records(DIGEST).forEach((id, json) -> ds.put(id, read(id, json, WarningBook::readDigest)));
        store.get().records(REPORTED).forEach((id, verdict) -> {
            int slash = id.lastIndexOf('/');
            try {
                rs.computeIfAbsent(id.substring(0, slash), r -> new TreeMap<>())
                        .put(LocalDate.parse(id.substring(slash + 1)), Verdict.valueOf(verdict));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("stored reported verdict " + id + " is unreadable: " + e.getMessage(), e);
            }
        });
        List<Warning> sorted = new ArrayList<>(ws.values());
        sorted.sort(Comparator.comparing(Warning::raisedAt).thenComparing(Warning::id));
        warnings.clear();
        sorted.forEach(w -> warnings.put(w.id(), w));
        digests.clear();
        ds.values().stream().sorted(Comparator.comparing(Digest::date).thenComparing(Digest::school))
                .forEach(d -> digests.put(d.id(), d));
        reported.clear();
        reported.putAll(rs);
    }

    private static <T> T read(String id, String json, java.util.function.Function<JsonNode, T> reader) {
        try {
            return reader.apply(MAPPER.readTree(json));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("stored warning record " + id + " is unreadable: " + e.getMessage(), e);
        }
    }

    public synchronized List<Warning> warnings() {
        return List.copyOf(warnings.values());
    }

    public synchronized List<Digest> digests() {
        return List.copyOf(digests.values());
    }

    /** The latest occurrence of a condition. */
    public synchronized Optional<Warning> latest(String conditionId) {
        Warning found = null;
        for (Warning w : warnings.values()) {
            if (w.conditionId().equals(conditionId) && (found == null || w.occurrence() > found.occurrence())) {
                found = w;
            }
        }
        return Optional.ofNullable(found);
    }

    public synchronized Map<LocalDate, Verdict> reportedVerdicts(String roomId) {
        return Map.copyOf(reported.getOrDefault(roomId, Map.of()));
    }

    /** Records the verdict of a finished week the first time it is seen; later calls change nothing. */
    public synchronized void reportOnce(String roomId, LocalDate monday, Verdict verdict) {
        Map<LocalDate, Verdict> room = reported.computeIfAbsent(roomId, r -> new TreeMap<>());
        if (!room.containsKey(monday)) {
            room.put(monday, verdict);
            store.ifPresent(s -> s.put(REPORTED, roomId + "/" + monday, verdict.name()));
        }
    }

    public synchronized void put(Warning warning) {
        warnings.put(warning.id(), warning);
        save(warning);
    }

    public synchronized void update(String id, UnaryOperator<Warning> change) {
        Warning w = warnings.get(id);
        if (w != null) {
            Warning changed = change.apply(w);
            warnings.put(id, changed);
            save(changed);
        }
    }

    public synchronized boolean hasDigest(String school, LocalDate date) {
        return digests.containsKey("digest/" + school + "/" + date);
    }

    public synchronized void put(Digest digest) {
        digests.put(digest.id(), digest);
        save(digest);
    }

    public synchronized void updateDigest(String id, UnaryOperator<Digest> change) {
        Digest d = digests.get(id);
        if (d != null) {
            Digest changed = change.apply(d);
            digests.put(id, changed);
            save(changed);
        }
    }

    /**
     * Forgets cleared warnings and digests older than {@code before} (their deliveries are over), so the state
     * stays small: a city's warnings of the last weeks.
     */
    public synchronized void forgetBefore(LocalDate before) {
        List<String> oldWarnings = warnings.values().stream().filter(w -> w.state() == Warning.State.CLEARED
                && w.key().isBefore(before) && w.deliveries().stream().noneMatch(d -> d.state() == Delivery.State.PENDING))
                .map(Warning::id).toList();
        List<String> oldDigests = digests.values().stream().filter(d -> d.date().isBefore(before)
                && d.deliveries().stream().noneMatch(x -> x.state() == Delivery.State.PENDING)).map(Digest::id).toList();
        List<String> oldVerdicts = new ArrayList<>();
        reported.forEach((room, weeks) -> weeks.keySet().stream().filter(monday -> monday.isBefore(before.minusWeeks(8)))
                .forEach(monday -> oldVerdicts.add(room + "/" + monday)));
        oldWarnings.forEach(warnings::remove);
        oldDigests.forEach(digests::remove);
        for (Map<LocalDate, Verdict> room : reported.values()) {
            room.keySet().removeIf(monday -> monday.isBefore(before.minusWeeks(8)));
        }
        store.ifPresent(s -> {
            s.remove(WARNING, oldWarnings);
            s.remove(DIGEST, oldDigests);
            s.remove(REPORTED, oldVerdicts);
        });
    }

    private void save(Warning w) {
        store.ifPresent(s -> s.put(WARNING, w.id(), write(w).toString()));
    }

    private void save(Digest d) {
        store.ifPresent(s -> s.put(DIGEST, d.id(), write(d).toString()));
    }

    private static ObjectNode write(Warning w) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", w.id());
        n.put("room", w.roomId());
        n.put("school", w.school());
        n.put("county", w.county());
        n.put("kind", w.kind().name());
        n.put("key", w.key().toString());
        n.put("text", w.text());
        n.put("raisedAt", w.raisedAt().toString());
        n.put("state", w.state().name());
        n.put("clearedAt", w.clearedAt() == null ? null : w.clearedAt().toString());
        n.put("clearReason", w.clearReason());
        writeDeliveries(n.putArray("deliveries"), w.deliveries());
        return n;
    }

    private static ObjectNode write(Digest d) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("school", d.school());
        n.put("date", d.date().toString());
        n.put("text", d.text());
        writeDeliveries(n.putArray("deliveries"), d.deliveries());
        return n;
    }

    private static void writeDeliveries(ArrayNode out, List<Delivery> deliveries) {
        for (Delivery d : deliveries) {
            ObjectNode n = out.addObject();
            n.put("target", d.target());
            n.put("state", d.state().name());
            n.put("attempts", d.attempts());
            n.put("nextAttemptAt", d.nextAttemptAt() == null ? null : d.nextAttemptAt().toString());
            n.put("lastError", d.lastError());
            n.put("doneAt", d.doneAt() == null ? null : d.doneAt().toString());
        }
    }

    private static Warning readWarning(JsonNode n) {
        return new Warning(n.get("id").asText(), n.get("room").asText(), n.get("school").asText(),
                n.get("county").asText(), WarningKind.valueOf(n.get("kind").asText()),
                LocalDate.parse(n.get("key").asText()), n.get("text").asText(),
                Instant.parse(n.get("raisedAt").asText()), Warning.State.valueOf(n.get("state").asText()),
                instant(n.get("clearedAt")), n.path("clearReason").asText(""), readDeliveries(n.path("deliveries")));
    }

    private static Digest readDigest(JsonNode n) {
        return new Digest(n.get("school").asText(), LocalDate.parse(n.get("date").asText()), n.get("text").asText(),
                readDeliveries(n.path("deliveries")));
    }

    private static List<Delivery> readDeliveries(JsonNode array) {
        List<Delivery> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(new Delivery(n.get("target").asText(), Delivery.State.valueOf(n.get("state").asText()),
                    n.get("attempts").asInt(), instant(n.get("nextAttemptAt")), n.path("lastError").asText(""),
                    instant(n.get("doneAt"))));
        }
        return out;
    }

    private static Instant instant(JsonNode n) {
        return n == null || n.isNull() ? null : Instant.parse(n.asText());
    }
}
