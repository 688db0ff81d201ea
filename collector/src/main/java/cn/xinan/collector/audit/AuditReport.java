package cn.xinan.collector.audit;

import cn.xinan.rules.ComplianceRate;
import cn.xinan.rules.RuleSettings;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * The term audit of a scope over a period: per room per day and per week the verdicts against the room's
 * tier thresholds, its compliance rates and its exceptions.
 *
 * @param from        first day audited
 * @param to          last day audited (inclusive)
 * @param scope       the rooms asked for
 * @param settings    the rule settings every verdict was computed with
 * @param generatedAt when the collector computed it (its clock)
 * @param rooms       the audited rooms in registry order
 * @param exceptions  the opening hours and thresholds the events' exceptions were found with
 */
public record AuditReport(LocalDate from, LocalDate to, AuditScope scope, RuleSettings settings, Instant generatedAt,
                          List<AuditRoom> rooms, AuditSettings.ExceptionSettings exceptions) {
    public AuditReport {
        Objects.requireNonNull(from, "from is missing");
        Objects.requireNonNull(to, "to is missing");
        Objects.requireNonNull(scope, "scope is missing");
        Objects.requireNonNull(settings, "settings is missing");
        Objects.requireNonNull(generatedAt, "generatedAt is missing");
        rooms = List.copyOf(Objects.requireNonNull(rooms, "rooms is missing"));
        Objects.requireNonNull(exceptions, "exception settings are missing");
    }

    /** The compliance rates of every audited room together. */
    public ComplianceRate compliance() {
        return ComplianceRate.over(rooms.stream().map(AuditRoom::report).toList());
    }
}
