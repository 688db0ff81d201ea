package cn.xinan.collector.audit;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.testing.InfluxServerPerClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@link AuditFromDerivedPropertyTest} on a real InfluxDB 1.x, whose store answers the audit's reads over several rooms
 * (alive spans, events beside heartbeats, heartbeats, runs of sequence numbers, late events) a few rooms per query: the
 * audit from derived results equals the audit from every event, for a few fortnights of three rooms and for more rooms
 * than the audit reads at once. Each test gets a database of its own, opened by two replicas.
 */
class AuditFromDerivedInfluxTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    @RegisterExtension
    static final InfluxServerPerClass INFLUX = new InfluxServerPerClass();

    private static Supplier<EventStore> newDatabase() {
        String database = "xinan_audit_" + DATABASES.incrementAndGet();
        return () -> new StoreSettings.Influx(INFLUX.server().url(), database, "xinan", "INF", null, null).open();
    }

    @ParameterizedTest
    @ValueSource(longs = {20_251_202L, 7L, -41L})
    void theAuditFromDerivedResultsEqualsTheAuditFromEveryEvent(long seed) {
        AuditFromDerivedPropertyTest.auditsAgree(seed, 3, 14, newDatabase());
    }

    @Test
    void theAuditOfMoreRoomsThanOneReadTakesEqualsTheAuditFromEveryEvent() {
        AuditFromDerivedPropertyTest.auditsAgree(20_251_203L, AuditService.ROOMS_PER_READ + 5, 2, newDatabase());
    }
}
