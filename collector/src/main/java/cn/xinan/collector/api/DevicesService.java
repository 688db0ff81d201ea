package cn.xinan.collector.api;

import cn.xinan.collector.access.Access;
import cn.xinan.collector.access.Permission;
import cn.xinan.collector.access.ScopedRegistry;
import cn.xinan.collector.ingest.AckTracker;
import cn.xinan.collector.ingest.DeviceStatusBoard;
import cn.xinan.provisioning.DeviceRecord;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Every registered device with its connection state and how far its events are stored: the end-to-end
 * acknowledgement ({@code acknowledgedThrough}: every seq up to it is stored) and the gaps above it that have
 * not filled (docs/mqtt-contract.md, "Acknowledgement and resend"); and how many of its sequence numbers were
 * quarantined as handled ({@code quarantinedSeqs}: verified events with an implausible time or refused by the store,
 * acknowledged so the device goes on, kept in the quarantine list with their reason), read from the store.
 *
 * <pre>
 * curl -H "Authorization: Bearer $XINAN_TOKEN" http://localhost:8080/api/v1/devices
 * </pre>
 */
final class DevicesService implements HttpService {
    private final Access access;
    private final DeviceStatusBoard board;
    private final Supplier<List<AckTracker.DeviceProgress>> acknowledgements;
    private final Supplier<Map<String, Long>> quarantinedSeqs;

    DevicesService(Access access, DeviceStatusBoard board, Supplier<List<AckTracker.DeviceProgress>> acknowledgements,
                   Supplier<Map<String, Long>> quarantinedSeqs) {
        this.access = access;
        this.board = board;
        this.acknowledgements = acknowledgements;
        this.quarantinedSeqs = quarantinedSeqs;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/devices", this::devices);
    }

    /**
     * {@code GET /api/v1/devices}: {@code {"devices": [{"device", "room", "online", "acknowledgedThrough",
     * "highestStoredSeq", "gaps": [{"from", "to"}], "gapSince", "quarantinedSeqs", "health"}], "devicesWithGaps": N,
     * "devicesWithQuarantinedSeqs": N}}; the acknowledgement fields are {@code null} for a device this collector has not
     * received events of since it started; {@code quarantinedSeqs} (from the store, 0 when none) counts the device's
     * verified events quarantined as handled; {@code health} is the latest health the device reported in its status
     * (docs/mqtt-contract.md, "Status schema 2") with {@code receivedAt} and {@code recentOutboxDepths}, {@code null}
     * when it reported none.
     */
    private void devices(ServerRequest req, ServerResponse res) {
        Access.require(req, Permission.VIEW_ROOMS);
        ScopedRegistry scope = access.scope(req);
        Map<String, AckTracker.DeviceProgress> progress = acknowledgements.get().stream()
                .collect(Collectors.toMap(AckTracker.DeviceProgress::deviceId, Function.identity()));
        Map<String, Long> quarantined = quarantinedSeqs.get();
        List<Map<String, Object>> devices = new ArrayList<>();
        long withGaps = 0;
        long withQuarantined = 0;
        List<DeviceRecord> inScope = new ArrayList<>();
        scope.rooms().forEach(r -> inScope.addAll(scope.devicesOfRoom(r.roomId())));
        for (DeviceRecord d : inScope) {
            Map<String, Object> device = new LinkedHashMap<>();
            device.put("device", d.deviceId());
            device.put("room", d.roomId());
            java.util.Optional<DeviceStatusBoard.DeviceState> state = board.state(d.deviceId());
            device.put("online", state.map(DeviceStatusBoard.DeviceState::online).orElse(null));
            AckTracker.DeviceProgress p = progress.get(d.deviceId());
            device.put("acknowledgedThrough", p == null ? null : p.through());
            device.put("highestStoredSeq", p == null ? null : p.highestSeen());
            List<Map<String, Long>> gaps = new ArrayList<>();
            if (p != null) {
                p.gaps().forEach(g -> gaps.add(Map.of("from", g.from(), "to", g.to())));
            }
            device.put("gaps", gaps);
            device.put("gapSince", p == null || p.gapSince() == null ? null : p.gapSince().toString());
            long q = quarantined.getOrDefault(d.deviceId(), 0L);
            device.put("quarantinedSeqs", q);
            device.put("health", state.filter(st -> st.health() != null).map(DevicesService::health).orElse(null));
            if (!gaps.isEmpty()) {
                withGaps++;
            }
            if (q > 0) {
                withQuarantined++;
            }
            devices.add(device);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("devices", devices);
        out.put("devicesWithGaps", withGaps);
        out.put("devicesWithQuarantinedSeqs", withQuarantined);
        Json.send(res, Status.OK_200, out);
    }

    private static Map<String, Object> health(DeviceStatusBoard.DeviceState state) {
        var h = state.health();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("receivedAt", state.healthReceivedAt().toString());
        m.put("statusAt", state.statusAt() == null ? null : state.statusAt().toString());
        m.put("sensorUnchangedOpenSeconds", h.sensorUnchangedOpenSeconds());
        m.put("sensorError", h.sensorError());
        m.put("clockSynced", h.clockSynced());
        m.put("clockUnsyncedSeconds", h.clockUnsyncedSeconds());
        m.put("outboxDepth", h.outboxDepth());
        m.put("outboxOldestSeconds", h.outboxOldestSeconds());
        m.put("recentOutboxDepths", state.recentDepths());
        return m;
    }
}
