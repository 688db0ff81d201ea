package cn.xinan.rules;

/**
 * What the engine's sweep carries over a local midnight (docs/rules-engine.md, "Day summaries"): everything a
 * later day's figures can depend on from the days before it.
 *
 * @param open             whether a staff-open interval is in progress
 * @param openSinceMs      start of that interval (epoch ms); 0 when closed
 * @param occupied         the sensor's last report (vacant after a boot); carried even while closed, because a
 *                         room that opens takes the presence last reported
 * @param vacantSinceMs    while open and not occupied, the start of the current stretch without presence evidence
 *                         (epoch ms); 0 otherwise
 * @param lastSignOfLifeMs while open, the latest accounted event (a boot ends the interval there); 0 when closed
 */
public record CarriedState(boolean open, long openSinceMs, boolean occupied, long vacantSinceMs,
                           long lastSignOfLifeMs) {
    /** The state before any event: closed, vacant. */
    public static final CarriedState INITIAL = new CarriedState(false, 0, false, 0, 0);

    public CarriedState {
        if (!open && (openSinceMs != 0 || vacantSinceMs != 0 || lastSignOfLifeMs != 0)) {
            throw new IllegalArgumentException("a closed state carries no interval: openSinceMs " + openSinceMs
                    + ", vacantSinceMs " + vacantSinceMs + ", lastSignOfLifeMs " + lastSignOfLifeMs);
        }
        if (open && occupied && vacantSinceMs != 0) {
            throw new IllegalArgumentException("an occupied room has no vacancy, vacantSinceMs " + vacantSinceMs);
        }
    }

    /** A closed room whose sensor last reported {@code occupied}. */
    public static CarriedState closed(boolean occupied) {
        return occupied ? new CarriedState(false, 0, true, 0, 0) : INITIAL;
    }
}
