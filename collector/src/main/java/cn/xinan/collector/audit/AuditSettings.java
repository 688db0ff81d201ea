package cn.xinan.collector.audit;

import cn.xinan.collector.warnings.OpeningHours;
import cn.xinan.collector.warnings.WarningSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code audit.*} keys of the collector's configuration (docs/audit.md).
 *
 * @param pdfFont   {@code audit.pdf-font}: the CJK TrueType font (.ttf or .ttc) of the PDF, or empty to look in
 *                  {@link AuditPdf#DEFAULT_FONTS}
 * @param lateAfter {@code audit.late-after-minutes}: an event received more than this after the end of its own local
 *                  day arrived after its day's verdict was final, and is reported as late (default 60 minutes)
 * @param evidenceDir {@code audit.evidence-dir}: where the evidence segments are kept, or empty for the folder
 *                  {@value #EVIDENCE_DIR_NAME} beside the collector key ({@link #evidenceDir(Path)})
 * @param evidenceRetentionDays {@code audit.evidence-retention-days}: the segments of local days older than this are
 *                  deleted (default {@value #DEFAULT_EVIDENCE_RETENTION_DAYS}, the raw events' default retention in
 *                  InfluxDB), between 1 and {@value #MAX_EVIDENCE_RETENTION_DAYS}
 */
public record AuditSettings(Optional<Path> pdfFont, Duration lateAfter, Optional<Path> evidenceDir,
                            int evidenceRetentionDays) {
    /** The evidence directory's name beside the collector key file when {@code audit.evidence-dir} is not set. */
    public static final String EVIDENCE_DIR_NAME = "evidence";

    public static final Duration DEFAULT_LATE_AFTER = Duration.ofMinutes(60);
    public static final int DEFAULT_EVIDENCE_RETENTION_DAYS = 1095;
    public static final int MAX_EVIDENCE_RETENTION_DAYS = 36_500;

    public AuditSettings {
        Objects.requireNonNull(pdfFont, "audit.pdf-font is missing (use Optional.empty())");
        Objects.requireNonNull(lateAfter, "audit.late-after-minutes is missing");
        if (lateAfter.isNegative()) {
            throw new IllegalArgumentException("audit.late-after-minutes must not be negative, was " + lateAfter.toMinutes());
        }
        Objects.requireNonNull(evidenceDir, "audit.evidence-dir is missing (use Optional.empty())");
        if (evidenceRetentionDays < 1 || evidenceRetentionDays > MAX_EVIDENCE_RETENTION_DAYS) {
            throw new IllegalArgumentException("audit.evidence-retention-days must be between 1 and "
                    + MAX_EVIDENCE_RETENTION_DAYS + ", was " + evidenceRetentionDays);
        }
    }

    /** With the evidence segments beside the collector key, kept for the default retention. */
    public AuditSettings(Optional<Path> pdfFont, Duration lateAfter) {
        this(pdfFont, lateAfter, Optional.empty(), DEFAULT_EVIDENCE_RETENTION_DAYS);
    }

    /** The default font search, late after 60 minutes, and the evidence segments beside the collector key. */
    public static AuditSettings defaults() {
        return new AuditSettings(Optional.empty(), DEFAULT_LATE_AFTER);
    }

    /** The evidence directory: {@code audit.evidence-dir}, else {@value #EVIDENCE_DIR_NAME} beside {@code collectorKeyFile}. */
    public Path evidenceDir(Path collectorKeyFile) {
        return evidenceDir.orElseGet(() -> collectorKeyFile.toAbsolutePath().resolveSibling(EVIDENCE_DIR_NAME));
    }

    /**
     * The settings the exceptions are found with: the posted opening hours and the silence that makes a device
     * offline are those of the warnings (the warnings' defaults when warnings are off, docs/warnings.md).
     */
    public ExceptionSettings exceptions(Optional<WarningSettings> warnings) {
        WarningSettings w = warnings.orElseGet(WarningSettings::defaults);
        return new ExceptionSettings(w.openingHours(), w.schoolHours(), w.deviceSilentAfter(), lateAfter);
    }

    /**
     * What makes a device offline during opening hours and an event late (docs/audit.md).
     *
     * @param openingHours posted opening hours of a school day, unless the school has its own
     * @param schoolHours  per school id, its own posted opening hours
     * @param offlineAfter the shortest stretch without any sign of life, within opening hours, reported as offline
     * @param lateAfter    how long after the end of its local day an event may be received without being late
     */
    public record ExceptionSettings(OpeningHours openingHours, Map<String, OpeningHours> schoolHours,
                                    Duration offlineAfter, Duration lateAfter) {
        public ExceptionSettings {
            Objects.requireNonNull(openingHours, "opening hours are missing");
            schoolHours = Map.copyOf(Objects.requireNonNull(schoolHours, "school opening hours are missing"));
            Objects.requireNonNull(offlineAfter, "offlineAfter is missing");
            Objects.requireNonNull(lateAfter, "lateAfter is missing");
            if (offlineAfter.isNegative() || offlineAfter.isZero()) {
                throw new IllegalArgumentException("offlineAfter must be positive, was " + offlineAfter);
            }
            if (lateAfter.isNegative()) {
                throw new IllegalArgumentException("lateAfter must not be negative, was " + lateAfter);
            }
        }

        /** The warnings' defaults (08:00-17:30, 15 minutes) and late after 60 minutes. */
        public static ExceptionSettings defaults() {
            return AuditSettings.defaults().exceptions(Optional.empty());
        }

        public OpeningHours hoursOf(String school) {
            return schoolHours.getOrDefault(school, openingHours);
        }
    }
}
