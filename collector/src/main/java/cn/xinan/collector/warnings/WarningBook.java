package cn.xinan.collector.warnings;

import cn.xinan.rules.Verdict;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Every warning raised, every digest, and the verdict first reported for each finished week: the memory that
 * makes warnings happen once. Kept in a JSON file ({@code warnings.state-file}), rewritten whole and atomically
 * after every change, so a restarted collector neither forgets nor repeats a warning. Thread-safe.
 */
public final class WarningBook {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Optional<Path> file;
    private final Map<String, Warning> warnings = new LinkedHashMap<>();
    private final Map<String, Digest> digests = new LinkedHashMap<>();
    private final Map<String, Map<LocalDate, Verdict>> reported = new HashMap<>();

    private WarningBook(Optional<Path> file) {
        this.file = file;
    }

    /** A book kept in memory only. */
    public static WarningBook inMemory() {
        return new WarningBook(Optional.empty());
    }

    /**
     * The book kept in {@code file}, read back if it exists.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read
     */
    public static WarningBook open(Path file) {
        WarningBook book = new WarningBook(Optional.of(file));
        if (Files.exists(file)) {
            try {
                book.read(MAPPER.readTree(file.toFile()));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(file + ": not a readable warnings state file: " + e.getMessage(), e);
            }
        }
        return book;
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
            save();
        }
    }

    public synchronized void put(Warning warning) {
        warnings.put(warning.id(), warning);
        save();
    }

    public synchronized void update(String id, UnaryOperator<Warning> change) {
        Warning w = warnings.get(id);
        if (w != null) {
            warnings.put(id, change.apply(w));
            save();
        }
    }

    public synchronized boolean hasDigest(String school, LocalDate date) {
        return digests.containsKey("digest/" + school + "/" + date);
    }

    public synchronized void put(Digest digest) {
        digests.put(digest.id(), digest);
        save();
    }

    public synchronized void updateDigest(String id, UnaryOperator<Digest> change) {
        Digest d = digests.get(id);
        if (d != null) {
            digests.put(id, change.apply(d));
            save();
        }
    }

    /**
     * Forgets cleared warnings and digests older than {@code before} (their deliveries are over), so the file
     * stays small: a city's warnings of the last weeks.
     */
    public synchronized void forgetBefore(LocalDate before) {
        boolean changed = warnings.values().removeIf(w -> w.state() == Warning.State.CLEARED && w.key().isBefore(before)
                && w.deliveries().stream().noneMatch(d -> d.state() == Delivery.State.PENDING));
        changed |= digests.values().removeIf(d -> d.date().isBefore(before)
                && d.deliveries().stream().noneMatch(x -> x.state() == Delivery.State.PENDING));
        for (Map<LocalDate, Verdict> room : reported.values()) {
            changed |= room.keySet().removeIf(monday -> monday.isBefore(before.minusWeeks(8)));
        }
        if (changed) {
            save();
        }
    }

    private void save() {
        if (file.isEmpty()) {
            return;
        }
        Path target = file.get();
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, target.getFileName().toString(), ".tmp");
            MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), write());
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the warnings state file " + target + ": " + e.getMessage(), e);
        }
    }

    private ObjectNode write() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", 1);
        ArrayNode ws = root.putArray("warnings");
        for (Warning w : warnings.values()) {
            ObjectNode n = ws.addObject();
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
        }
        ArrayNode ds = root.putArray("digests");
        for (Digest d : digests.values()) {
            ObjectNode n = ds.addObject();
            n.put("school", d.school());
            n.put("date", d.date().toString());
            n.put("text", d.text());
            writeDeliveries(n.putArray("deliveries"), d.deliveries());
        }
        ObjectNode rs = root.putObject("reported");
        for (Map.Entry<String, Map<LocalDate, Verdict>> room : new TreeMap<>(reported).entrySet()) {
            ObjectNode r = rs.putObject(room.getKey());
            room.getValue().forEach((monday, verdict) -> r.put(monday.toString(), verdict.name()));
        }
        return root;
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

    private void read(JsonNode root) {
        if (root.path("schema").asInt() != 1) {
            throw new IllegalArgumentException("schema must be 1");
        }
        for (JsonNode n : root.path("warnings")) {
            Warning w = new Warning(n.get("id").asText(), n.get("room").asText(), n.get("school").asText(),
                    n.get("county").asText(), WarningKind.valueOf(n.get("kind").asText()),
                    LocalDate.parse(n.get("key").asText()), n.get("text").asText(),
                    Instant.parse(n.get("raisedAt").asText()), Warning.State.valueOf(n.get("state").asText()),
                    instant(n.get("clearedAt")), n.path("clearReason").asText(""), readDeliveries(n.path("deliveries")));
            warnings.put(w.id(), w);
        }
        for (JsonNode n : root.path("digests")) {
            Digest d = new Digest(n.get("school").asText(), LocalDate.parse(n.get("date").asText()),
                    n.get("text").asText(), readDeliveries(n.path("deliveries")));
            digests.put(d.id(), d);
        }
        root.path("reported").fields().forEachRemaining(room -> {
            Map<LocalDate, Verdict> weeks = new TreeMap<>();
            room.getValue().fields().forEachRemaining(e ->
                    weeks.put(LocalDate.parse(e.getKey()), Verdict.valueOf(e.getValue().asText())));
            reported.put(room.getKey(), weeks);
        });
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
