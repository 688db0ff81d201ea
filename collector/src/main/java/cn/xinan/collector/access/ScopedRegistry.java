package cn.xinan.collector.access;

import cn.xinan.collector.verdict.UnknownRoomException;
import cn.xinan.provisioning.DeviceRecord;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.provisioning.people.Scope;

import java.util.List;
import java.util.Objects;

/**
 * The registry as one caller sees it: only the rooms (and their devices) inside the caller's scope. This is the
 * one place the scope is applied; every endpoint reads rooms and devices through it ({@link Access#scope}), so a
 * room outside the scope is exactly as unknown as a room that does not exist: the same 404 and the same message,
 * and it never appears in a list or a count.
 */
public final class ScopedRegistry {
    private final Registry registry;
    private final Scope scope;

    public ScopedRegistry(Registry registry, Scope scope) {
        this.registry = Objects.requireNonNull(registry, "registry is missing");
        this.scope = Objects.requireNonNull(scope, "scope is missing");
    }

    public Scope scope() {
        return scope;
    }

    /** Whether the caller sees the whole city (then nothing is filtered). */
    public boolean wholeCity() {
        return scope.kind() == Scope.Kind.CITY;
    }

    public List<RoomRecord> rooms() {
        return registry.rooms().stream().filter(this::covers).toList();
    }

    public List<String> roomIds() {
        return rooms().stream().map(RoomRecord::roomId).toList();
    }

    /** @throws UnknownRoomException when the room does not exist or lies outside the scope (indistinguishable) */
    public RoomRecord room(String roomId) {
        return registry.room(roomId).filter(this::covers).orElseThrow(() -> new UnknownRoomException(roomId));
    }

    /** A school (its name), when at least one of its rooms is in scope. */
    public java.util.Optional<cn.xinan.provisioning.SchoolRecord> school(String schoolId) {
        return rooms().stream().anyMatch(r -> r.school().equals(schoolId)) ? registry.school(schoolId)
                : java.util.Optional.empty();
    }

    public List<DeviceRecord> devicesOfRoom(String roomId) {
        return registry.devicesOfRoom(room(roomId).roomId());
    }

    /**
     * Whether a device id (from a quarantined message, for example) is one the caller may see: a registered device
     * of a room in scope; an unregistered or missing id only for the whole city.
     */
    public boolean coversDevice(String deviceId) {
        if (wholeCity()) {
            return true;
        }
        return deviceId != null && registry.device(deviceId).flatMap(d -> registry.room(d.roomId())).filter(this::covers).isPresent();
    }

    private boolean covers(RoomRecord r) {
        return scope.covers(r.county(), r.school());
    }
}
