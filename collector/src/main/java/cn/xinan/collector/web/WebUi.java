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
 * The collector's web UI (docs/web-ui.md): one page with the week of every room, the roll-ups, each room's page and the term audit,
 * all from the REST API (plain HTML, CSS and JavaScript from the class path, read once; ECharts from its webjar). Read-only, like the API it calls; signed-out
 * visitors are sent to the sign-in page by {@link cn.xinan.collector.access.Access}.
 *
 * <pre>
 * curl http://127.0.0.1:8080/                 # the page
 * curl http://127.0.0.1:8080/?week=2025-03-03  # opens on that week
 * curl http://127.0.0.1:8080/ui/echarts.min.js
 * </pre>
 */
public final class WebUi implements HttpService {
    private static final String FOLDER = "/cn/xinan/collector/web/";
    private static final Map<String, String> ASSETS = Map.of(
            "app.js", "text/javascript; charset=UTF-8",
            "app.css", "text/css; charset=UTF-8",
            "signin.js", "text/javascript; charset=UTF-8",
            "echarts.min.js", "text/javascript; charset=UTF-8");
    /**
     * ECharts from its webjar ({@code org.webjars.npm:echarts}, collector/pom.xml), served by the collector itself:
     * schools' networks are closed, so no page may load anything from a CDN.
     */
    private static final String ECHARTS = "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";

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
                        // the library changes only with a release; the UI's own files are revalidated every time
                        send(res, ASSETS.get(file), body, file.equals("echarts.min.js") ? "public, max-age=86400" : "no-cache");
                    }
                });
    }

    private static void send(ServerResponse res, String contentType, byte[] body) {
        send(res, contentType, body, "no-cache");
    }

    private static void send(ServerResponse res, String contentType, byte[] body, String cacheControl) {
        res.header(HeaderNames.CONTENT_TYPE, contentType)
                .header(HeaderNames.CACHE_CONTROL, cacheControl)
                .header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff")
                // never inside another site's frame (clickjacking of the signed-in page, docs/security.md)
                .header(HeaderNames.create("X-Frame-Options"), "DENY")
                .header(HeaderNames.create("Content-Security-Policy"), "frame-ancestors 'none'")
                .send(body);
    }

    private static byte[] read(String name) {
        String resource = name.equals("echarts.min.js") ? ECHARTS : FOLDER + name;
        try (InputStream in = WebUi.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("web UI resource " + resource + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
