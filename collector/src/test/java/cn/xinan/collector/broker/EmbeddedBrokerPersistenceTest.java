package cn.xinan.collector.broker;

import cn.xinan.collector.testkit.TestPublisher;
import cn.xinan.testing.ExternalServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's broker keeps sessions and messages in memory, so a demo left running for days does not fill the
 * disk; the collector's keeps them in files, so they survive a restart.
 */
class EmbeddedBrokerPersistenceTest {
    @TempDir
    Path dir;

    @Test
    void inMemoryPersistenceWritesNoMessageStoreToTheDataFolder() throws Exception {
        Path fileDir = dir.resolve("file");
        Path memoryDir = dir.resolve("memory");

        publishRetainedMessages(new BrokerSettings("127.0.0.1", ExternalServer.freePort(), fileDir));
        publishRetainedMessages(new BrokerSettings("127.0.0.1", ExternalServer.freePort(), memoryDir,
                BrokerSettings.Persistence.IN_MEMORY));

        assertThat(filesUnder(fileDir.resolve("data"))).as("file persistence: the message stores").isNotEmpty();
        assertThat(filesUnder(memoryDir.resolve("data"))).as("in-memory persistence: nothing but the broker's id").isEmpty();
    }

    private static void publishRetainedMessages(BrokerSettings settings) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(settings);
             TestPublisher publisher = new TestPublisher(broker.url())) {
            for (int i = 0; i < 50; i++) {
                publisher.publishRetained("dev-" + i + "/status", ("{\"online\":true,\"n\":" + i + "}").getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    private static List<Path> filesUnder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            // meta.id: the broker's instance id, a few bytes written in either mode
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals("meta.id")).toList();
        }
    }
}
