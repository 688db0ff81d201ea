package cn.xinan.collector.access;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Sign-in, sessions and the audit log (keys {@code access.*}, docs/collector.md; docs/security.md says why).
 *
 * @param dir               folder with {@code people.csv} and {@code tokens.csv} (default: the registry folder)
 * @param auditLog          the append-only audit log (default {@code dir/audit.jsonl})
 * @param sessionIdle       a session unused this long ends
 * @param sessionMax        a session ends this long after sign-in, used or not
 * @param secureCookie      mark cookies {@code Secure}: on whenever users reach the collector over HTTPS (a TLS proxy)
 * @param maxFailures       failed sign-ins in a row after which a user name is locked
 * @param lockout           how long it stays locked
 * @param signInsPerMinute  sign-in attempts allowed per client address and minute
 */
public record AccessSettings(Path dir, Path auditLog, Duration sessionIdle, Duration sessionMax, boolean secureCookie,
                             int maxFailures, Duration lockout, int signInsPerMinute) {
    public AccessSettings {
        Objects.requireNonNull(dir, "access.dir is missing");
        Objects.requireNonNull(auditLog, "access.audit-log is missing");
        positive(sessionIdle, "access.session-idle-minutes");
        positive(sessionMax, "access.session-max-hours");
        if (sessionIdle.compareTo(sessionMax) > 0) {
            throw new IllegalArgumentException("access.session-idle-minutes (" + sessionIdle.toMinutes()
                    + ") is longer than access.session-max-hours (" + sessionMax.toHours() + " h)");
        }
        if (maxFailures < 1 || maxFailures > 100) {
            throw new IllegalArgumentException("access.max-failures must be from 1 to 100, was " + maxFailures);
        }
        positive(lockout, "access.lockout-minutes");
        if (signInsPerMinute < 1 || signInsPerMinute > 10_000) {
            throw new IllegalArgumentException("access.sign-ins-per-minute must be from 1 to 10000, was " + signInsPerMinute);
        }
    }

    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);
    public static final Duration DEFAULT_MAX = Duration.ofHours(12);
    public static final int DEFAULT_MAX_FAILURES = 5;
    public static final Duration DEFAULT_LOCKOUT = Duration.ofMinutes(15);
    public static final int DEFAULT_SIGN_INS_PER_MINUTE = 10;

    /** The people files in {@code dir}, the audit log {@code dir/audit.jsonl}, every other value the default. */
    public static AccessSettings in(Path dir) {
        return new AccessSettings(dir, dir.resolve("audit.jsonl"), DEFAULT_IDLE, DEFAULT_MAX, false, DEFAULT_MAX_FAILURES,
                DEFAULT_LOCKOUT, DEFAULT_SIGN_INS_PER_MINUTE);
    }

    public AccessSettings withSecureCookie(boolean secure) {
        return new AccessSettings(dir, auditLog, sessionIdle, sessionMax, secure, maxFailures, lockout, signInsPerMinute);
    }

    private static void positive(Duration d, String key) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be positive");
        }
    }
}
