package cn.xinan.collector.warnings;

import java.time.Instant;
import java.util.Objects;

/**
 * Where one message stands with one target.
 *
 * @param target        the target's name
 * @param state         pending (waiting for its next attempt), delivered, failed (given up) or cancelled (the
 *                      warning cleared before it could be delivered)
 * @param attempts      attempts made so far
 * @param nextAttemptAt when a pending delivery is tried next
 * @param lastError     what the last failed attempt got, or empty
 * @param doneAt        when it was delivered, given up or cancelled
 */
public record Delivery(String target, State state, int attempts, Instant nextAttemptAt, String lastError,
                       Instant doneAt) {
    public enum State { PENDING, DELIVERED, FAILED, CANCELLED }

    public Delivery {
        Objects.requireNonNull(target, "target is missing");
        Objects.requireNonNull(state, "state is missing");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative, was " + attempts);
        }
        lastError = lastError == null ? "" : lastError;
    }

    static Delivery pending(String target, Instant at) {
        return new Delivery(target, State.PENDING, 0, at, "", null);
    }

    Delivery delivered(Instant at) {
        return new Delivery(target, State.DELIVERED, attempts + 1, null, lastError, at);
    }

    Delivery failed(String error, Instant next, boolean giveUp, Instant at) {
        return giveUp ? new Delivery(target, State.FAILED, attempts + 1, null, error, at)
                : new Delivery(target, State.PENDING, attempts + 1, next, error, null);
    }

    Delivery cancelled(Instant at) {
        return new Delivery(target, State.CANCELLED, attempts, null, lastError, at);
    }
}
