package cn.xinan.collector.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code xinan verify} does not hold the bundle's rooms in memory: a genuine bundle whose every room's events and
 * receive times are padded with lines the verifier skips (empty lines in {@code events/{room}.jsonl}, lines of spaces in
 * {@code received/{room}.csv}; the manifest lists the padded files and is signed again, so the bundle still matches
 * everywhere) is verified in a JVM whose heap is far smaller than the rooms' files together, though larger than one
 * file. A verifier that read the archive into memory (as it once did, {@code Map<String, byte[]>}) runs out of heap.
 */
class BundleVerifierMemoryTest {
    /** The verifying JVM's heap. */
    private static final int HEAP_MB = 48;
    /** Padding of each room's events and each room's receive times: one file fits in the heap, three rooms' do not. */
    private static final int PAD_MB = 24;

    @TempDir
    Path dir;

    @Test
    void aBundleWhoseRoomsTogetherAreLargerThanTheHeapVerifies() throws Exception {
        Path bundle = dir.resolve("bundle.zip");
        CollectorKey key = CollectorKey.loadOrCreate(dir.resolve(CollectorKey.FILE_NAME), new SecureRandom());
        List<String> rooms;
        try (AuditFixture fixture = new AuditFixture(dir)) {
            EvidenceBundle.write(fixture.audits.evidence(AuditScope.allRooms(), AuditFixture.FROM, AuditFixture.TO), key,
                    Optional.empty(), bundle);
            rooms = fixture.registry.rooms().stream().map(r -> r.roomId()).toList();
        }
        Path padded = dir.resolve("padded.zip");
        long total = pad(bundle, padded, key);
        assertThat(total).as("the rooms' files together, in bytes").isGreaterThan(2L * rooms.size() * PAD_MB << 20);
        assertThat(total).isGreaterThan(3L * HEAP_MB << 20);

        // the padding changes no finding
        BundleVerifier.Result inProcess = BundleVerifier.verify(padded, Optional.of(key.publicKey()));
        assertThat(inProcess.problems()).isEmpty();
        for (String room : rooms) {
            assertThat(inProcess.lines()).contains(BundleVerifier.verify(bundle, Optional.of(key.publicKey())).lines()
                    .stream().filter(l -> l.startsWith("room " + room + ": ")).findFirst().orElseThrow());
        }

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx" + HEAP_MB + "m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), BundleVerifierMemoryTest.class.getName(),
                padded.toString(), key.publicKey().toBase64())
                .redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(new String(output, StandardCharsets.UTF_8)).as("the verifier with a %d MB heap", HEAP_MB)
                .contains("everything matches").doesNotContain("OutOfMemoryError");
        assertThat(p.exitValue()).isZero();
    }

    /** Runs the verifier (in the small JVM): prints its lines and "everything matches", exit 0, or exit 1. */
    public static void main(String[] args) throws Exception {
        BundleVerifier.Result result = BundleVerifier.verify(Path.of(args[0]),
                Optional.of(cn.xinan.wire.Ed25519Keys.publicKeyFromBase64(args[1])));
        result.lines().forEach(System.out::println);
        System.out.println(result.matches() ? "everything matches" : "differences: " + result.problems());
        System.out.println("heap max " + Runtime.getRuntime().maxMemory());
        System.exit(result.matches() ? 0 : 1);
    }

    /**
     * Copies {@code bundle} to {@code copy} with every room's events and receive times padded by {@link #PAD_MB} MB of
     * lines the verifier skips, the manifest listing the padded files' sizes and SHA-256 and signed again with
     * {@code key}. Returns the rooms' files' size together.
     */
    private static long pad(Path bundle, Path copy, CollectorKey key) throws IOException {
        Map<String, byte[]> files = BundleVerifierTest.unzip(bundle);
        ObjectNode manifest = (ObjectNode) AuditJson.MAPPER.readTree(files.get(EvidenceBundle.MANIFEST));
        long total = 0;
        try (OutputStream out = Files.newOutputStream(copy); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                String name = f.getKey();
                if (name.equals(EvidenceBundle.MANIFEST) || name.equals(EvidenceBundle.MANIFEST_SIGNATURE)) {
                    continue;
                }
                zip.putNextEntry(new ZipEntry(name));
                zip.write(f.getValue());
                byte[] line = null;
                if (name.startsWith("events/")) {
                    line = new byte[]{'\n'};
                } else if (name.startsWith("received/")) {
                    line = new byte[1024];
                    Arrays.fill(line, (byte) ' ');
                    line[line.length - 1] = '\n';
                }
                if (line != null) {
                    MessageDigest sha = EvidenceBundle.newSha256();
                    sha.update(f.getValue());
                    byte[] chunk = new byte[1 << 20];
                    for (int i = 0; i < chunk.length; i += line.length) {
                        System.arraycopy(line, 0, chunk, i, line.length);
                    }
                    for (int mb = 0; mb < PAD_MB; mb++) {
                        zip.write(chunk);
                        sha.update(chunk);
                    }
                    long bytes = f.getValue().length + ((long) PAD_MB << 20);
                    total += bytes;
                    for (JsonNode listed : manifest.get("files")) {
                        if (listed.get("path").asText().equals(name)) {
                            ((ObjectNode) listed).put("bytes", bytes).put("sha256", HexFormat.of().formatHex(sha.digest()));
                        }
                    }
                }
                zip.closeEntry();
            }
            byte[] manifestBytes = AuditJson.MAPPER.writeValueAsBytes(manifest);
            zip.putNextEntry(new ZipEntry(EvidenceBundle.MANIFEST));
            zip.write(manifestBytes);
            zip.putNextEntry(new ZipEntry(EvidenceBundle.MANIFEST_SIGNATURE));
            zip.write((Base64.getEncoder().encodeToString(key.sign(manifestBytes)) + "\n").getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        return total;
    }
}
