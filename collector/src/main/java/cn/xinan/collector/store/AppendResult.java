package cn.xinan.collector.store;

/**
 * What one {@link EventStore#append} did.
 *
 * @param added      events that were not stored before
 * @param duplicates events whose id was already stored (or repeated within the call): nothing changed for them
 */
public record AppendResult(int added, int duplicates) {
    public static final AppendResult NOTHING = new AppendResult(0, 0);

    public AppendResult {
        if (added < 0 || duplicates < 0) {
            throw new IllegalArgumentException("counts must not be negative: added " + added + ", duplicates " + duplicates);
        }
    }

    public AppendResult plus(AppendResult other) {
        return new AppendResult(added + other.added, duplicates + other.duplicates);
    }
}
