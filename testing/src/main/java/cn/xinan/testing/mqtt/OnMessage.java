package cn.xinan.testing.mqtt;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A Paho callback for test clients that only care about the messages that arrive (and, for some, about the broker
 * disconnecting them).
 */
public final class OnMessage implements MqttCallback {
    private final BiConsumer<String, MqttMessage> onMessage;
    private final Consumer<MqttDisconnectResponse> onDisconnect;

    private OnMessage(BiConsumer<String, MqttMessage> onMessage, Consumer<MqttDisconnectResponse> onDisconnect) {
        this.onMessage = onMessage;
        this.onDisconnect = onDisconnect;
    }

    public static MqttCallback of(BiConsumer<String, MqttMessage> onMessage) {
        return new OnMessage(onMessage, response -> {
        });
    }

    /** Also tells {@code onDisconnect} when the broker disconnects the client. */
    public static MqttCallback of(BiConsumer<String, MqttMessage> onMessage, Consumer<MqttDisconnectResponse> onDisconnect) {
        return new OnMessage(onMessage, onDisconnect);
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        onMessage.accept(topic, message);
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        onDisconnect.accept(response);
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }
}
