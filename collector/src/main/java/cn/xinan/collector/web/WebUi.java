package cn.xinan.collector.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The collector's web UI: one page that shows a week of every room's verdicts from the REST API
 * (plain HTML, CSS and JavaScript from the class path, read once). Read-only, like the API it calls; signed-out
 * visitors are sent to the sign-in page by {@link cn.xinan.collector.access.Access}.
 *
 * <pre>
 * curl http://127.0.0.1:8080/                 # the page
 * curl http://127.0.0.1:8080/?week=2025-03-03  # opens on that week
 * </pre>
 */
public final class WebUi implements HttpService {
    private static final String FOLDER = "/cn/xinan/collector/web/";
    private static final Map<String, String> ASSETS = Map.of(
            "app.js", "text/javascript; charset=UTF-8",
            "app.css", "text/css; charset=UTF-8");

    private final byte[] page;
    private final Map<String, byte[]> assets = new HashMap<>();

    public WebUi() {
        page = read("index.html");
        ASSETS.keySet().forEach(name -> assets.put(name, read(name)));
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (req, res) -> send(res, "text/html; charset=UTF-8", page))
                .get("/ui/{file}", (req, res) -> {
                    String file = req.path().pathParameters().get("file");
                    byte[] body = assets.get(file);
                    if (body == null) {
                        res.status(Status.NOT_FOUND_404).send("no such file: " + file);
                    } else {
                        send(res, ASSETS.get(file), body);
                    }
                });
    }

    private static void send(ServerResponse res, String contentType, byte[] body) {
        res.header(HeaderNames.CONTENT_TYPE, contentType)
                .header(HeaderNames.CACHE_CONTROL, "no-cache")
                .header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff")
                // never inside another site's frame (clickjacking of the signed-in page, docs/security.md)
                .header(HeaderNames.create("X-Frame-Options"), "DENY")
                .header(HeaderNames.create("Content-Security-Policy"), "frame-ancestors 'none'")
                .send(body);
    }

    private static byte[] read(String name) {
        try (InputStream in = WebUi.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException("web UI resource " + FOLDER + name + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
