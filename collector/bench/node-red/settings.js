// Node-RED settings for the ingest benchmark's peer (collector/bench.sh → IngestBenchmark).
// Headless: the editor is disabled, the admin HTTP server binds to 127.0.0.1 on XINAN_NODE_RED_PORT.
// The flow (flows.json, copied into the run's own userDir) reads its broker and database from
// XINAN_MQTT_PORT, XINAN_INFLUX_PORT and XINAN_INFLUX_DB.
module.exports = {
    uiHost: "127.0.0.1",
    uiPort: parseInt(process.env.XINAN_NODE_RED_PORT || "1880", 10),
    flowFile: "flows.json",
    flowFilePretty: true,
    credentialSecret: false,
    disableEditor: true,
    httpAdminRoot: "/admin",
    httpNodeRoot: false,
    httpStatic: false,
    diagnostics: { enabled: false, ui: false },
    runtimeState: { enabled: false, ui: false },
    telemetry: { enabled: false, updateNotification: false },
    editorTheme: { projects: { enabled: false } },
    functionExternalModules: false,
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
    logging: { console: { level: "info", metrics: false, audit: false } },
    exportGlobalContextKeys: false
};
