package cn.xinan.collector.audit;

import cn.xinan.collector.CollectorConfigFile;
import cn.xinan.collector.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The evidence segments are kept for {@code audit.evidence-retention-days} ({@link EvidenceSegment#prune}): the
 * segments of older days and their unfinished temporary files are deleted, with the room folders left empty; newer days
 * and files not named as segments stay.
 */
class EvidenceSegmentRetentionTest {
    private static final LocalDate DAY = LocalDate.of(2025, 3, 1);

    @TempDir
    Path dir;

    @Test
    void theSegmentsOfDaysBeforeTheRetentionAreDeletedAndNothingElse() throws IOException {
        Path evidence = dir.resolve("evidence");
        for (int d = 0; d < 5; d++) {
            EvidenceSegment.of("r1", DAY.plusDays(d), List.of()).write(evidence);
        }
        EvidenceSegment.of("r2", DAY, List.of()).write(evidence);
        Path unfinished = EvidenceSegment.file(evidence, "r1", DAY).resolveSibling(DAY + "4711.tmp");
        Files.writeString(unfinished, "a write that never finished");
        Path notes = EvidenceSegment.file(evidence, "r1", DAY).resolveSibling("2025-01-01-notes.txt");
        Files.writeString(notes, "not a segment");
        Path top = evidence.resolve("2025-01-01.seg");
        Files.writeString(top, "not in a room folder");

        assertThat(EvidenceSegment.prune(evidence, DAY.plusDays(2))).isEqualTo(3);

        assertThat(files(evidence)).containsExactlyInAnyOrder(EvidenceSegment.file(evidence, "r1", DAY.plusDays(2)),
                EvidenceSegment.file(evidence, "r1", DAY.plusDays(3)), EvidenceSegment.file(evidence, "r1", DAY.plusDays(4)),
                notes, top);
        assertThat(EvidenceSegment.file(evidence, "r2", DAY).getParent()).doesNotExist();
        assertThat(EvidenceSegment.prune(evidence, DAY.plusDays(2))).isZero();
        assertThat(EvidenceSegment.prune(dir.resolve("never-written"), DAY)).isZero();
    }

    @Test
    void theRetentionIsASettingWithABoundNamedWhenWrong() throws IOException {
        String base = "registry:\n  dir: r\nmqtt:\n  url: tcp://127.0.0.1:1883\n";
        assertThat(CollectorConfigFile.read(write(base)).audit().evidenceRetentionDays())
                .isEqualTo(AuditSettings.DEFAULT_EVIDENCE_RETENTION_DAYS).isEqualTo(1095);
        assertThat(CollectorConfigFile.read(write(base + "audit:\n  evidence-retention-days: 30\n")).audit()
                .evidenceRetentionDays()).isEqualTo(30);
        assertThatThrownBy(() -> CollectorConfigFile.read(write(base + "audit:\n  evidence-retention-days: 0\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("audit.evidence-retention-days must be between 1 and 36500, was 0");
        assertThatThrownBy(() -> CollectorConfigFile.read(write(base + "audit:\n  evidence-retention-days: soon\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("audit.evidence-retention-days");
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("collector.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).toList();
        }
    }
}
