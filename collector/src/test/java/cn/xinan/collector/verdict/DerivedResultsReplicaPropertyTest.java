package cn.xinan.collector.verdict;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.sqlite.SqliteEventStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Derived results are exact whatever the delivery: for random event streams delivered late, shuffled and
 * partly twice, split between two replicas (two stores on one SQLite file, each with its own derivation), the
 * verdicts of every day and week from the summaries equal the engine run on all events at once, and still do after
 * every room is recomputed from the stored alive spans and the events other than heartbeats. The streams hold runs
 * of heartbeats a minute apart (some across midnight, some with boots inside them). The same with a real InfluxDB:
 * {@code DerivedResultsInfluxReplicaTest}.
 */
class DerivedResultsReplicaPropertyTest {

    @Property(tries = 40)
    void summariesWrittenByTwoReplicasEqualTheEngineOnAllEvents(@ForAll long seed) throws IOException {
        Path dir = Files.createTempDirectory("xinan-replicas");
        try {
            ReplicaStream stream = new ReplicaStream(seed);
            try (EventStore a = SqliteEventStore.open(dir.resolve("events.db"));
                 EventStore b = SqliteEventStore.open(dir.resolve("events.db"))) {
                DerivedResults derivedB = new DerivedResults(b, stream.settings);
                stream.deliver(a, new DerivedResults(a, stream.settings), b, derivedB);
                stream.assertSummariesMatchTheEngine(a);
                stream.recomputeFromSpans(derivedB);
                stream.assertSummariesMatchTheEngine(a);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
