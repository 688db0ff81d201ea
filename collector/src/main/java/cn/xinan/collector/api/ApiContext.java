package cn.xinan.collector.api;

import cn.xinan.collector.ingest.AckTracker;
import cn.xinan.collector.ingest.DeviceStatusBoard;
import cn.xinan.collector.ingest.IngestCounters;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.provisioning.Registry;

import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the REST API reads: the registry, the store, the verdicts and the live ingest state.
 *
 * @param mqttConnected whether the ingest is connected and subscribed (for {@code /api/v1/ingest})
 * @param acknowledgements each device's acknowledged sequence and gaps (for {@code /api/v1/devices})
 */
public record ApiContext(Registry registry, EventStore store, VerdictService verdicts, IngestCounters counters,
                         DeviceStatusBoard board, BooleanSupplier mqttConnected,
                         Supplier<List<AckTracker.DeviceProgress>> acknowledgements) {
    public ApiContext {
        Objects.requireNonNull(registry, "registry is missing");
        Objects.requireNonNull(store, "store is missing");
        Objects.requireNonNull(verdicts, "verdicts are missing");
        Objects.requireNonNull(counters, "counters are missing");
        Objects.requireNonNull(board, "status board is missing");
        Objects.requireNonNull(mqttConnected, "mqtt state is missing");
        Objects.requireNonNull(acknowledgements, "acknowledgements are missing");
    }

    /** Without acknowledgement tracking (every device shows none). */
    public ApiContext(Registry registry, EventStore store, VerdictService verdicts, IngestCounters counters,
                      DeviceStatusBoard board, BooleanSupplier mqttConnected) {
        this(registry, store, verdicts, counters, board, mqttConnected, List::of);
    }
}
