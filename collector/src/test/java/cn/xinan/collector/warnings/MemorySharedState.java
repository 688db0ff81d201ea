package cn.xinan.collector.warnings;

import cn.xinan.collector.store.SharedState;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@link SharedState} in memory, linearizable like the real stores (each call atomic), for the lease's interleavings:
 * {@link #onClaimWrite} runs a step of another replica around a chosen claim write.
 */
final class MemorySharedState implements SharedState {
    private final Map<String, Map<String, String>> records = new TreeMap<>();
    private final Map<String, LeaseClaim> claims = new TreeMap<>();
    /** Called with each claim before it is written; returns whether to call it again for the next one. */
    private volatile Hook beforeClaim;
    private volatile Hook afterClaim;

    interface Hook {
        /** @return true to stay for the next claim */
        boolean on(LeaseClaim claim);
    }

    /** Runs {@code step} once, just before ({@code before}) or just after the next claim written by {@code replica}. */
    void onClaimWrite(String replica, boolean before, Consumer<LeaseClaim> step) {
        Hook hook = c -> {
            if (!c.replica().equals(replica)) {
                return true;
            }
            step.accept(c);
            return false;
        };
        if (before) {
            beforeClaim = hook;
        } else {
            afterClaim = hook;
        }
    }

    @Override
    public synchronized void put(String kind, String id, String value) {
        records.computeIfAbsent(kind, k -> new TreeMap<>()).put(id, value);
    }

    @Override
    public synchronized Map<String, String> records(String kind) {
        return Map.copyOf(records.getOrDefault(kind, Map.of()));
    }

    @Override
    public synchronized void remove(String kind, Collection<String> ids) {
        records.getOrDefault(kind, new TreeMap<>()).keySet().removeAll(ids);
    }

    @Override
    public void writeClaim(String lease, LeaseClaim claim) {
        Hook before = beforeClaim;
        if (before != null && !before.on(claim)) {
            beforeClaim = null;
        }
        synchronized (this) {
            claims.put(lease + "/" + claim.term() + "/" + claim.replica(), claim);
        }
        Hook after = afterClaim;
        if (after != null && !after.on(claim)) {
            afterClaim = null;
        }
    }

    @Override
    public synchronized List<LeaseClaim> claims(String lease) {
        List<LeaseClaim> out = new ArrayList<>();
        claims.forEach((key, c) -> {
            if (key.startsWith(lease + "/")) {
                out.add(c);
            }
        });
        return out;
    }

    @Override
    public synchronized void forgetClaimsBelow(String lease, long term) {
        claims.entrySet().removeIf(e -> e.getKey().startsWith(lease + "/") && e.getValue().term() < term);
    }

    @Override
    public void close() {
    }
}
