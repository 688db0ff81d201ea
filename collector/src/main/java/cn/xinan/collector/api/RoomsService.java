package cn.xinan.collector.api;

import cn.xinan.collector.access.Access;
import cn.xinan.collector.access.Permission;
import cn.xinan.collector.access.ScopedRegistry;
import cn.xinan.collector.ingest.DeviceStatusBoard;
import cn.xinan.provisioning.DeviceRecord;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.provisioning.SchoolRecord;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registered rooms in the caller's scope with their devices and each device's connection state (from its retained status
 * message: {@code online} true, false, or null when no status has arrived).
 *
 * <pre>
 * curl -H "Authorization: Bearer $TOKEN" http://localhost:8080/api/v1/rooms
 * </pre>
 */
final class RoomsService implements HttpService {
    private final Access access;
    private final DeviceStatusBoard board;

    RoomsService(Access access, DeviceStatusBoard board) {
        this.access = access;
        this.board = board;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/rooms", this::rooms);
    }

    /** {@code GET /api/v1/rooms}: {@code {"rooms": [{"room", "county", "school", "schoolName", "tier", "name", "devices": [...]}]}}. */
    private void rooms(ServerRequest req, ServerResponse res) {
        Access.require(req, Permission.VIEW_ROOMS);
        ScopedRegistry registry = access.scope(req);
        List<Map<String, Object>> rooms = new ArrayList<>();
        for (RoomRecord r : registry.rooms()) {
            Map<String, Object> room = room(registry, r);
            room.put("devices", devices(registry, r, board));
            rooms.add(room);
        }
        Json.send(res, Status.OK_200, Map.of("rooms", rooms));
    }

    /** A room as the API shows it: {@code {"room", "county", "school", "schoolName", "tier", "name"}} (also the room page's). */
    static Map<String, Object> room(ScopedRegistry registry, RoomRecord r) {
        Map<String, Object> room = new LinkedHashMap<>();
        room.put("room", r.roomId());
        room.put("county", r.county());
        room.put("school", r.school());
        room.put("schoolName", registry.school(r.school()).map(SchoolRecord::name).orElse(r.school()));
        room.put("tier", r.tier().chineseName());
        room.put("name", r.name());
        return room;
    }

    /** The room's devices with their connection state: {@code [{"device", "online", "statusAt", "firmware", "lastEventReceivedAt"}]}. */
    static List<Map<String, Object>> devices(ScopedRegistry registry, RoomRecord r, DeviceStatusBoard board) {
        List<Map<String, Object>> devices = new ArrayList<>();
        for (DeviceRecord d : registry.devicesOfRoom(r.roomId())) {
            Map<String, Object> device = new LinkedHashMap<>();
            device.put("device", d.deviceId());
            var state = board.state(d.deviceId());
            device.put("online", state.map(DeviceStatusBoard.DeviceState::online).orElse(null));
            device.put("statusAt", state.map(s -> s.statusAt() == null ? null : s.statusAt().toString()).orElse(null));
            device.put("firmware", state.map(DeviceStatusBoard.DeviceState::firmware).orElse(null));
            device.put("lastEventReceivedAt", state.map(s -> s.lastEventReceivedAt() == null ? null
                    : s.lastEventReceivedAt().toString()).orElse(null));
            devices.add(device);
        }
        return devices;
    }
}
