package cn.xinan.collector.broker;

import cn.xinan.provisioning.broker.MosquittoAcl;
import cn.xinan.provisioning.broker.MosquittoPasswordFile;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * The embedded broker's access control: the same rules as a Mosquitto configured with the same password file and
 * ACL ({@code allow_anonymous false}, {@code use_username_as_clientid true}). A HiveMQ extension:
 * <ul>
 *   <li>connect: a user name and password that verify against the password file ({@code $7$} or {@code $6$}),
 *       and a client id equal to the user name (Mosquitto forces it; here a different one is refused, so nobody
 *       can take over another account's session, the collector's included); a last will only on a topic the
 *       account may write;</li>
 *   <li>publish: {@link MosquittoAcl#canPublish};</li>
 *   <li>subscribe: {@link MosquittoAcl#canSubscribe}, which is stricter than Mosquitto 2.0.11 (it does not check
 *       subscriptions, only each delivered message): a filter must be wholly readable, so a device cannot
 *       subscribe to {@code #} or join the collectors' shared group.</li>
 * </ul>
 */
final class BrokerAccess implements ExtensionMain {
    private static final System.Logger LOG = System.getLogger(BrokerAccess.class.getName());

    private final MosquittoPasswordFile passwords;
    private final MosquittoAcl acl;

    BrokerAccess(MosquittoPasswordFile passwords, MosquittoAcl acl) {
        this.passwords = Objects.requireNonNull(passwords, "password file is missing");
        this.acl = Objects.requireNonNull(acl, "ACL is missing");
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        Authenticator authenticator = new Authenticator();
        Authorizer authorizer = new Authorizer();
        Services.securityRegistry().setAuthenticatorProvider(i -> authenticator);
        Services.securityRegistry().setAuthorizerProvider(i -> authorizer);
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        // nothing to release
    }

    private final class Authenticator implements SimpleAuthenticator {
        @Override
        public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
            ConnectPacket connect = input.getConnectPacket();
            String clientId = connect.getClientId();
            Optional<String> user = connect.getUserName();
            Optional<String> password = connect.getPassword().flatMap(BrokerAccess::utf8);
            if (user.isEmpty() || password.isEmpty() || !passwords.verify(user.get(), password.get())) {
                LOG.log(System.Logger.Level.WARNING, "broker: refused client " + clientId + ": "
                        + (user.isEmpty() ? "anonymous" : "bad user name or password for " + user.get()));
                output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad user name or password");
                return;
            }
            if (!user.get().equals(clientId)) {
                LOG.log(System.Logger.Level.WARNING, "broker: refused user " + user.get() + " connecting as client id "
                        + clientId + ": the client id must be the user name");
                output.failAuthentication(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "the client id must be the user name");
                return;
            }
            if (connect.getWillPublish().isPresent()
                    && !acl.canPublish(user.get(), clientId, connect.getWillPublish().get().getTopic())) {
                output.failAuthentication(ConnackReasonCode.NOT_AUTHORIZED, "last will on a topic this account may not write");
                return;
            }
            output.authenticateSuccessfully();
        }
    }

    /** The client id is the user name (the authenticator made sure of it). */
    private final class Authorizer implements PublishAuthorizer, SubscriptionAuthorizer {
        @Override
        public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
            String client = input.getClientInformation().getClientId();
            String topic = input.getPublishPacket().getTopic();
            if (acl.canPublish(client, client, topic)) {
                output.authorizeSuccessfully();
            } else {
                LOG.log(System.Logger.Level.DEBUG, "broker: " + client + " may not publish to " + topic);
                output.failAuthorization(AckReasonCode.NOT_AUTHORIZED, "not authorized to publish to " + topic);
            }
        }

        @Override
        public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
            String client = input.getClientInformation().getClientId();
            String filter = input.getSubscription().getTopicFilter();
            if (acl.canSubscribe(client, client, filter)) {
                output.authorizeSuccessfully();
            } else {
                LOG.log(System.Logger.Level.DEBUG, "broker: " + client + " may not subscribe to " + filter);
                output.failAuthorization(SubackReasonCode.NOT_AUTHORIZED, "not authorized to subscribe to " + filter);
            }
        }
    }

    private static Optional<String> utf8(ByteBuffer bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().decode(bytes.asReadOnlyBuffer()).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
