package cn.xinan.collector.warnings;

import java.util.Map;
import java.util.Objects;

/**
 * One message to deliver: a warning or a school's daily digest.
 *
 * @param id     stable id (the warning's id, or {@code digest/SCHOOL/DATE}); robots that de-duplicate use it
 * @param title  a short Chinese title
 * @param text   the Chinese text, with the figures
 * @param link   the web UI's page for the room or school
 * @param fields everything else, for the plain JSON format
 */
public record Message(String id, String title, String text, String link, Map<String, Object> fields) {
    public Message {
        Objects.requireNonNull(id, "id is missing");
        Objects.requireNonNull(title, "title is missing");
        Objects.requireNonNull(text, "text is missing");
        Objects.requireNonNull(link, "link is missing");
        fields = Map.copyOf(Objects.requireNonNull(fields, "fields are missing"));
    }
}
