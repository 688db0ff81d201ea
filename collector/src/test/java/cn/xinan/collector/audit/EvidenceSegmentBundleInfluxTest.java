package cn.xinan.collector.audit;

import cn.xinan.collector.store.StoreSettings;
import cn.xinan.testing.InfluxServerPerClass;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link EvidenceSegmentBundleTest} on a real InfluxDB 1.x, the production store: the day marks and sequence-number
 * records the bundle writer compares a segment's key with are InfluxDB's, each case in a database of its own.
 */
class EvidenceSegmentBundleInfluxTest extends EvidenceSegmentBundleTest {
    @RegisterExtension
    static final InfluxServerPerClass INFLUX = new InfluxServerPerClass();
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @Override
    AuditFixture fixture(Path dir) {
        return new AuditFixture(new StoreSettings.Influx(INFLUX.server().url(),
                "segments_" + DATABASES.incrementAndGet(), "xinan", "INF", null, null).open());
    }
}
