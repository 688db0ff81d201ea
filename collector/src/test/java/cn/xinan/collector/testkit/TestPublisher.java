package cn.xinan.collector.testkit;

import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

import java.util.UUID;

/** A plain MQTT 5 publisher (QoS 1, waits for each PUBACK) standing in for devices in tests. */
public final class TestPublisher implements AutoCloseable {
    private final MqttAsyncClient client;

    public TestPublisher(String brokerUrl) {
        try {
            client = new MqttAsyncClient(brokerUrl, "pub-" + UUID.randomUUID(), new MemoryPersistence());
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setCleanStart(true);
            client.connect(o).waitForCompletion(10_000);
        } catch (MqttException e) {
            throw new IllegalStateException("test publisher cannot connect to " + brokerUrl, e);
        }
    }

    /** Publishes at QoS 1 and returns once the broker has it. */
    public void publish(String topic, byte[] payload) {
        send(topic, payload, false);
    }

    public void publishRetained(String topic, byte[] payload) {
        send(topic, payload, true);
    }

    private void send(String topic, byte[] payload, boolean retained) {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        m.setRetained(retained);
        try {
            client.publish(topic, m).waitForCompletion(10_000);
        } catch (MqttException e) {
            throw new IllegalStateException("publish to " + topic + " failed", e);
        }
    }

    @Override
    public void close() {
        try {
            client.disconnect().waitForCompletion(5_000);
            client.close();
        } catch (MqttException ignored) {
            // test teardown
        }
    }
}
