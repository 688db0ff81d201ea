package cn.xinan.collector.audit;

import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.Tier;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which rooms an audit covers: the whole city, one county or one school (or the rooms named), restricted
 * to some tiers (示范 by default). The one place an inspector's scope will be enforced once accounts exist.
 *
 * @param county a county of rooms.csv, or empty for every county
 * @param school a school id of rooms.csv, or empty for every school
 * @param rooms  room ids; when not empty only these rooms (still filtered by county, school and tiers)
 * @param tiers  the tiers audited, at least one
 */
public record AuditScope(Optional<String> county, Optional<String> school, List<String> rooms, Set<Tier> tiers) {
    public AuditScope {
        Objects.requireNonNull(county, "county is missing (use Optional.empty())");
        Objects.requireNonNull(school, "school is missing (use Optional.empty())");
        rooms = List.copyOf(Objects.requireNonNull(rooms, "rooms is missing"));
        Objects.requireNonNull(tiers, "tiers is missing");
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException("an audit needs at least one tier");
        }
        tiers = Set.copyOf(tiers);
    }

    /** Every 示范 room of the city: the default audit. */
    public static AuditScope demonstrationRooms() {
        return new AuditScope(Optional.empty(), Optional.empty(), List.of(), EnumSet.of(Tier.DEMONSTRATION));
    }

    /** Every room of every tier. */
    public static AuditScope allRooms() {
        return new AuditScope(Optional.empty(), Optional.empty(), List.of(), EnumSet.allOf(Tier.class));
    }

    /**
     * The registered rooms in scope, in registry order (or in the order named).
     *
     * @throws cn.xinan.collector.verdict.UnknownRoomException when a named room is not registered
     */
    public List<RoomRecord> select(Registry registry) {
        List<RoomRecord> candidates = new ArrayList<>();
        if (rooms.isEmpty()) {
            candidates.addAll(registry.rooms());
        } else {
            for (String id : rooms) {
                candidates.add(registry.room(id).orElseThrow(() -> new cn.xinan.collector.verdict.UnknownRoomException(id)));
            }
        }
        return candidates.stream()
                .filter(r -> county.isEmpty() || county.get().equals(r.county()))
                .filter(r -> school.isEmpty() || school.get().equals(r.school()))
                .filter(r -> tiers.contains(r.tier()))
                .toList();
    }

    /** The tiers in their declared order (合格, 示范, 未评定). */
    public List<Tier> tierList() {
        return EnumSet.copyOf(tiers).stream().toList();
    }
}
