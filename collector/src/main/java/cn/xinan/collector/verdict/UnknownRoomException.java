package cn.xinan.collector.verdict;

/** A room id that is not in the registry. */
public final class UnknownRoomException extends RuntimeException {
    private final String roomId;

    public UnknownRoomException(String roomId) {
        super("unknown room '" + roomId + "'");
        this.roomId = roomId;
    }

    public String roomId() {
        return roomId;
    }
}
