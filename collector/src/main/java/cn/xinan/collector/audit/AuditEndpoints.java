package cn.xinan.collector.audit;

import cn.xinan.collector.CollectorConfig;
import cn.xinan.collector.api.BadParameterException;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.verdict.SchoolCalendars;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.provisioning.Registry;
import cn.xinan.rules.Tier;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /api/v1/audit} (JSON or CSV) and {@code GET /api/v1/audit/bundle} (the signed evidence ZIP),
 * docs/audit.md. Parameters: {@code from}, {@code to} (dates, required), {@code county}, {@code school},
 * {@code room} (repeatable), {@code tier} (repeatable: 合格/示范/未评定 or qualified/demonstration/unrated, or
 * {@code all}; default 示范), {@code format} ({@code json}, {@code csv} or {@code pdf}: the printable 台帐).
 *
 * <pre>
 * curl -H "Authorization: Bearer $TOKEN" 'http://localhost:8080/api/v1/audit?from=2025-02-17&amp;to=2025-07-04&amp;format=pdf' -o audit.pdf
 * </pre>
 */
public final class AuditEndpoints implements HttpService {
    private static final System.Logger LOG = System.getLogger(AuditEndpoints.class.getName());
    private final AuditService audits;
    private final CollectorKey key;

    private final cn.xinan.collector.access.Access access; // null: no access filter (tests of the audit alone)
    private final PdfSource pdf;
    private final Optional<java.nio.file.Path> evidenceDir;

    /**
     * Where the PDF renderer comes from: {@link #renderer()} gives it, or throws {@link AuditPdf.NoFontException} when the
     * collector found no font (then {@code format=pdf} answers 503 naming {@link AuditPdf#FONT_KEY}, and bundles hold no
     * {@code report.pdf}).
     */
    @FunctionalInterface
    public interface PdfSource {
        AuditPdf renderer();

        /** The renderer if there is one. */
        default Optional<AuditPdf> available() {
            try {
                return Optional.of(renderer());
            } catch (AuditPdf.NoFontException e) {
                return Optional.empty();
            }
        }

        /** The configured font, or the first default one; when none is found, every use says why. */
        static PdfSource locate(Optional<java.nio.file.Path> configured) {
            try {
                AuditPdf found = AuditPdf.locate(configured);
                return () -> found;
            } catch (AuditPdf.NoFontException e) {
                if (configured.isPresent()) {
                    throw e;
                }
                LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; audits are served as JSON and CSV only");
                return () -> {
                    throw e;
                };
            }
        }
    }

    public AuditEndpoints(AuditService audits, CollectorKey key) {
        this(audits, key, null, PdfSource.locate(Optional.empty()));
    }

    /** With the default font search for the PDF ({@link AuditPdf#DEFAULT_FONTS}). */
    public AuditEndpoints(AuditService audits, CollectorKey key, cn.xinan.collector.access.Access access) {
        this(audits, key, access, PdfSource.locate(Optional.empty()));
    }

    /**
     * Every request limited to its caller's scope and recorded in the audit log as an export (docs/security.md).
     *
     * @param access null for no access filter (tests of the audit alone)
     */
    public AuditEndpoints(AuditService audits, CollectorKey key, cn.xinan.collector.access.Access access, PdfSource pdf) {
        this(audits, key, access, pdf, Optional.empty());
    }

    /**
     * @param evidenceDir the evidence segments to copy into bundles (and write the missing ones to), or empty to build
     *                    every day's files in memory (docs/audit.md, "Evidence segments")
     */
    public AuditEndpoints(AuditService audits, CollectorKey key, cn.xinan.collector.access.Access access, PdfSource pdf,
                          Optional<java.nio.file.Path> evidenceDir) {
        this.evidenceDir = Objects.requireNonNull(evidenceDir, "evidence dir is missing (use Optional.empty())");
        this.access = access;
        this.audits = Objects.requireNonNull(audits, "audits are missing");
        this.key = Objects.requireNonNull(key, "collector key is missing");
        this.pdf = Objects.requireNonNull(pdf, "pdf source is missing");
    }

    /**
     * The endpoints of a collector: its audit key is read from (or created in) its data folder
     * ({@link CollectorKey#defaultFile}) and its public key logged, so an inspector can pin it.
     */
    public static AuditEndpoints create(CollectorConfig config, Clock clock, EventStore store, Registry registry,
                                        VerdictService verdicts, SchoolCalendars calendars,
                                        cn.xinan.collector.access.Access access) {
        CollectorKey key = CollectorKey.loadOrCreate(CollectorKey.defaultFile(config), new SecureRandom());
        LOG.log(System.Logger.Level.INFO, "evidence bundles are signed with collector key " + key.publicKey().toBase64()
                + " (private key in " + key.file() + ")");
        PdfSource pdf;
        try {
            pdf = PdfSource.locate(config.audit().pdfFont());
        } catch (AuditPdf.NoFontException e) {
            throw new cn.xinan.collector.ConfigException(e.getMessage(), e);
        }
        pdf.available().ifPresent(p -> LOG.log(System.Logger.Level.INFO, "audit PDFs use the font " + p.fontFile()));
        return new AuditEndpoints(new AuditService(store, registry, verdicts, calendars, clock, config.auditExceptions()),
                key, access, pdf, Optional.of(config.audit().evidenceDir(key.file())));
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/audit", this::audit)
                .get("/audit/bundle", this::bundle);
    }

    private void audit(ServerRequest req, ServerResponse res) {
        String format = req.query().first("format").asOptional().orElse("json");
        if (!format.equals("json") && !format.equals("csv") && !format.equals("pdf")) {
            throw new BadParameterException("format", "query parameter 'format' is '" + format + "', expected json, csv or pdf");
        }
        Request r = within(req, request(req));
        AuditPdf renderer = null;
        if (format.equals("pdf")) {
            try {
                renderer = pdf.renderer();
            } catch (AuditPdf.NoFontException e) {
                res.status(Status.SERVICE_UNAVAILABLE_503);
                res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8");
                res.send(AuditJson.write(java.util.Map.of("error", e.getMessage(), "setting", AuditPdf.FONT_KEY))
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        AuditReport report = audits.audit(r.scope(), r.from(), r.to());
        byte[] pdfBytes = renderer == null ? null : renderer.render(report, audits.schoolNames(), key.publicKey());
        recordExport(req, "audit-" + format, r);
        res.status(Status.OK_200);
        if (pdfBytes != null) {
            res.header(HeaderNames.CONTENT_TYPE, "application/pdf");
            res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + r.fileName() + ".pdf\"");
            res.send(pdfBytes);
        } else if (format.equals("csv")) {
            res.header(HeaderNames.CONTENT_TYPE, "text/csv; charset=UTF-8");
            res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + r.fileName() + ".csv\"");
            res.send(AuditCsv.bytes(report));
        } else {
            res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8");
            res.send(AuditJson.toJson(report).getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * The evidence bundle, streamed as it is written (docs/audit.md): the audit is computed before the response starts
     * (a bad request or a store failure there is still a clean error), then the archive goes out a room at a time. A
     * failure after that cuts the download short: the archive then lacks its manifest and the verifier refuses it.
     */
    private void bundle(ServerRequest req, ServerResponse res) throws java.io.IOException {
        Request r = within(req, request(req));
        AuditService.Evidence evidence = audits.evidence(r.scope(), r.from(), r.to());
        recordExport(req, "audit-bundle", r);
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "application/zip");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + r.fileName() + ".zip\"");
        try (java.io.OutputStream out = res.outputStream()) {
            EvidenceBundle.writeByDay(evidence, key, pdf.available(), evidenceDir, out);
        }
    }

    /**
     * The request narrowed to its caller's scope (docs/security.md): a county or school scope becomes the audit's
     * county or school; asking for another county, school or room is 404, like one that does not exist.
     */
    private Request within(ServerRequest req, Request r) {
        if (access == null) {
            return r;
        }
        cn.xinan.collector.access.Access.require(req, cn.xinan.collector.access.Permission.EXPORT);
        cn.xinan.provisioning.people.Scope scope = cn.xinan.collector.access.Access.caller(req).scope();
        cn.xinan.collector.access.ScopedRegistry visible = access.scope(req);
        for (String room : r.scope().rooms()) {
            visible.room(room); // 404 outside the scope
        }
        Optional<String> county = r.scope().county();
        Optional<String> school = r.scope().school();
        switch (scope.kind()) {
            case CITY -> {
            }
            case COUNTY -> {
                if (county.isPresent() && !county.get().equals(scope.value())) {
                    throw new cn.xinan.collector.verdict.UnknownRoomException("county " + county.get());
                }
                county = Optional.of(scope.value());
            }
            case SCHOOL -> {
                if (school.isPresent() && !school.get().equals(scope.value())) {
                    throw new cn.xinan.collector.verdict.UnknownRoomException("school " + school.get());
                }
                school = Optional.of(scope.value());
            }
        }
        return new Request(new AuditScope(county, school, r.scope().rooms(), r.scope().tiers()), r.from(), r.to());
    }

    private void recordExport(ServerRequest req, String what, Request r) {
        if (access == null) {
            return;
        }
        access.audit().record("export", "success", java.util.Map.of("user", cn.xinan.collector.access.Access.caller(req).user(),
                "what", what, "from", r.from().toString(), "to", r.to().toString(),
                "county", r.scope().county().orElse(""), "school", r.scope().school().orElse("")));
    }

    private record Request(AuditScope scope, LocalDate from, LocalDate to) {
        String fileName() {
            return "xinan-audit-" + from + "-" + to;
        }
    }

    private static Request request(ServerRequest req) {
        LocalDate from = date(req, "from");
        LocalDate to = date(req, "to");
        if (to.isBefore(from)) {
            throw new BadParameterException("to", "query parameter 'to' (" + to + ") is before 'from' (" + from + ")");
        }
        if (ChronoUnit.DAYS.between(from, to) >= VerdictService.MAX_PERIOD_DAYS) {
            throw new BadParameterException("to", "the period from " + from + " to " + to + " is longer than "
                    + VerdictService.MAX_PERIOD_DAYS + " days");
        }
        Set<Tier> tiers = EnumSet.noneOf(Tier.class);
        for (String t : all(req, "tier")) {
            if (t.equalsIgnoreCase("all")) {
                tiers.addAll(EnumSet.allOf(Tier.class));
            } else {
                try {
                    tiers.add(Tier.parse(t));
                } catch (IllegalArgumentException e) {
                    throw new BadParameterException("tier", "query parameter 'tier': " + e.getMessage() + ", or all");
                }
            }
        }
        if (tiers.isEmpty()) {
            tiers.add(Tier.DEMONSTRATION);
        }
        return new Request(new AuditScope(optional(req, "county"), optional(req, "school"), all(req, "room"), tiers), from, to);
    }

    private static LocalDate date(ServerRequest req, String name) {
        String text = req.query().first(name).asOptional()
                .orElseThrow(() -> new BadParameterException(name, "query parameter '" + name
                        + "' is missing (a date, YYYY-MM-DD)"));
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadParameterException(name, "query parameter '" + name + "' is '" + text
                    + "', expected a date YYYY-MM-DD");
        }
    }

    private static Optional<String> optional(ServerRequest req, String name) {
        return req.query().first(name).asOptional().filter(s -> !s.isBlank());
    }

    private static List<String> all(ServerRequest req, String name) {
        return req.query().contains(name) ? req.query().all(name) : List.of();
    }
}
