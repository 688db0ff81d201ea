package cn.xinan.collector.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What collector replicas on one store share besides the events (docs/scale.md, "Replicas"): small records by kind and
 * id (the warnings' state, docs/warnings.md), and the claims of a lease that lets one replica at a time do what must be
 * done once ({@code cn.xinan.collector.warnings.Lease}). Both are plain writes and reads, keyed so that writing a record
 * or claim again replaces it: InfluxDB has no transaction, so nothing here needs one. A write is visible to every
 * reader once it returns.
 *
 * <p>Every method is thread-safe; failures are {@link StoreException}s.
 */
public interface SharedState extends AutoCloseable {

    /** Writes (replaces) the record {@code id} of {@code kind}; durable when it returns. */
    void put(String kind, String id, String value);

    /** Every record of {@code kind}, by id. */
    Map<String, String> records(String kind);

    /** Deletes these records of {@code kind}; ids not stored are ignored. */
    void remove(String kind, Collection<String> ids);

    /** Writes (replaces) the claim of {@code claim.replica()} on {@code claim.term()} of lease {@code lease}. */
    void writeClaim(String lease, LeaseClaim claim);

    /** Every claim of lease {@code lease} kept. */
    List<LeaseClaim> claims(String lease);

    /** Deletes the claims of lease {@code lease} on terms below {@code term}. */
    void forgetClaimsBelow(String lease, long term);

    @Override
    void close();

    /**
     * One replica's claim on one term of a lease.
     *
     * @param term      the lease's term, from 1; a term is claimed only once every claim on the one before has lapsed
     * @param replica   who claims it
     * @param until     when the claim lapses unless it is renewed
     * @param withdrawn the replica saw another claim on the same term (or a renewal of the term before) and gave up
     *                  this one: it never holds the term
     */
    record LeaseClaim(long term, String replica, Instant until, boolean withdrawn) {
        public LeaseClaim {
            if (term < 1) {
                throw new IllegalArgumentException("a lease term starts at 1, was " + term);
            }
            if (replica == null || replica.isBlank()) {
                throw new IllegalArgumentException("replica is missing");
            }
            Objects.requireNonNull(until, "until is missing");
        }
    }
}
