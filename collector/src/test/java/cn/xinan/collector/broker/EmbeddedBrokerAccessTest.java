package cn.xinan.collector.broker;

import cn.xinan.testing.ExternalServer;

import java.nio.file.Path;

/** The broker rules against the embedded broker (HiveMQ CE with {@link BrokerAccess}). */
class EmbeddedBrokerAccessTest extends BrokerAccessContract {
    private EmbeddedBroker broker;

    @Override
    protected String start(Path passwordFile, Path aclFile) {
        broker = EmbeddedBroker.start(new BrokerSettings("127.0.0.1", ExternalServer.freePort(), dir.resolve("broker"))
                .withAccess(new BrokerAccessFiles(passwordFile, aclFile)));
        return broker.url();
    }

    @Override
    protected void stop() {
        broker.close();
    }

    @Override
    protected boolean refusesUnreadableSubscriptions() {
        return true;
    }
}
