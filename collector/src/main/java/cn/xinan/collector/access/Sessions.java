package cn.xinan.collector.access;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-side sessions: the cookie holds only a random id (32 bytes, Base64url); the user, the CSRF token and the
 * times stay here. A session ends after {@code idle} without use or {@code max} after sign-in, on sign-out, and
 * when the collector restarts (everyone signs in again).
 */
final class Sessions {
    record Session(String id, String user, String csrf, Instant created, Instant lastSeen) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Duration idle;
    private final Duration max;
    private final Clock clock;
    private final SecureRandom random;

    Sessions(Duration idle, Duration max, Clock clock, SecureRandom random) {
        this.idle = idle;
        this.max = max;
        this.clock = clock;
        this.random = random;
    }

    Session create(String user) {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> expired(s, now)); // sign-ins are rare: sweep here
        Session s = new Session(randomToken(random), user, randomToken(random), now, now);
        sessions.put(s.id(), s);
        return s;
    }

    /** The live session of this id, its last use moved to now; a stale one is removed. */
    Optional<Session> touch(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        if (expired(s, now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        Session used = new Session(s.id(), s.user(), s.csrf(), s.created(), now);
        sessions.put(id, used);
        return Optional.of(used);
    }

    void remove(String id) {
        sessions.remove(id);
    }

    private boolean expired(Session s, Instant now) {
        return !now.isBefore(s.lastSeen().plus(idle)) || !now.isBefore(s.created().plus(max));
    }

    static String randomToken(SecureRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
