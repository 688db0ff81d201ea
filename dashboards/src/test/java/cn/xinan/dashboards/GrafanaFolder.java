package cn.xinan.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The Grafana folder as it ships ({@code src/main/grafana}): the files the tests read are the files installed. */
final class GrafanaFolder {
    static final Path ROOT = Path.of("src/main/grafana");
    static final Path DASHBOARDS = ROOT.resolve("dashboards");
    static final Path DATASOURCES = ROOT.resolve("provisioning/datasources");
    static final Path PROVIDERS = ROOT.resolve("provisioning/dashboards");
    /** The uid every panel, target and query variable must name. */
    static final String DATASOURCE_UID = "xinan-influxdb";

    private static final ObjectMapper JSON = new ObjectMapper();

    private GrafanaFolder() {
    }

    static List<Path> dashboardFiles() {
        return list(DASHBOARDS, ".json");
    }

    static List<Path> list(Path folder, String suffix) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    static JsonNode dashboard(String uid) {
        return dashboardFiles().stream().map(GrafanaFolder::read)
                .filter(d -> uid.equals(d.path("uid").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no dashboard with uid " + uid));
    }
}
