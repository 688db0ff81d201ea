package cn.xinan.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One InfluxDB server for the tests of a class (each test in a database of its own), started before the first and
 * stopped after the last: {@code @RegisterExtension static final InfluxServerPerClass INFLUX = new InfluxServerPerClass();}
 * then {@code INFLUX.server()}.
 */
public final class InfluxServerPerClass implements BeforeAllCallback, AfterAllCallback {
    private InfluxServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = InfluxServer.startServer();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The running server (only between the class's first and last test). */
    public InfluxServer server() {
        if (server == null) {
            throw new IllegalStateException("the InfluxDB server runs only while the class's tests do");
        }
        return server;
    }
}
