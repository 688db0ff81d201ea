package cn.xinan.device.room;

/**
 * What the device believes about its room: open or closed (by staff action) and the presence
 * sensor's last reported level. After a boot: closed and vacant (docs/rules.md §2, §3).
 */
public record RoomState(boolean open, boolean occupied) {
    public static final RoomState AFTER_BOOT = new RoomState(false, false);

    public RoomState withOpen(boolean open) {
        return new RoomState(open, occupied);
    }

    public RoomState withOccupied(boolean occupied) {
        return new RoomState(open, occupied);
    }
}
