package cn.xinan.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One InfluxQL answer, asked for the way Grafana's data source asks (HTTP POST /query, {@code db} and
 * {@code epoch=ms} in the URL, {@code q} in the form body), parsed into series of rows.
 */
record InfluxAnswer(String query, List<Series> series) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One series: its tags (GROUP BY) and rows by column name; times are epoch milliseconds. */
    record Series(String name, Map<String, String> tags, List<String> columns, List<List<JsonNode>> rows) {
        /** The value of {@code column} per row time (epoch ms). */
        Map<Instant, JsonNode> byTime(String column) {
            int c = columns.indexOf(column);
            if (c < 0) {
                throw new AssertionError("no column " + column + " in " + columns);
            }
            Map<Instant, JsonNode> out = new TreeMap<>();
            for (List<JsonNode> row : rows) {
                out.put(Instant.ofEpochMilli(row.get(0).asLong()), row.get(c));
            }
            return out;
        }

        /** The non-zero counts per row time: what a bar chart of counts shows. */
        Map<Instant, Long> nonZero(String column) {
            Map<Instant, Long> out = new TreeMap<>();
            byTime(column).forEach((t, v) -> {
                if (v.asLong() != 0) {
                    out.put(t, v.asLong());
                }
            });
            return out;
        }

        JsonNode cell(int row, String column) {
            int c = columns.indexOf(column);
            if (c < 0) {
                throw new AssertionError("no column " + column + " in " + columns);
            }
            return rows.get(row).get(c);
        }
    }

    static InfluxAnswer ask(String influxUrl, String database, String influxQl) {
        URI uri = URI.create(influxUrl + "/query?db=" + enc(database) + "&epoch=ms");
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("q=" + enc(influxQl))).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200 || body.has("error")) {
                throw new AssertionError("InfluxDB refused " + influxQl + ": " + response.body());
            }
            JsonNode result = body.path("results").path(0);
            if (result.has("error")) {
                throw new AssertionError("InfluxDB refused " + influxQl + ": " + result.path("error").asText());
            }
            List<Series> series = new ArrayList<>();
            for (JsonNode s : result.path("series")) {
                Map<String, String> tags = new LinkedHashMap<>();
                s.path("tags").properties().forEach(e -> tags.put(e.getKey(), e.getValue().asText()));
                List<String> columns = new ArrayList<>();
                s.path("columns").forEach(c -> columns.add(c.asText()));
                List<List<JsonNode>> rows = new ArrayList<>();
                for (JsonNode row : s.path("values")) {
                    List<JsonNode> cells = new ArrayList<>();
                    row.forEach(cells::add);
                    rows.add(cells);
                }
                series.add(new Series(s.path("name").asText(), tags, columns, rows));
            }
            return new InfluxAnswer(influxQl, series);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The only series; fails when there are several or none. */
    Series single() {
        if (series.size() != 1) {
            throw new AssertionError("expected one series, got " + series.size() + " for " + query + ": " + series);
        }
        return series.getFirst();
    }

    /** The series whose tag {@code key} is {@code value}. */
    Series tagged(String key, String value) {
        return series.stream().filter(s -> value.equals(s.tags().get(key))).findFirst()
                .orElseThrow(() -> new AssertionError("no series with " + key + "=" + value + " for " + query
                        + "; series tags: " + series.stream().map(Series::tags).toList()));
    }

    /** Values of a tag over all series. */
    List<String> tagValues(String key) {
        return series.stream().map(s -> s.tags().get(key)).toList();
    }

    /** The value column of a SHOW TAG VALUES answer, as Grafana's metricFindQuery reads it. */
    List<String> showTagValues() {
        List<String> out = new ArrayList<>();
        for (Series s : series) {
            int c = s.columns().indexOf("value");
            for (List<JsonNode> row : s.rows()) {
                out.add(row.get(c).asText());
            }
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
