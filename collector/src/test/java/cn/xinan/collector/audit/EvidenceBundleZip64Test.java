package cn.xinan.collector.audit;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bundle of format 3 for a city has more than 65,535 files (two a room-day): the archive the writer sets up
 * ({@link EvidenceBundle#archive}) gets the ZIP64 end of its central directory, and the verifier's reader (the JDK's
 * {@link ZipFile}) reads every copied segment file back.
 */
class EvidenceBundleZip64Test {
    private static final int FILES = 70_000;

    @TempDir
    Path dir;

    @Test
    void moreThan65535CopiedFilesAreAllReadBack() throws Exception {
        byte[] content = "{\"one\":\"line\"}\n".getBytes(StandardCharsets.UTF_8);
        EvidenceSegment.Part part = EvidenceSegment.Part.of(content);
        Path zipFile = dir.resolve("many.zip");
        List<Object> listed = new ArrayList<>();
        try (OutputStream out = Files.newOutputStream(zipFile); ZipArchiveOutputStream zip = EvidenceBundle.archive(out)) {
            LocalDate day = LocalDate.of(2025, 3, 3);
            for (int i = 0; i < FILES; i++) {
                EvidenceBundle.copy(zip, EvidenceBundle.eventsFile("room-" + (i / 1_000), day.plusDays(i % 1_000)), part,
                        listed);
            }
            zip.putArchiveEntry(new ZipArchiveEntry(EvidenceBundle.MANIFEST));
            String collectorKey = cn.xinan.wire.Ed25519Keys.generate(new java.security.SecureRandom()).publicKey().toBase64();
            zip.write(("{\"collectorKey\":\"" + collectorKey + "\",\"files\":[]}").getBytes(StandardCharsets.UTF_8));
            zip.closeArchiveEntry();
        }
        assertThat(listed).hasSize(FILES);
        try (ZipFile zip = new ZipFile(zipFile.toFile(), StandardCharsets.UTF_8)) {
            assertThat(zip.size()).isEqualTo(FILES + 1);
            try (InputStream in = zip.getInputStream(zip.getEntry(EvidenceBundle.eventsFile("room-69", LocalDate.of(2025, 3, 3)
                    .plusDays(999))))) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
        }
        // the verifier opens it and names every file the manifest (unsigned, listing none) does not list
        BundleVerifier.Result result = BundleVerifier.verify(zipFile, Optional.empty());
        assertThat(result.problems().stream().filter(p -> p.endsWith("in the bundle but not in the manifest (added after signing)")))
                .hasSize(FILES);
    }
}
