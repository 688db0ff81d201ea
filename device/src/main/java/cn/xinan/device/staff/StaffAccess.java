package cn.xinan.device.staff;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Staff mode at the kiosk: a PIN opens a short session for one staff member; repeated wrong PINs lock
 * the kiosk's staff mode for a while. Time comes from the injected clock.
 *
 * <ul>
 *   <li>After {@code maxFailures} wrong PINs in a row, every attempt is refused for {@code lockout}
 *       without even checking the PIN (a right PIN too), then the count starts again.</li>
 *   <li>A right PIN resets the count and returns a session token (random 128 bits) that expires after
 *       {@link #SESSION_IDLE} without use; the kiosk also ends it when it goes back to the start screen.</li>
 * </ul>
 * Thread-safe.
 */
public final class StaffAccess {
    /** A staff member's code (recorded with open/close: employee data) and PIN hash. */
    public record StaffPin(String code, PinHash pin) {
        public StaffPin {
            Objects.requireNonNull(code, "staff code is missing");
            Objects.requireNonNull(pin, "PIN hash is missing");
        }
    }

    /** What a login attempt gave. */
    public sealed interface Login {
        record Granted(String token, String staffCode) implements Login {
        }

        record Refused(int attemptsLeft) implements Login {
        }

        record Locked(Duration remaining) implements Login {
        }
    }

    public static final Duration SESSION_IDLE = Duration.ofMinutes(2);

    private final List<StaffPin> staff;
    private final int maxFailures;
    private final Duration lockout;
    private final Clock clock;
    private final SecureRandom random;
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private int failures;
    private Instant lockedUntil;

    private static final class Session {
        final String staffCode;
        Instant lastUse;

        Session(String staffCode, Instant lastUse) {
            this.staffCode = staffCode;
            this.lastUse = lastUse;
        }
    }

    public StaffAccess(List<StaffPin> staff, int maxFailures, Duration lockout, Clock clock, SecureRandom random) {
        this.staff = List.copyOf(staff);
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1, was " + maxFailures);
        }
        this.maxFailures = maxFailures;
        this.lockout = Objects.requireNonNull(lockout, "lockout is missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
        this.random = Objects.requireNonNull(random, "random is missing");
    }

    /**
     * Checks a PIN. The PBKDF2 work happens outside the lock, so a login does not hold up the kiosk.
     */
    public Login login(String pin) {
        synchronized (this) {
            Optional<Duration> locked = lockedFor();
            if (locked.isPresent()) {
                return new Login.Locked(locked.get());
            }
        }
        StaffPin match = staff.stream().filter(s -> s.pin().matches(pin)).findFirst().orElse(null);
        synchronized (this) {
            Optional<Duration> locked = lockedFor(); // another attempt may have locked it meanwhile
            if (locked.isPresent()) {
                return new Login.Locked(locked.get());
            }
            Instant now = clock.instant();
            if (match == null) {
                failures++;
                if (failures >= maxFailures) {
                    failures = 0;
                    lockedUntil = now.plus(lockout);
                    return new Login.Locked(lockout);
                }
                return new Login.Refused(maxFailures - failures);
            }
            failures = 0;
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            String token = HexFormat.of().formatHex(bytes);
            sessions.values().removeIf(s -> expired(s, now));
            sessions.put(token, new Session(match.code(), now));
            return new Login.Granted(token, match.code());
        }
    }

    /** The staff code of a live session (and keeps it alive), or empty. */
    public synchronized Optional<String> session(String token) {
        if (token == null) {
            return Optional.empty();
        }
        Session s = sessions.get(token);
        Instant now = clock.instant();
        if (s == null || expired(s, now)) {
            sessions.remove(token);
            return Optional.empty();
        }
        s.lastUse = now;
        return Optional.of(s.staffCode);
    }

    public synchronized void logout(String token) {
        if (token != null) {
            sessions.remove(token);
        }
    }

    /** How long staff mode stays locked, or empty when it is not. */
    public synchronized Optional<Duration> lockedFor() {
        if (lockedUntil == null) {
            return Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), lockedUntil);
        if (left.isNegative() || left.isZero()) {
            lockedUntil = null;
            return Optional.empty();
        }
        return Optional.of(left);
    }

    public boolean hasStaff() {
        return !staff.isEmpty();
    }

    private static boolean expired(Session s, Instant now) {
        return !now.isBefore(s.lastUse.plus(SESSION_IDLE));
    }
}
