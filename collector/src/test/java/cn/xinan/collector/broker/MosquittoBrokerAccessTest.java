package cn.xinan.collector.broker;

import cn.xinan.testing.MosquittoServer;

import java.nio.file.Path;

/**
 * The broker rules against a real Mosquitto 2.0.11 with the same files ({@code allow_anonymous false},
 * {@code use_username_as_clientid true}: {@link MosquittoServer#startWithAuth}).
 */
class MosquittoBrokerAccessTest extends BrokerAccessContract {
    private MosquittoServer broker;

    @Override
    protected String start(Path passwordFile, Path aclFile) {
        // Mosquitto started as root drops to the user mosquitto, which must read the files (and a JUnit
        // temporary folder is private to us)
        for (Path p : java.util.List.of(dir, passwordFile, aclFile)) {
            try {
                java.nio.file.Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(
                        java.nio.file.Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        broker = MosquittoServer.startWithAuth(passwordFile, aclFile);
        return broker.url();
    }

    @Override
    protected void stop() {
        broker.close();
    }

    @Override
    protected boolean refusesUnreadableSubscriptions() {
        return false;
    }
}
