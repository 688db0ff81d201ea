package cn.xinan.collector.store.influx;

import cn.xinan.collector.store.SharedState;
import org.influxdb.dto.Point;
import org.influxdb.dto.QueryResult;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * {@link SharedState} in the InfluxDB store's database, derived retention policy (kept forever):
 *
 * <pre>
 * shared_record  tags kind, id; time 0; field value
 * lease_claim    tags lease, replica; time = the term (ns); fields until (epoch ms), withdrawn
 * </pre>
 * One point per measurement, tag set and time: writing a record or a claim again replaces it. InfluxDB answers a write
 * only once the point is in its WAL and cache, so a read that starts after a write returned sees it: all the lease needs.
 */
public final class InfluxSharedState implements SharedState {
    static final String SHARED_RECORD = "shared_record";
    static final String LEASE_CLAIM = "lease_claim";
    /** Ids per delete statement. */
    private static final int IDS_PER_DELETE = 100;

    private final InfluxEventStore store;

    /** On the store's connection; closing this leaves the store open. */
    public InfluxSharedState(InfluxEventStore store) {
        this.store = Objects.requireNonNull(store, "store is missing");
    }

    @Override
    public void put(String kind, String id, String value) {
        store.writeToDerived(List.of(Point.measurement(SHARED_RECORD).time(0, TimeUnit.NANOSECONDS).tag("kind", kind)
                .tag("id", id).addField("value", value).build()), "writing " + kind + " " + id);
    }

    @Override
    public Map<String, String> records(String kind) {
        QueryResult result = store.run("SELECT \"value\" FROM " + store.derivedFrom(SHARED_RECORD) + " WHERE \"kind\" = "
                + InfluxEventStore.literal(kind) + " GROUP BY \"id\"", store.database(), false);
        Map<String, String> out = new LinkedHashMap<>();
        for (QueryResult.Series s : series(result)) {
            int value = s.getColumns().indexOf("value");
            for (List<Object> row : s.getValues()) {
                out.put(s.getTags().get("id"), (String) row.get(value));
            }
        }
        return out;
    }

    @Override
    public void remove(String kind, Collection<String> ids) {
        List<String> all = List.copyOf(ids);
        for (int i = 0; i < all.size(); i += IDS_PER_DELETE) {
            StringBuilder q = new StringBuilder("DELETE FROM " + InfluxEventStore.ident(SHARED_RECORD) + " WHERE \"kind\" = "
                    + InfluxEventStore.literal(kind) + " AND (");
            List<String> chunk = all.subList(i, Math.min(all.size(), i + IDS_PER_DELETE));
            for (int j = 0; j < chunk.size(); j++) {
                q.append(j == 0 ? "" : " OR ").append("\"id\" = ").append(InfluxEventStore.literal(chunk.get(j)));
            }
            store.run(q.append(')').toString(), store.database(), true);
        }
    }

    @Override
    public void writeClaim(String lease, LeaseClaim claim) {
        store.writeToDerived(List.of(Point.measurement(LEASE_CLAIM).time(claim.term(), TimeUnit.NANOSECONDS)
                .tag("lease", lease).tag("replica", claim.replica())
                .addField("until", claim.until().toEpochMilli()).addField("withdrawn", claim.withdrawn()).build()),
                "writing a claim on lease " + lease);
    }

    @Override
    public List<LeaseClaim> claims(String lease) {
        QueryResult result = store.run("SELECT \"until\", \"withdrawn\" FROM " + store.derivedFrom(LEASE_CLAIM)
                + " WHERE \"lease\" = " + InfluxEventStore.literal(lease) + " GROUP BY \"replica\"", store.database(), false);
        List<LeaseClaim> out = new ArrayList<>();
        for (QueryResult.Series s : series(result)) {
            int time = s.getColumns().indexOf("time");
            int until = s.getColumns().indexOf("until");
            int withdrawn = s.getColumns().indexOf("withdrawn");
            for (List<Object> row : s.getValues()) {
                Instant t = Instant.parse((String) row.get(time));
                long term = t.getEpochSecond() * 1_000_000_000L + t.getNano();
                out.add(new LeaseClaim(term, s.getTags().get("replica"),
                        Instant.ofEpochMilli(((Number) row.get(until)).longValue()), Boolean.TRUE.equals(row.get(withdrawn))));
            }
        }
        return out;
    }

    @Override
    public void forgetClaimsBelow(String lease, long term) {
        store.run("DELETE FROM " + InfluxEventStore.ident(LEASE_CLAIM) + " WHERE \"lease\" = "
                + InfluxEventStore.literal(lease) + " AND time < " + term, store.database(), true);
    }

    private static List<QueryResult.Series> series(QueryResult result) {
        List<QueryResult.Series> out = new ArrayList<>();
        for (QueryResult.Result r : result.getResults()) {
            if (r.getSeries() != null) {
                r.getSeries().stream().filter(s -> s.getValues() != null).forEach(out::add);
            }
        }
        return out;
    }

    @Override
    public void close() {
        // the store's connection is the store's to close
    }
}
