package cn.xinan.collector.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing two ways: at most {@code perMinute} attempts per client address in any minute (a
 * sliding window), and a user name locked for {@code lockout} after {@code maxFailures} failures in a row. The
 * lock is kept per name typed, whether or not such a person exists, so locking says nothing about who exists.
 * In memory: a restart forgets both (docs/security.md).
 */
final class SignInGuard {
    private static final Duration WINDOW = Duration.ofMinutes(1);
    /** Above this many addresses or names remembered, the ones that no longer matter are forgotten (memory bound). */
    private static final int SWEEP_ABOVE = 100_000;
    private record Failures(int count, Instant lockedUntil) {
    }

    private final int perMinute;
    private final int maxFailures;
    private final Duration lockout;
    private final Clock clock;
    private final Map<String, Deque<Instant>> attempts = new ConcurrentHashMap<>();
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    SignInGuard(int perMinute, int maxFailures, Duration lockout, Clock clock) {
        this.perMinute = perMinute;
        this.maxFailures = maxFailures;
        this.lockout = lockout;
        this.clock = clock;
    }

    /** Counts an attempt from {@code address}; false when the address is over its limit (the attempt is refused). */
    boolean allowAttempt(String address) {
        Instant now = clock.instant();
        if (attempts.size() > SWEEP_ABOVE) {
            attempts.values().removeIf(times -> {
                synchronized (times) {
                    return times.isEmpty() || !times.peekLast().isAfter(now.minus(WINDOW));
                }
            });
        }
        Deque<Instant> times = attempts.computeIfAbsent(address, a -> new ArrayDeque<>());
        synchronized (times) {
            while (!times.isEmpty() && !times.peekFirst().isAfter(now.minus(WINDOW))) {
                times.pollFirst();
            }
            if (times.size() >= perMinute) {
                return false;
            }
            times.addLast(now);
            return true;
        }
    }

    /** When the user name is locked, until when. */
    Optional<Instant> lockedUntil(String user) {
        Failures f = failures.get(user);
        Instant now = clock.instant();
        return f == null || f.lockedUntil() == null || !now.isBefore(f.lockedUntil()) ? Optional.empty() : Optional.of(f.lockedUntil());
    }

    /** Records a failed password; true when this failure locks the name. */
    boolean failed(String user) {
        Instant now = clock.instant();
        if (failures.size() > SWEEP_ABOVE) {
            failures.values().removeIf(f -> f.lockedUntil() == null || !now.isBefore(f.lockedUntil()));
        }
        Failures f = failures.compute(user, (u, old) -> {
            int count = old == null || (old.lockedUntil() != null && !now.isBefore(old.lockedUntil())) ? 1 : old.count() + 1;
            return new Failures(count, count >= maxFailures ? now.plus(lockout) : null);
        });
        return f.lockedUntil() != null && f.count() == maxFailures;
    }

    void succeeded(String user) {
        failures.remove(user);
    }
}
