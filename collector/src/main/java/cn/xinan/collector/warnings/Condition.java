package cn.xinan.collector.warnings;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One condition that holds for a room right now, as {@link WarningRules} finds it.
 *
 * @param roomId the room
 * @param kind   what it is about
 * @param key    the day it is about ({@link WarningKind#WEEK_AT_RISK} and {@link WarningKind#VERDICT_CHANGED}:
 *               the Monday of the week)
 * @param text   the message in Chinese, with the figures and the arithmetic a counselor needs
 */
public record Condition(String roomId, WarningKind kind, LocalDate key, String text) {
    public Condition {
        Objects.requireNonNull(roomId, "roomId is missing");
        Objects.requireNonNull(kind, "kind is missing");
        Objects.requireNonNull(key, "key is missing");
        Objects.requireNonNull(text, "text is missing");
    }

    /** The identity of the warning this condition raises: one per room, kind and key. */
    public String id() {
        return roomId + "/" + kind.wireName() + "/" + key;
    }
}
