package cn.xinan.launcher.faults;

import cn.xinan.wire.SignedEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every event the devices recorded (their ledgers) against what the store holds.
 *
 * @param recorded   events committed to the devices' outboxes
 * @param stored     of those, how many the store holds
 * @param lost       recorded but not stored: {@code device#seq id}
 * @param duplicated stored rows beyond the first of one event id, or of one device and sequence number
 * @param unexpected stored events of these devices that no device recorded
 */
record Tally(long recorded, long stored, List<String> lost, long duplicated, List<String> unexpected) {
    Tally {
        lost = List.copyOf(lost);
        unexpected = List.copyOf(unexpected);
    }

    static Tally of(Map<String, List<SignedEvent>> ledgers, List<StoredIds.Row> rows) {
        Map<String, StoredIds.Row> byId = new HashMap<>();
        Set<String> deviceSeqs = new HashSet<>();
        long duplicated = 0;
        for (StoredIds.Row row : rows) {
            boolean newId = byId.putIfAbsent(row.eventId(), row) == null;
            boolean newSeq = deviceSeqs.add(row.deviceId() + "#" + row.seq());
            if (!newId || !newSeq) {
                duplicated++;
            }
        }
        long recorded = 0;
        long stored = 0;
        List<String> lost = new ArrayList<>();
        Set<String> recordedIds = new HashSet<>();
        for (List<SignedEvent> ledger : ledgers.values()) {
            for (SignedEvent e : ledger) {
                recorded++;
                recordedIds.add(e.event().eventId());
                if (byId.containsKey(e.event().eventId())) {
                    stored++;
                } else {
                    lost.add(e.event().deviceId() + "#" + e.event().seq() + " " + e.event().eventId());
                }
            }
        }
        List<String> unexpected = byId.values().stream().filter(r -> !recordedIds.contains(r.eventId()))
                .map(r -> r.deviceId() + "#" + r.seq() + " " + r.eventId()).toList();
        return new Tally(recorded, stored, lost, duplicated, unexpected);
    }

    boolean exact() {
        return lost.isEmpty() && duplicated == 0 && unexpected.isEmpty() && recorded == stored;
    }

    @Override
    public String toString() {
        return "recorded " + recorded + ", stored " + stored + ", lost " + lost.size()
                + (lost.isEmpty() ? "" : " " + lost.subList(0, Math.min(10, lost.size())) + (lost.size() > 10 ? "…" : ""))
                + ", duplicated " + duplicated + ", unexpected " + unexpected.size();
    }
}
