package cn.xinan.testing.mqtt;

import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSocketFactory;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link ProvisionedBrokerAccessContract} over a TLS listener with the server certificate {@code xinan provision}
 * generates: every client trusts the generated CA ({@code ca.crt}) and checks the broker's host name, as devices and
 * collectors do; and a client that trusts only the platform's CAs cannot connect at all.
 *
 * <p>A subclass hands the socket factory trusting the generated CA to {@link #trusting} in its {@code @BeforeAll},
 * with the accounts.
 */
public abstract class ProvisionedTlsBrokerAccessContract extends ProvisionedBrokerAccessContract {
    private SSLSocketFactory trustingTheCa;

    /** The socket factory of clients trusting the generated CA; call once the broker runs. */
    protected final void trusting(SSLSocketFactory caTrusted) {
        this.trustingTheCa = Objects.requireNonNull(caTrusted, "caTrusted");
    }

    /** Over TLS, trusting the generated CA, checking the host name against the broker's certificate. */
    @Override
    protected final void configure(MqttConnectionOptions options) {
        options.setHttpsHostnameVerificationEnabled(true);
        options.setSocketFactory(Objects.requireNonNull(trustingTheCa, "trusting(...) was not called"));
    }

    @Test
    void aClientThatDoesNotTrustTheCaCannotConnect() {
        Account a = deviceA();
        assertThatThrownBy(() -> connect(a.user(), a.password(), new LinkedBlockingQueue<>(), o -> {
            o.setHttpsHostnameVerificationEnabled(true);
            o.setSocketFactory(SSLSocketFactory.getDefault());
        })).isInstanceOf(MqttException.class);
    }
}
