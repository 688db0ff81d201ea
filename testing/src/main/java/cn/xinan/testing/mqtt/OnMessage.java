package cn.xinan.testing.mqtt;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.util.function.BiConsumer;

/** A Paho callback for test subscribers that only care about the messages that arrive. */
public final class OnMessage implements MqttCallback {
    private final BiConsumer<String, MqttMessage> onMessage;

    private OnMessage(BiConsumer<String, MqttMessage> onMessage) {
        this.onMessage = onMessage;
    }

    public static MqttCallback of(BiConsumer<String, MqttMessage> onMessage) {
        return new OnMessage(onMessage);
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        onMessage.accept(topic, message);
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
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
