package cn.xinan.provisioning;

import cn.xinan.event.DeviceEvent;
import cn.xinan.wire.Ed25519Keys;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the registry keeps about one device: its keys and its rooms over time, its broker password hash
 * and, once retired, when. Past events stay verifiable and stay in their room: a replacement adds a key from a
 * date, a move adds a room assignment from a date, nothing earlier is rewritten.
 *
 * <p>Periods: each key (each room assignment) is current from its {@code from} until the next one's {@code from}
 * and, for a retired device, until {@code retiredAt}. The first key and the first assignment have no {@code from}:
 * they cover everything before the second one (a device registered today may deliver events recorded earlier,
 * as the demo's replayed history does).
 *
 * @param deviceId           the device's id, also its MQTT user name
 * @param keys               oldest first; at least one
 * @param rooms              oldest first; at least one
 * @param retiredAt          when the device was retired; nothing it records from then on is accepted
 * @param brokerPasswordHash Mosquitto {@code $7$} hash of its broker password, or empty for a device without a
 *                           broker account (an anonymous test broker)
 */
public record DeviceHistory(String deviceId, List<KeyPeriod> keys, List<Assignment> rooms, Optional<Instant> retiredAt,
                            String brokerPasswordHash) {

    /** A public key, current from {@code from} (empty: from the start). */
    public record KeyPeriod(Ed25519Keys.PublicKey key, Optional<Instant> from) {
        public KeyPeriod {
            Objects.requireNonNull(key, "public key is missing");
            from = Objects.requireNonNullElse(from, Optional.empty());
        }
    }

    /** The room a device is installed in from {@code from} (empty: from the start). */
    public record Assignment(String roomId, Optional<Instant> from) {
        public Assignment {
            try {
                DeviceEvent.checkDeviceId(roomId);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage().replace("device id", "room id"));
            }
            from = Objects.requireNonNullElse(from, Optional.empty());
        }
    }

    public DeviceHistory {
        DeviceEvent.checkDeviceId(deviceId);
        keys = List.copyOf(keys);
        rooms = List.copyOf(rooms);
        retiredAt = Objects.requireNonNullElse(retiredAt, Optional.empty());
        brokerPasswordHash = brokerPasswordHash == null ? "" : brokerPasswordHash.strip();
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("device " + deviceId + " has no key");
        }
        if (rooms.isEmpty()) {
            throw new IllegalArgumentException("device " + deviceId + " has no room");
        }
        checkOrder(deviceId, "key", keys.stream().map(KeyPeriod::from).toList(), retiredAt);
        checkOrder(deviceId, "room assignment", rooms.stream().map(Assignment::from).toList(), retiredAt);
        if (!brokerPasswordHash.isEmpty() && !brokerPasswordHash.startsWith("$7$")) {
            throw new IllegalArgumentException("device " + deviceId + ": broker password hash is not a Mosquitto $7$ hash");
        }
    }

    private static void checkOrder(String deviceId, String what, List<Optional<Instant>> froms, Optional<Instant> retiredAt) {
        Instant previous = null;
        for (int i = 0; i < froms.size(); i++) {
            Optional<Instant> from = froms.get(i);
            if (i == 0) {
                previous = from.orElse(null);
                continue;
            }
            if (from.isEmpty()) {
                throw new IllegalArgumentException("device " + deviceId + ": only the first " + what + " may lack a date");
            }
            if (previous != null && !from.get().isAfter(previous)) {
                throw new IllegalArgumentException("device " + deviceId + ": " + what + " " + (i + 1) + " from "
                        + from.get() + " is not after the one before (" + previous + ")");
            }
            previous = from.get();
        }
        if (retiredAt.isPresent() && previous != null && !retiredAt.get().isAfter(previous)) {
            throw new IllegalArgumentException("device " + deviceId + ": retired at " + retiredAt.get()
                    + ", not after its last " + what + " (" + previous + ")");
        }
    }

    /** A device registered once, in one room, with one key (the first registry layout). */
    public static DeviceHistory of(DeviceRecord d) {
        return new DeviceHistory(d.deviceId(), List.of(new KeyPeriod(d.publicKey(), Optional.empty())),
                List.of(new Assignment(d.roomId(), Optional.empty())), Optional.empty(), "");
    }

    public boolean retired() {
        return retiredAt.isPresent();
    }

    public Ed25519Keys.PublicKey currentKey() {
        return keys.getLast().key();
    }

    public String currentRoom() {
        return rooms.getLast().roomId();
    }

    /** The device as it is now: current room and key. */
    public DeviceRecord current() {
        return new DeviceRecord(deviceId, currentRoom(), currentKey());
    }

    /** The key that was current at {@code at}, if any (none before a later key's period, or after retirement). */
    public Optional<Ed25519Keys.PublicKey> keyAt(Instant at) {
        int i = periodIndex(keys.stream().map(KeyPeriod::from).toList(), at);
        return i < 0 ? Optional.empty() : Optional.of(keys.get(i).key());
    }

    /** The room the device was installed in at {@code at}, if any. */
    public Optional<String> roomAt(Instant at) {
        int i = periodIndex(rooms.stream().map(Assignment::from).toList(), at);
        return i < 0 ? Optional.empty() : Optional.of(rooms.get(i).roomId());
    }

    /** Whether {@code key} was current at {@code at}. */
    public boolean keyCurrentAt(Ed25519Keys.PublicKey key, Instant at) {
        return keyAt(at).map(key::equals).orElse(false);
    }

    /** Every key the device ever had, newest first (the order a verifier tries them in). */
    public List<Ed25519Keys.PublicKey> keysNewestFirst() {
        List<Ed25519Keys.PublicKey> out = new ArrayList<>();
        for (int i = keys.size() - 1; i >= 0; i--) {
            out.add(keys.get(i).key());
        }
        return out;
    }

    private int periodIndex(List<Optional<Instant>> froms, Instant at) {
        Objects.requireNonNull(at, "instant is missing");
        if (retiredAt.isPresent() && !at.isBefore(retiredAt.get())) {
            return -1;
        }
        for (int i = froms.size() - 1; i >= 0; i--) {
            Optional<Instant> from = froms.get(i);
            if (from.isEmpty() || !at.isBefore(from.get())) {
                return i;
            }
        }
        return -1;
    }

    public DeviceHistory withKey(Ed25519Keys.PublicKey key, Instant from, String newPasswordHash) {
        List<KeyPeriod> k = new ArrayList<>(keys);
        k.add(new KeyPeriod(key, Optional.of(from)));
        return new DeviceHistory(deviceId, k, rooms, retiredAt, newPasswordHash);
    }

    public DeviceHistory withRoom(String roomId, Instant from) {
        List<Assignment> r = new ArrayList<>(rooms);
        r.add(new Assignment(roomId, Optional.of(from)));
        return new DeviceHistory(deviceId, keys, r, retiredAt, brokerPasswordHash);
    }

    public DeviceHistory retiredAt(Instant at) {
        return new DeviceHistory(deviceId, keys, rooms, Optional.of(at), brokerPasswordHash);
    }
}
