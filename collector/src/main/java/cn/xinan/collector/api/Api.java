package cn.xinan.collector.api;

import cn.xinan.collector.store.StoreException;
import cn.xinan.collector.verdict.UnknownRoomException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The collector's REST API under {@code /api/v1} (docs/collector.md). Errors are JSON
 * {@code {"error": "...", "parameter": "from"}}: 400 for a bad parameter, 404 for an unknown room, 503 when
 * the store cannot answer. Every route sits behind {@link cn.xinan.collector.access.Access} (sign-in, roles, scopes:
 * docs/security.md); a room outside the caller's scope is an unknown room.
 */
public final class Api {
    public static final String PREFIX = "/api/v1";
    private static final System.Logger LOG = System.getLogger(Api.class.getName());

    private Api() {
    }

    /** Registers every endpoint and the error mapping; used by the collector and by the tests alike. */
    public static void routing(HttpRouting.Builder routing, ApiContext context) {
        context.access().routing(routing);
        routing.register(PREFIX, new VerdictsService(context.verdicts(), context.access()))
                .register(PREFIX, new RoomsService(context.access(), context.board()))
                .register(PREFIX, new DevicesService(context.access(), context.board(), context.acknowledgements(),
                        context.store()::quarantinedSeqCounts))
                .register(PREFIX, new IngestService(context.store(), context.counters(), context.mqttConnected(),
                        context.access(), context.board()::statusRejected))
                .error(BadParameterException.class, (req, res, e) ->
                        Json.send(res, Status.BAD_REQUEST_400, error(e.getMessage(), "parameter", e.parameter())))
                .error(UnknownRoomException.class, (req, res, e) ->
                        Json.send(res, Status.NOT_FOUND_404, error(e.getMessage(), "room", e.roomId())))
                .error(StoreException.class, (req, res, e) -> {
                    LOG.log(System.Logger.Level.WARNING, "store unavailable for " + req.path().path() + ": " + e.getMessage());
                    Json.send(res, Status.SERVICE_UNAVAILABLE_503, error("store unavailable: " + e.getMessage(), null, null));
                });
    }

    private static Map<String, Object> error(String message, String key, String value) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("error", message);
        if (key != null) {
            out.put(key, value);
        }
        return out;
    }
}
