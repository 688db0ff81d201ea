package cn.xinan.provisioning.broker;

import cn.xinan.provisioning.DeviceHistory;
import cn.xinan.testing.MosquittoServer;
import cn.xinan.wire.Ed25519Keys;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The classic password file's {@code $7$} hashes are the ones Mosquitto 2.0.11 itself checks. */
class ClassicPasswordFileTest {
    @TempDir
    Path dir;

    private static void connect(String url, String user, String password) throws MqttException {
        MqttClient c = new MqttClient(url, "t-" + user, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(10);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        c.connect(o);
        c.disconnect();
        c.close();
    }

    @Test
    void mosquittoAcceptsTheGeneratedHashAndNothingElse() throws Exception {
        SecureRandom random = new SecureRandom();
        String password = MosquittoPasswordHash.newPassword(random);
        DeviceHistory device = new DeviceHistory("pi-1",
                List.of(new DeviceHistory.KeyPeriod(Ed25519Keys.generate(random).publicKey(), Optional.empty())),
                List.of(new DeviceHistory.Assignment("r1", Optional.empty())), Optional.empty(),
                MosquittoPasswordHash.hash(password, random));
        Path passwd = Files.writeString(dir.resolve(BrokerFiles.PASSWORD_FILE), BrokerFiles.passwordFile(List.of(device), List.of()));
        Path acl = Files.writeString(dir.resolve(BrokerFiles.ACL_FILE), BrokerFiles.aclFile(List.of(device), List.of()));
        try (MosquittoServer broker = MosquittoServer.startWithConfig(port -> "listener " + port + " 127.0.0.1\n"
                + "allow_anonymous false\npassword_file " + passwd + "\nacl_file " + acl + "\n")) {
            connect(broker.url(), "pi-1", password);
            assertThatThrownBy(() -> connect(broker.url(), "pi-1", password + "x")).isInstanceOf(MqttException.class);
            assertThatThrownBy(() -> connect(broker.url(), null, null)).isInstanceOf(MqttException.class);
        }
        assertThat(MosquittoPasswordHash.matches(password, device.brokerPasswordHash())).isTrue();
    }
}
