package cn.xinan.provisioning.broker;

import cn.xinan.provisioning.DeviceHistory;
import cn.xinan.wire.Topics;

import java.util.ArrayList;
import java.util.List;

/**
 * The same accounts and rights as {@link BrokerFiles#passwordFile} and {@link BrokerFiles#aclFile}, as the
 * configuration of Mosquitto 2's dynamic security plugin ({@code dynamic-security.json}). The generated Mosquitto
 * listener uses this plugin rather than {@code password_file} and {@code acl_file} because Mosquitto 2.0's ACL file
 * does not check subscriptions: with it a device may subscribe to {@code $share/xinan-collectors/+/events}, and
 * every event the broker then hands to that device is dropped (the ACL refuses the delivery), lost for the
 * collectors. The plugin refuses the subscription itself (SUBACK 0x87).
 *
 * <p>Default access: nothing may be published, received or subscribed to unless a role allows it. Each device has
 * a role of its own; every collector account has the role {@code xinan-collector}. The password hashes are the
 * registry's {@code $7$} hashes (PBKDF2-SHA512, 12-byte salt), which the plugin stores in the same form.
 */
public final class DynamicSecurityFile {
    public static final String FILE = "dynamic-security.json";
    public static final String COLLECTOR_ROLE = "xinan-collector";

    private DynamicSecurityFile() {
    }

    public static String json(List<DeviceHistory> devices, List<BrokerFiles.CollectorAccount> collectors) {
        List<String> clients = new ArrayList<>();
        List<String> roles = new ArrayList<>();
        String group = "$share/" + Topics.SHARED_GROUP + "/";
        roles.add(role(COLLECTOR_ROLE, List.of(
                acl("publishClientReceive", "+/events"), acl("publishClientReceive", "+/status"),
                acl("publishClientReceive", "+/ack"),
                acl("publishClientSend", "+/ack"), acl("publishClientSend", "+/resend"),
                acl("subscribeLiteral", "+/events"), acl("subscribeLiteral", "+/status"), acl("subscribeLiteral", "+/ack"),
                acl("subscribeLiteral", group + "+/events"), acl("subscribeLiteral", group + "+/status"),
                acl("subscribeLiteral", group + "+/ack"))));
        for (BrokerFiles.CollectorAccount c : collectors) {
            clients.add(client(c.name(), c.passwordHash(), COLLECTOR_ROLE));
        }
        for (DeviceHistory d : devices) {
            if (d.retired() || d.brokerPasswordHash().isEmpty()) {
                continue;
            }
            String id = d.deviceId();
            String role = "device-" + id;
            roles.add(role(role, List.of(
                    acl("publishClientSend", id + "/events"), acl("publishClientSend", id + "/status"),
                    acl("publishClientReceive", id + "/ack"), acl("publishClientReceive", id + "/resend"),
                    acl("subscribeLiteral", id + "/ack"), acl("subscribeLiteral", id + "/resend"))));
            clients.add(client(id, d.brokerPasswordHash(), role));
        }
        return "{\n  \"defaultACLAccess\": {\"publishClientSend\": false, \"publishClientReceive\": false, "
                + "\"subscribe\": false, \"unsubscribe\": true},\n"
                + "  \"clients\": [\n    " + String.join(",\n    ", clients) + "\n  ],\n"
                + "  \"groups\": [],\n"
                + "  \"roles\": [\n    " + String.join(",\n    ", roles) + "\n  ]\n}\n";
    }

    private static String client(String user, String hash, String role) {
        String[] parts = hash.split("\\$"); // "", "7", iterations, salt, hash
        return "{\"username\": " + str(user) + ", \"password\": " + str(parts[4]) + ", \"salt\": " + str(parts[3])
                + ", \"iterations\": " + Integer.parseInt(parts[2]) + ", \"roles\": [{\"rolename\": " + str(role) + "}]}";
    }

    private static String role(String name, List<String> acls) {
        return "{\"rolename\": " + str(name) + ", \"acls\": [" + String.join(", ", acls) + "]}";
    }

    private static String acl(String type, String topic) {
        return "{\"acltype\": " + str(type) + ", \"topic\": " + str(topic) + ", \"priority\": 0, \"allow\": true}";
    }

    private static String str(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
