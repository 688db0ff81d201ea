package cn.xinan.collector.warnings;

import cn.xinan.collector.store.SharedState;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** A {@link SharedState} passing every call to another: tests override what they watch. */
class DelegatingSharedState implements SharedState {
    private final SharedState to;

    DelegatingSharedState(SharedState to) {
        this.to = to;
    }

    @Override
    public void put(String kind, String id, String value) {
        to.put(kind, id, value);
    }

    @Override
    public Map<String, String> records(String kind) {
        return to.records(kind);
    }

    @Override
    public void remove(String kind, Collection<String> ids) {
        to.remove(kind, ids);
    }

    @Override
    public void writeClaim(String lease, LeaseClaim claim) {
        to.writeClaim(lease, claim);
    }

    @Override
    public List<LeaseClaim> claims(String lease) {
        return to.claims(lease);
    }

    @Override
    public void forgetClaimsBelow(String lease, long term) {
        to.forgetClaimsBelow(lease, term);
    }

    @Override
    public void close() {
        to.close();
    }
}
