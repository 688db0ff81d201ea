package cn.xinan.wire;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every JSON example of docs/mqtt-contract.md is read from the page itself, decoded and, where signed,
 * verified with the page's published example key: the page and the code cannot drift apart.
 */
class ContractExamplesTest {
    private static final Path PAGE = Path.of("..", "docs", "mqtt-contract.md");
    private static final Ed25519Keys.PrivateKey EXAMPLE_KEY =
            Ed25519Keys.privateKeyFromBase64("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=");
    private static final Ed25519Keys.PublicKey EXAMPLE_PUBLIC =
            Ed25519Keys.publicKeyFromBase64("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");

    /** The lines of every ```json block of the page, in order. */
    private static List<String> jsonExamples() throws Exception {
        List<String> lines = new ArrayList<>();
        boolean inJson = false;
        for (String line : Files.readAllLines(PAGE, StandardCharsets.UTF_8)) {
            if (line.startsWith("```")) {
                inJson = line.equals("```json");
            } else if (inJson && !line.isBlank()) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    void thePublishedExampleKeyIsAKeyPair() {
        assertThat(EXAMPLE_KEY.publicKey()).isEqualTo(EXAMPLE_PUBLIC);
    }

    @Test
    void bothEventBatchExamplesDecodeAndVerifyWithTheExampleKey() throws Exception {
        List<EventBatch> batches = new ArrayList<>();
        for (String line : jsonExamples()) {
            if (line.contains("\"events\"")) {
                batches.add(WireCodec.decode(line.getBytes(StandardCharsets.US_ASCII)));
            }
        }
        assertThat(batches).hasSize(2);
        assertThat(batches.get(0).events()).hasSize(1);
        assertThat(batches.get(1).events()).hasSize(2);
        for (EventBatch batch : batches) {
            SignatureVerifier.verify(batch, EXAMPLE_PUBLIC);
            for (SignedEvent e : batch.events()) {
                assertThat(SignatureVerifier.verifyEvent(e, EXAMPLE_PUBLIC)).as(e.event().eventId()).isTrue();
            }
        }
        assertThat(batches.get(1).events().get(1).event().seq()).isEqualTo(44);
    }

    @Test
    void everyStatusExampleIsSignedByTheExampleKey() throws Exception {
        List<SignedStatus> statuses = new ArrayList<>();
        for (String line : jsonExamples()) {
            if (line.contains("\"state\"")) {
                statuses.add(SignedStatus.decode(line.getBytes(StandardCharsets.US_ASCII)));
            }
        }
        assertThat(statuses).hasSize(3);
        assertThat(statuses.get(0).status().online()).isTrue();
        assertThat(statuses.get(1).status().online()).isFalse();
        assertThat(statuses.get(2).status().health()).isEqualTo(new DeviceHealth(7200, false, false, 2400, 130, 2580));
        assertThat(statuses).allSatisfy(s -> assertThat(s.verifies(EXAMPLE_PUBLIC)).isTrue());
    }

    @Test
    void theAckAndResendExamplesDecode() throws Exception {
        List<String> lines = jsonExamples();
        Acknowledgement ack = Acknowledgement.decode(lines.stream().filter(l -> l.contains("\"through\""))
                .findFirst().orElseThrow().getBytes(StandardCharsets.US_ASCII));
        assertThat(ack).isEqualTo(new Acknowledgement("jm-db-001-r1-d1", 44,
                "5f0c6c1e-8a4b-4c3e-9d61-2b7f0e9a1c03"));
        ResendRequest resend = ResendRequest.decode(lines.stream().filter(l -> l.contains("\"from\""))
                .findFirst().orElseThrow().getBytes(StandardCharsets.US_ASCII));
        assertThat(resend).isEqualTo(new ResendRequest("jm-db-001-r1-d1", 40, 41));
    }
}
