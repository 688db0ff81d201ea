package cn.xinan.collector.broker;

import cn.xinan.testing.ExternalServer;
import cn.xinan.testing.mqtt.OnMessage;
import cn.xinan.collector.testkit.TestPublisher;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EmbeddedBrokerTest {
    @TempDir
    Path dir;

    @Test
    void eachMessageGoesToExactlyOneMemberOfAnMqtt5SharedSubscription() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(new BrokerSettings("127.0.0.1", ExternalServer.freePort(), dir))) {
            List<String> first = new CopyOnWriteArrayList<>();
            List<String> second = new CopyOnWriteArrayList<>();
            MqttAsyncClient a = subscriber(broker.url(), "$share/xinan-collectors/+/events", first);
            MqttAsyncClient b = subscriber(broker.url(), "$share/xinan-collectors/+/events", second);
            try (TestPublisher publisher = new TestPublisher(broker.url())) {
                for (int i = 0; i < 20; i++) {
                    publisher.publish("dev-" + i + "/events", ("m" + i).getBytes(StandardCharsets.US_ASCII));
                }
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> first.size() + second.size() == 20);

            List<String> all = new java.util.ArrayList<>(first);
            all.addAll(second);
            assertThat(all).doesNotHaveDuplicates().hasSize(20);
            a.disconnect().waitForCompletion();
            b.disconnect().waitForCompletion();
        }
    }

    @Test
    void aPersistentSessionGetsWhatWasPublishedWhileItsSubscriberWasAway() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(new BrokerSettings("127.0.0.1", ExternalServer.freePort(), dir))) {
            List<String> received = new CopyOnWriteArrayList<>();
            MqttAsyncClient c = subscriber(broker.url(), "collector-1", "$share/xinan-collectors/+/events", received);
            c.disconnect().waitForCompletion(10_000);
            c.close();
            try (TestPublisher publisher = new TestPublisher(broker.url())) {
                publisher.publish("dev-1/events", "while away".getBytes(StandardCharsets.US_ASCII));
            }

            MqttAsyncClient again = subscriber(broker.url(), "collector-1", "$share/xinan-collectors/+/events", received);

            await().atMost(Duration.ofSeconds(30)).until(() -> received.contains("while away"));
            again.disconnect().waitForCompletion();
        }
    }

    private static MqttAsyncClient subscriber(String url, String filter, List<String> received) throws MqttException {
        return subscriber(url, "sub-" + System.nanoTime(), filter, received);
    }

    private static MqttAsyncClient subscriber(String url, String clientId, String filter, List<String> received)
            throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        c.setCallback(OnMessage.of((topic, message) ->
                received.add(new String(message.getPayload(), StandardCharsets.US_ASCII))));
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(3_600L);
        c.connect(options).waitForCompletion(10_000);
        IMqttToken sub = c.subscribe(new MqttSubscription(filter, 1));
        sub.waitForCompletion(10_000);
        assertThat(sub.getGrantedQos()).containsExactly(1);
        return c;
    }
}
