package cn.xinan.collector;

import cn.xinan.collector.ingest.AckTracker;
import cn.xinan.collector.ingest.IngestCounters;
import cn.xinan.collector.ingest.MqttIngest;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.QuarantineReason;
import cn.xinan.collector.store.StoreException;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * {@code /observe/health} (readiness: the store answers, MQTT is connected and subscribed, and no device's
 * acknowledgement has stalled while its events keep arriving: {@link AckTracker#stalled}) and
 * {@code /observe/metrics} (the ingest counters, Prometheus format by default). Each collector has a meter
 * registry of its own, so several collectors in one JVM (tests, {@code xinan demo}) never mix counters.
 *
 * <pre>
 * curl http://localhost:8080/observe/health
 * curl http://localhost:8080/observe/metrics
 * </pre>
 */
final class Observability {
    private Observability() {
    }

    static ObserveFeature feature(EventStore store, MqttIngest mqtt, IngestCounters counters, AckTracker acks) {
        HealthObserver health = HealthObserver.builder()
                .details(true)
                .addCheck(() -> storeHealth(store), HealthCheckType.READINESS, "store")
                .addCheck(() -> HealthCheckResponse.builder().status(mqtt.isConnected())
                        .detail("connected", mqtt.isConnected()).build(), HealthCheckType.READINESS, "mqtt")
                .addCheck(() -> ackHealth(acks), HealthCheckType.READINESS, "acknowledgements")
                .build();
        MetricsObserver metrics = MetricsObserver.builder().meterRegistry(meters(counters)).build();
        return ObserveFeature.builder()
                .observersDiscoverServices(false)
                .addObserver(health)
                .addObserver(metrics)
                .build();
    }

    private static HealthCheckResponse ackHealth(AckTracker acks) {
        List<String> stalled = acks.stalled();
        long gaps = acks.progress().stream().filter(p -> !p.gaps().isEmpty()).count();
        return HealthCheckResponse.builder().status(stalled.isEmpty())
                .detail("devicesWithGaps", gaps)
                .detail("stalled", String.join(",", stalled))
                .detail("resendRequests", acks.resendRequests())
                .build();
    }

    private static HealthCheckResponse storeHealth(EventStore store) {
        try {
            store.checkHealth();
            return HealthCheckResponse.builder().status(true).detail("type", store.type()).build();
        } catch (StoreException e) {
            return HealthCheckResponse.builder().status(false).detail("type", store.type())
                    .detail("error", String.valueOf(e.getMessage())).build();
        }
    }

    static MeterRegistry meters(IngestCounters c) {
        MeterRegistry registry = Metrics.createMeterRegistry();
        counter(registry, "xinan.ingest.messages.received", "MQTT messages handed to the ingest", c,
                IngestCounters::messagesReceived);
        counter(registry, "xinan.ingest.events.received", "events in messages that passed every check", c,
                IngestCounters::eventsReceived);
        counter(registry, "xinan.ingest.events.stored", "events new to the store", c, IngestCounters::eventsStored);
        counter(registry, "xinan.ingest.duplicates", "events already stored (re-deliveries)", c,
                IngestCounters::duplicates);
        counter(registry, "xinan.ingest.sequence.gaps", "jumps forward in a device's sequence numbers", c,
                IngestCounters::sequenceGaps);
        counter(registry, "xinan.ingest.store.failures", "appends that failed and were retried", c,
                IngestCounters::storeFailures);
        for (QuarantineReason reason : QuarantineReason.values()) {
            registry.getOrCreate(FunctionalCounter.builder("xinan.ingest.quarantined", c, x -> x.quarantined(reason))
                    .description("messages quarantined, by reason")
                    .tags(List.of(Metrics.tag("reason", reason.code()))));
        }
        registry.getOrCreate(Gauge.builder("xinan.ingest.pending", c, x -> x.snapshot().pending())
                .description("messages received and not yet acknowledged"));
        return registry;
    }

    private static void counter(MeterRegistry registry, String name, String description, IngestCounters c,
                                ToLongFunction<IngestCounters> value) {
        registry.getOrCreate(FunctionalCounter.builder(name, c, x -> value.applyAsLong(x)).description(description));
    }
}
