package cn.xinan.provisioning.broker;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ACL rules of docs/collector.md, evaluated as Mosquitto 2.0.11 evaluates them (and stricter for subscriptions). */
class MosquittoAclTest {
    private static final MosquittoAcl ACL = MosquittoAcl.parse(List.of(
            "# Xin'an",
            "user xinan-collector",
            "topic read +/events",
            "topic read +/status",
            "topic readwrite +/ack",
            "topic write +/resend",
            "",
            "pattern write %u/events",
            "pattern write %u/status",
            "pattern read %u/ack",
            "pattern read %u/resend"), "acl");

    @Test
    void aDeviceWritesOnlyItsOwnEventsAndStatus() {
        assertThat(ACL.canPublish("dev-a", "dev-a", "dev-a/events")).isTrue();
        assertThat(ACL.canPublish("dev-a", "dev-a", "dev-a/status")).isTrue();
        assertThat(ACL.canPublish("dev-a", "dev-a", "dev-b/events")).isFalse();
        assertThat(ACL.canPublish("dev-a", "dev-a", "dev-b/status")).isFalse();
        assertThat(ACL.canPublish("dev-a", "dev-a", "dev-a/ack")).isFalse();
        assertThat(ACL.canPublish("dev-a", "dev-a", "dev-a/resend")).isFalse();
        assertThat(ACL.canPublish(null, "anon", "dev-a/events")).isFalse();
    }

    @Test
    void aDeviceSubscribesOnlyToWhatIsAddressedToIt() {
        assertThat(ACL.canSubscribe("dev-a", "dev-a", "dev-a/ack")).isTrue();
        assertThat(ACL.canSubscribe("dev-a", "dev-a", "dev-a/resend")).isTrue();
        assertThat(ACL.canSubscribe("dev-a", "dev-a", "dev-b/ack")).isFalse();
        assertThat(ACL.canSubscribe("dev-a", "dev-a", "#")).isFalse();
        assertThat(ACL.canSubscribe("dev-a", "dev-a", "+/events")).isFalse();
        assertThat(ACL.canSubscribe("dev-a", "dev-a", "dev-a/#")).isFalse();
        assertThat(ACL.canSubscribe("dev-a", "dev-a", "$share/xinan-collectors/+/events")).isFalse();
        assertThat(ACL.canSubscribe("dev-a", "dev-a", "$share/xinan-collectors/dev-a/events")).isFalse();
        assertThat(ACL.canSubscribe("dev-a", "dev-a", "$SYS/#")).isFalse();
        assertThat(ACL.canRead("dev-a", "dev-a", "dev-a/ack")).isTrue();
        assertThat(ACL.canRead("dev-a", "dev-a", "dev-b/ack")).isFalse();
    }

    @Test
    void theCollectorReadsEveryDevicesEventsAlsoThroughTheSharedGroupAndWritesAckAndResend() {
        assertThat(ACL.canSubscribe("xinan-collector", "xinan-collector", "$share/xinan-collectors/+/events")).isTrue();
        assertThat(ACL.canSubscribe("xinan-collector", "xinan-collector", "+/events")).isTrue();
        assertThat(ACL.canSubscribe("xinan-collector", "xinan-collector", "+/status")).isTrue();
        assertThat(ACL.canSubscribe("xinan-collector", "xinan-collector", "+/ack")).isTrue();
        assertThat(ACL.canSubscribe("xinan-collector", "xinan-collector", "dev-a/events")).isTrue();
        assertThat(ACL.canSubscribe("xinan-collector", "xinan-collector", "#")).isFalse();
        assertThat(ACL.canSubscribe("xinan-collector", "xinan-collector", "+/resend")).isFalse();
        assertThat(ACL.canPublish("xinan-collector", "xinan-collector", "dev-a/ack")).isTrue();
        assertThat(ACL.canPublish("xinan-collector", "xinan-collector", "dev-a/resend")).isTrue();
        assertThat(ACL.canPublish("xinan-collector", "xinan-collector", "dev-a/status")).isFalse();
        assertThat(ACL.canRead("xinan-collector", "xinan-collector", "dev-a/events")).isTrue();
    }

    @Test
    void wildcardsInAUserNameOrClientIdAreRefusedEverything() {
        assertThat(ACL.canPublish("+", "+", "x/events")).isFalse();
        assertThat(ACL.canPublish("dev-a", "#", "dev-a/events")).isFalse();
        assertThat(ACL.canSubscribe("#", "#", "#/ack")).isFalse();
    }

    @Test
    void denyLinesComeFirstAndAnonymousLinesApplyOnlyToAnonymousClients() {
        MosquittoAcl acl = MosquittoAcl.parse(List.of(
                "topic read public/#",
                "user alice",
                "topic readwrite rooms/#",
                "topic deny rooms/secret",
                "pattern readwrite clients/%c/#"), "acl");

        assertThat(acl.canRead(null, "anon", "public/news")).isTrue();
        assertThat(acl.canRead("alice", "alice", "public/news")).isFalse();
        assertThat(acl.canPublish("alice", "alice", "rooms/a")).isTrue();
        assertThat(acl.canPublish("alice", "alice", "rooms")).isTrue();
        assertThat(acl.canPublish("alice", "alice", "rooms/secret")).isFalse();
        assertThat(acl.canSubscribe("alice", "alice", "rooms/#")).isFalse();
        assertThat(acl.canSubscribe("alice", "alice", "rooms/+/x")).isTrue();
        assertThat(acl.canPublish("alice", "c-7", "clients/c-7/x")).isTrue();
        assertThat(acl.canPublish(null, "c-7", "clients/c-7/x")).isTrue();
        assertThat(acl.canPublish("alice", "c-7", "clients/c-8/x")).isFalse();
    }

    @Test
    void aTopicStartingWithADollarNeedsALineStartingWithOne() {
        MosquittoAcl acl = MosquittoAcl.parse(List.of("user ops", "topic read #"), "acl");

        assertThat(acl.canRead("ops", "ops", "a/b")).isTrue();
        assertThat(acl.canRead("ops", "ops", "$SYS/broker/uptime")).isFalse();
    }

    @Test
    void aBrokenLineIsAnErrorNamingTheFileAndLine() {
        assertThatThrownBy(() -> MosquittoAcl.parse(List.of("user a", "topic sometimes a/b"), "acl"))
                .isInstanceOf(BrokerFileException.class).hasMessageContaining("acl line 2").hasMessageContaining("sometimes");
        assertThatThrownBy(() -> MosquittoAcl.parse(List.of("topic read a/#/b"), "acl")).hasMessageContaining("acl line 1");
        assertThatThrownBy(() -> MosquittoAcl.parse(List.of("grant a"), "acl")).hasMessageContaining("invalid line");
        assertThatThrownBy(() -> MosquittoAcl.parse(List.of("user"), "acl")).hasMessageContaining("missing user name");
    }
}
