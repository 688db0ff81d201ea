package cn.xinan.collector.testkit;

import cn.xinan.collector.ingest.DeviceStatusBoard;
import cn.xinan.collector.ingest.IngestCounters;
import cn.xinan.collector.ingest.IngestPipeline;
import cn.xinan.collector.ingest.IngestSettings;
import cn.xinan.collector.ingest.MqttIngest;
import cn.xinan.collector.ingest.MqttSettings;
import cn.xinan.collector.store.EventStore;
import cn.xinan.provisioning.Registry;

import java.time.Clock;

/** The ingest side of a collector (pipeline + MQTT client) wired over a given store, for tests. */
public final class IngestRig implements AutoCloseable {
    public final IngestCounters counters = new IngestCounters();
    public final DeviceStatusBoard board;
    public final IngestPipeline pipeline;
    public final MqttIngest mqtt;

    public IngestRig(String brokerUrl, String clientId, EventStore store, Registry registry, Clock clock) {
        board = new DeviceStatusBoard(registry);
        pipeline = new IngestPipeline(store, registry, IngestSettings.defaults(), counters, board);
        mqtt = new MqttIngest(MqttSettings.anonymous(brokerUrl).withClientId(clientId), pipeline, board, clock);
        if (!mqtt.start()) {
            throw new IllegalStateException("collector did not subscribe at " + brokerUrl);
        }
    }

    /** Gone at once, as in a crash: no DISCONNECT, nothing more acknowledged. */
    public void crash() {
        mqtt.crash();
        pipeline.close();
    }

    @Override
    public void close() {
        pipeline.close();
        mqtt.close();
    }
}
