package cn.xinan.collector.warnings;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * A school's daily digest: one message a school day listing the warnings of the school's rooms raised that day
 * and those still open. Sent only when there is something to list.
 *
 * @param school     the school id
 * @param date       the day it covers
 * @param text       the Chinese text
 * @param deliveries one per target that covers the school
 */
public record Digest(String school, LocalDate date, String text, List<Delivery> deliveries) {
    public Digest {
        Objects.requireNonNull(school, "school is missing");
        Objects.requireNonNull(date, "date is missing");
        Objects.requireNonNull(text, "text is missing");
        deliveries = List.copyOf(Objects.requireNonNull(deliveries, "deliveries are missing"));
    }

    public String id() {
        return "digest/" + school + "/" + date;
    }

    Digest withDeliveries(List<Delivery> ds) {
        return new Digest(school, date, text, ds);
    }
}
