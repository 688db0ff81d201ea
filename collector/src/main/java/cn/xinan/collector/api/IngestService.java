package cn.xinan.collector.api;

import cn.xinan.collector.ingest.IngestCounters;
import cn.xinan.collector.ingest.IngestStats;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.QuarantineReason;
import cn.xinan.collector.store.QuarantinedMessage;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The ingest counters of this collector and the quarantine of the store.
 *
 * <pre>
 * curl http://localhost:8080/api/v1/ingest
 * curl 'http://localhost:8080/api/v1/quarantine?limit=20'
 * </pre>
 */
final class IngestService implements HttpService {
    private final EventStore store;
    private final IngestCounters counters;
    private final BooleanSupplier mqttConnected;
    private final java.util.function.LongSupplier statusRejected;

    IngestService(EventStore store, IngestCounters counters, BooleanSupplier mqttConnected,
                  java.util.function.LongSupplier statusRejected) {
        this.statusRejected = statusRejected;
        this.store = store;
        this.counters = counters;
        this.mqttConnected = mqttConnected;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/ingest", this::ingest)
                .get("/quarantine", this::quarantine);
    }

    /** {@code GET /api/v1/ingest}: counters since this collector started, and the store's totals. */
    private void ingest(ServerRequest req, ServerResponse res) {
        IngestStats s = counters.snapshot();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", store.type());
        out.put("mqttConnected", mqttConnected.getAsBoolean());
        out.put("messagesReceived", s.messagesReceived());
        out.put("eventsReceived", s.eventsReceived());
        out.put("eventsStored", s.eventsStored());
        out.put("duplicates", s.duplicates());
        out.put("quarantined", byReason(s.quarantined()));
        out.put("sequenceGaps", s.sequenceGaps());
        out.put("storeFailures", s.storeFailures());
        out.put("pending", s.pending());
        out.put("statusRejected", statusRejected.getAsLong());
        out.put("storedEventsTotal", store.eventCount());
        Json.send(res, Status.OK_200, out);
    }

    /** {@code GET /api/v1/quarantine?limit=N} (1 to 1000, default 50): counts by reason and the newest messages. */
    private void quarantine(ServerRequest req, ServerResponse res) {
        int limit = Parameters.integer(req, "limit", 50, 1, 1000);
        List<Map<String, Object>> messages = new ArrayList<>();
        for (QuarantinedMessage q : store.recentQuarantine(limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("receivedAt", q.receivedAt().toString());
            m.put("topic", q.topic());
            m.put("device", q.deviceId());
            m.put("reason", q.reason().code());
            m.put("detail", q.detail());
            m.put("payloadBytes", q.payloadBytes());
            m.put("truncated", q.truncated());
            m.put("payloadBase64", Base64.getEncoder().encodeToString(q.payload()));
            messages.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("counts", byReason(store.quarantineCounts()));
        out.put("messages", messages);
        Json.send(res, Status.OK_200, out);
    }

    private static Map<String, Long> byReason(Map<QuarantineReason, Long> counts) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (QuarantineReason r : QuarantineReason.values()) {
            out.put(r.code(), counts.getOrDefault(r, 0L));
        }
        return out;
    }
}
