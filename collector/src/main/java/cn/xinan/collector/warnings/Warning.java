package cn.xinan.collector.warnings;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * One warning as the collector keeps and lists it (GET /api/v1/warnings).
 *
 * @param id          {@code ROOM/KIND/KEY#OCCURRENCE}: the first occurrence is #1; a condition that cleared and came
 *                    back the same day raises #2
 * @param roomId      the room
 * @param school      the room's school id
 * @param county      the room's county
 * @param kind        what it is about
 * @param key         the day (or week's Monday) it is about
 * @param text        the Chinese message, as last evaluated
 * @param raisedAt    when the condition was first found
 * @param state       open while the condition holds; cleared when it no longer does or its day or week is over
 * @param clearedAt   when it cleared, or null
 * @param clearReason {@code resolved} (the condition stopped holding) or {@code period_over}, or empty
 * @param deliveries  one per target that covers the room
 */
public record Warning(String id, String roomId, String school, String county, WarningKind kind, LocalDate key,
                      String text, Instant raisedAt, State state, Instant clearedAt, String clearReason,
                      List<Delivery> deliveries) {
    public enum State { OPEN, CLEARED }

    public Warning {
        Objects.requireNonNull(id, "id is missing");
        Objects.requireNonNull(roomId, "roomId is missing");
        Objects.requireNonNull(school, "school is missing");
        Objects.requireNonNull(county, "county is missing");
        Objects.requireNonNull(kind, "kind is missing");
        Objects.requireNonNull(key, "key is missing");
        Objects.requireNonNull(text, "text is missing");
        Objects.requireNonNull(raisedAt, "raisedAt is missing");
        Objects.requireNonNull(state, "state is missing");
        clearReason = clearReason == null ? "" : clearReason;
        deliveries = List.copyOf(Objects.requireNonNull(deliveries, "deliveries are missing"));
    }

    /** The condition's identity, without the occurrence. */
    public String conditionId() {
        return id.substring(0, id.lastIndexOf('#'));
    }

    int occurrence() {
        return Integer.parseInt(id.substring(id.lastIndexOf('#') + 1));
    }

    Warning withText(String newText) {
        return new Warning(id, roomId, school, county, kind, key, newText, raisedAt, state, clearedAt, clearReason,
                deliveries);
    }

    Warning cleared(Instant at, String reason) {
        List<Delivery> ds = deliveries.stream()
                .map(d -> d.state() == Delivery.State.PENDING ? d.cancelled(at) : d).toList();
        return new Warning(id, roomId, school, county, kind, key, text, raisedAt, State.CLEARED, at, reason, ds);
    }

    Warning withDeliveries(List<Delivery> ds) {
        return new Warning(id, roomId, school, county, kind, key, text, raisedAt, state, clearedAt, clearReason, ds);
    }
}
