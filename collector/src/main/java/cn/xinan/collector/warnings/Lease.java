package cn.xinan.collector.warnings;

import cn.xinan.collector.store.SharedState;
import cn.xinan.collector.store.SharedState.LeaseClaim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Which collector replica sends the warnings: the one holding this lease in the shared store (docs/warnings.md,
 * "Several replicas"). Built from plain writes and reads, since InfluxDB has no transaction:
 *
 * <ul>
 *   <li>The lease has numbered terms. A replica claims term T+1 (T the latest term claimed) only when every other
 *       replica's claim, on any term, has lapsed ({@code until} passed) or was withdrawn: it writes its claim, then
 *       reads the claims again. It holds T+1 only if that read shows no later term and still no other live claim;
 *       otherwise it withdraws its claim. Of two replicas that both write before either reads again, both see the
 *       other and both withdraw (they try again at their next tick); of two that do not overlap, the later one sees
 *       the earlier. So at most one replica wins.</li>
 *   <li>The holder renews its claim ({@code until} = now + the lease's length) and then reads: any later term, even a
 *       withdrawn claim, means another replica found its lease lapsed, and it stops. A replica taking over reads after
 *       writing its claim, the holder after writing its renewal: one of them sees the other's write.</li>
 *   <li>The holder acts only while its own clock is before the {@code until} it wrote; the others take over only after
 *       that instant on theirs. Replicas' clocks must agree (NTP) to well within the lease's length.</li>
 * </ul>
 * A holder stopped without {@link #release()} (killed, cut off) is taken over one lease length after its last renewal.
 */
public final class Lease {
    /** How the caller stands after {@link #hold()}. */
    public enum Standing {
        /** It holds the lease and did not at the previous call: read the shared state again before acting. */
        TAKEN,
        /** It held the lease and still does. */
        KEPT,
        /** Another replica holds it, or is taking it. */
        ELSEWHERE
    }

    private static final System.Logger LOG = System.getLogger(Lease.class.getName());

    private final SharedState store;
    private final String name;
    private final String replica;
    private final Clock clock;
    private final Duration length;
    private long heldTerm;
    private Instant heldUntil = Instant.MIN;
    /** Won a term that {@link #hold()} has not yet reported as {@link Standing#TAKEN}. */
    private boolean won;

    /**
     * @param store   the shared store
     * @param name    the lease
     * @param replica this replica's name, unique among the replicas
     * @param clock   the time the lease is measured in
     * @param length  how long a claim lasts unless renewed
     */
    public Lease(SharedState store, String name, String replica, Clock clock, Duration length) {
        this.store = Objects.requireNonNull(store, "store is missing");
        this.name = Objects.requireNonNull(name, "name is missing");
        this.replica = Objects.requireNonNull(replica, "replica is missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
        this.length = Objects.requireNonNull(length, "length is missing");
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("a lease's length must be positive, was " + length);
        }
    }

    public String replica() {
        return replica;
    }

    /**
     * Takes the lease, renews it, or finds another replica holding it. {@link Standing#TAKEN} once after each time
     * this replica won a term (here or in {@link #held()}).
     */
    public synchronized Standing hold() {
        Standing s = claimOrRenew();
        if (s != Standing.ELSEWHERE && won) {
            won = false;
            return Standing.TAKEN;
        }
        return s;
    }

    private Standing claimOrRenew() {
        Instant now = clock.instant();
        boolean held = heldTerm > 0 && now.isBefore(heldUntil);
        List<LeaseClaim> claims = store.claims(name);
        long latest = latestTerm(claims);
        if (held && latest == heldTerm) {
            Instant until = now.plus(length);
            store.writeClaim(name, new LeaseClaim(heldTerm, replica, until, false));
            if (latestTerm(store.claims(name)) == heldTerm) {
                heldUntil = until;
                return Standing.KEPT;
            }
        }
        if (heldTerm > 0) {
            LOG.log(System.Logger.Level.INFO, "lease " + name + ": " + replica + " no longer holds term " + heldTerm);
        }
        heldTerm = 0;
        heldUntil = Instant.MIN;
        if (othersLive(claims, now)) {
            return Standing.ELSEWHERE;
        }
        long term = latest + 1;
        Instant until = now.plus(length);
        store.writeClaim(name, new LeaseClaim(term, replica, until, false));
        List<LeaseClaim> after = store.claims(name);
        if (latestTerm(after) > term || othersLive(after, now)) {
            store.writeClaim(name, new LeaseClaim(term, replica, now, true));
            return Standing.ELSEWHERE;
        }
        heldTerm = term;
        heldUntil = until;
        won = true;
        store.forgetClaimsBelow(name, term - 1);
        LOG.log(System.Logger.Level.INFO, "lease " + name + ": " + replica + " holds term " + term);
        return Standing.TAKEN;
    }

    /**
     * Whether this replica may act now: it holds the lease, by a fresh reading of the clock; renews it first when
     * less than half of it is left. False after a term was lost and won again since {@link #hold()}: the caller must
     * read the shared state again first.
     */
    public synchronized boolean held() {
        if (heldTerm == 0 || won) {
            return false;
        }
        Instant now = clock.instant();
        if (!now.isBefore(heldUntil)) {
            return false;
        }
        if (Duration.between(now, heldUntil).compareTo(length.dividedBy(2)) < 0) {
            return claimOrRenew() != Standing.ELSEWHERE && !won;
        }
        return true;
    }

    /** Gives the lease up (a replica stopping): another replica takes it at its next {@link #hold()}. */
    public synchronized void release() {
        if (heldTerm > 0) {
            store.writeClaim(name, new LeaseClaim(heldTerm, replica, clock.instant(), false));
            heldTerm = 0;
            heldUntil = Instant.MIN;
        }
    }

    private static long latestTerm(List<LeaseClaim> claims) {
        return claims.stream().mapToLong(LeaseClaim::term).max().orElse(0);
    }

    /** Whether another replica's claim, on any term, is neither withdrawn nor lapsed. */
    private boolean othersLive(List<LeaseClaim> claims, Instant now) {
        return claims.stream().anyMatch(c -> !c.replica().equals(replica) && !c.withdrawn() && c.until().isAfter(now));
    }
}
