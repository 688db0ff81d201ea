package cn.xinan.collector.api;

import cn.xinan.collector.access.Access;
import cn.xinan.collector.access.Permission;
import cn.xinan.collector.access.ScopedRegistry;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.json.ResultDocument;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.LocalDate;
import java.util.List;

/**
 * Verdicts of docs/rules.md, computed on every request from the day summaries derived from the stored events
 * ({@link VerdictService}), in the RESULT.json shape of the acceptance contract.
 *
 * <pre>
 * curl -H "Authorization: Bearer $TOKEN" 'http://localhost:8080/api/v1/verdicts?from=2025-03-03&amp;to=2025-03-09'
 * curl -H "Authorization: Bearer $TOKEN" 'http://localhost:8080/api/v1/verdicts?from=2025-03-03&amp;to=2025-03-09&amp;room=jm-db-001-r1&amp;room=jm-db-002-r1'
 * curl -H "Authorization: Bearer $TOKEN" 'http://localhost:8080/api/v1/rooms/jm-db-001-r1/verdicts?from=2025-03-03&amp;to=2025-03-09'
 * </pre>
 */
final class VerdictsService implements HttpService {
    private final VerdictService verdicts;
    private final Access access;

    VerdictsService(VerdictService verdicts, Access access) {
        this.verdicts = verdicts;
        this.access = access;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/verdicts", this::all)
                .get("/rooms/{room}/verdicts", this::room);
    }

    /** {@code GET /api/v1/verdicts?from=&to=[&room=…]}: {@code {"rule": {...}, "rooms": [...]}}. */
    private void all(ServerRequest req, ServerResponse res) {
        Access.require(req, Permission.VIEW_VERDICTS);
        ScopedRegistry scope = access.scope(req);
        LocalDate[] period = period(req);
        List<String> asked = Parameters.all(req, "room");
        asked.forEach(scope::room); // an unknown room or one outside the scope: 404, before any work
        List<String> rooms = asked.isEmpty() ? scope.roomIds() : asked;
        // an empty list means "every room" to the VerdictService: a scope without rooms gets none
        List<RoomReport> reports = rooms.isEmpty() ? List.of() : verdicts.rooms(rooms, period[0], period[1]);
        Json.send(res, Status.OK_200, ResultDocument.toJson(verdicts.settings(), reports));
    }

    /** {@code GET /api/v1/rooms/{room}/verdicts?from=&to=}: {@code {"rule": {...}, "room": {...}}}. */
    private void room(ServerRequest req, ServerResponse res) {
        Access.require(req, Permission.VIEW_VERDICTS);
        String room = access.scope(req).room(req.path().pathParameters().get("room")).roomId();
        LocalDate[] period = period(req);
        Json.send(res, Status.OK_200, ResultDocument.roomToJson(verdicts.room(room, period[0], period[1])));
    }

    private static LocalDate[] period(ServerRequest req) {
        return Parameters.period(req);
    }
}
