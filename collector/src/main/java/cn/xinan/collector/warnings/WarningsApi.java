package cn.xinan.collector.warnings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/warnings}: the warnings the collector raised, newest first, with their state and each
 * delivery's. Filters: {@code state=open|cleared}, {@code room=ID}, {@code school=ID}, {@code kind=day_behind|…}.
 * <pre>
 * curl 'http://localhost:8080/api/v1/warnings?state=open'
 * </pre>
 * The target URLs (they hold the robots' keys) are never shown, only the targets' names.
 */
public final class WarningsApi implements HttpService {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Supplier<Optional<WarningService>> service;
    private final Function<ServerRequest, Set<String>> roomsInScope;

    /**
     * @param service      the running warning service, or empty when warnings are off (the list is then empty)
     * @param roomsInScope the rooms the caller may see (docs/security.md): warnings of other rooms are never listed
     */
    public WarningsApi(Supplier<Optional<WarningService>> service, Function<ServerRequest, Set<String>> roomsInScope) {
        this.service = service;
        this.roomsInScope = roomsInScope;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/warnings", this::list);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Optional<String> state = req.query().first("state").asOptional();
        Optional<String> room = req.query().first("room").asOptional();
        Optional<String> school = req.query().first("school").asOptional();
        Optional<String> kind = req.query().first("kind").asOptional();
        if (state.isPresent() && !state.get().equals("open") && !state.get().equals("cleared")) {
            send(res, Status.BAD_REQUEST_400, Map.of("error", "state must be open or cleared", "parameter", "state"));
            return;
        }
        if (kind.isPresent() && java.util.Arrays.stream(WarningKind.values()).noneMatch(k -> k.wireName().equals(kind.get()))) {
            send(res, Status.BAD_REQUEST_400, Map.of("error", "kind must be one of day_behind, week_at_risk, "
                    + "device_silent, verdict_changed", "parameter", "kind"));
            return;
        }
        Set<String> visible = roomsInScope.apply(req);
        List<Warning> all = new ArrayList<>(service.get().map(WarningService::warnings).orElse(List.of()));
        all.removeIf(w -> !visible.contains(w.roomId()));
        all.sort((a, b) -> b.raisedAt().compareTo(a.raisedAt()));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Warning w : all) {
            if (state.isPresent() && !w.state().name().toLowerCase(Locale.ROOT).equals(state.get())
                    || room.isPresent() && !w.roomId().equals(room.get())
                    || school.isPresent() && !w.school().equals(school.get())
                    || kind.isPresent() && !w.kind().wireName().equals(kind.get())) {
                continue;
            }
            out.add(json(w, service.get().map(s -> s.roomLink(w.roomId())).orElse("")));
        }
        send(res, Status.OK_200, Map.of("enabled", service.get().isPresent(), "warnings", out));
    }

    static Map<String, Object> json(Warning w, String link) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", w.id());
        m.put("room", w.roomId());
        m.put("school", w.school());
        m.put("county", w.county());
        m.put("kind", w.kind().wireName());
        m.put("title", w.kind().chineseTitle());
        m.put("titleEn", w.kind().englishTitle());
        m.put("key", w.key().toString());
        m.put("text", w.text());
        m.put("state", w.state().name().toLowerCase(Locale.ROOT));
        m.put("raisedAt", w.raisedAt().toString());
        m.put("clearedAt", w.clearedAt() == null ? null : w.clearedAt().toString());
        m.put("clearReason", w.clearReason());
        m.put("link", link);
        List<Map<String, Object>> ds = new ArrayList<>();
        for (Delivery d : w.deliveries()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("target", d.target());
            x.put("state", d.state().name().toLowerCase(Locale.ROOT));
            x.put("attempts", d.attempts());
            x.put("nextAttemptAt", d.nextAttemptAt() == null ? null : d.nextAttemptAt().toString());
            x.put("lastError", d.lastError());
            x.put("doneAt", d.doneAt() == null ? null : d.doneAt().toString());
            ds.add(x);
        }
        m.put("deliveries", ds);
        return m;
    }

    private static void send(ServerResponse res, Status status, Object value) {
        try {
            res.status(status);
            res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8");
            res.send(MAPPER.writeValueAsString(value).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
