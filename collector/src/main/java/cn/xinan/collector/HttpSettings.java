package cn.xinan.collector;

/**
 * Where the REST API listens.
 *
 * @param host the address to bind, {@code 0.0.0.0} for every interface
 * @param port the port; 0 picks a free one (see {@link Collector#httpPort()})
 */
public record HttpSettings(String host, int port) {
    public HttpSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("http.host is missing");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("http.port must be between 0 and 65535, was " + port);
        }
    }
}
