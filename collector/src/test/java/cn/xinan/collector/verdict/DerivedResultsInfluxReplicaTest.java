package cn.xinan.collector.verdict;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.testing.InfluxServerPerClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two replicas on one real InfluxDB (two stores, each marking only the days of its own appends, each with its own
 * derivation): for random streams delivered late, shuffled and partly twice, the summaries give the engine's
 * verdicts on all events for every day and week.
 */
class DerivedResultsInfluxReplicaTest {
    @RegisterExtension
    static final InfluxServerPerClass INFLUX = new InfluxServerPerClass();

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void summariesWrittenByTwoReplicasEqualTheEngineOnAllEvents(long seed) {
        StoreSettings.Influx settings = new StoreSettings.Influx(INFLUX.server().url(), "replicas_" + seed, "xinan", "INF", null,
                null);
        ReplicaStream stream = new ReplicaStream(seed);
        try (EventStore a = settings.open(); EventStore b = settings.open()) {
            DerivedResults derivedA = new DerivedResults(a, stream.settings);
            stream.deliver(derivedA.store(), derivedA, b, new DerivedResults(b, stream.settings));
            stream.assertSummariesMatchTheEngine(b);
            stream.recomputeFromSpans(derivedA);
            stream.assertSummariesMatchTheEngine(b);
        }
    }
}
