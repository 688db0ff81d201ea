package cn.xinan.collector.access;

import cn.xinan.provisioning.people.Role;
import cn.xinan.provisioning.people.Scope;

/**
 * What a caller may do, each granted to some roles ({@link #grantedTo}); docs/security.md has the matrix. Data is
 * always filtered by the caller's scope on top ({@link ScopedRegistry}).
 */
public enum Permission {
    /** The rooms in scope with their devices' online state. Everyone. */
    VIEW_ROOMS,
    /** Daily and weekly verdicts (attended time, check-in counts) of the rooms in scope. Not IT operators. */
    VIEW_VERDICTS,
    /** Exports (CSV, documents, evidence bundles) of the rooms in scope; recorded in the audit log. Not IT operators. */
    EXPORT,
    /** Quarantined messages of the devices in scope. City admins and IT operators. */
    VIEW_QUARANTINE,
    /** Fleet-wide counters: {@code /api/v1/ingest} and {@code /observe/metrics}. City admins and city-wide IT operators. */
    VIEW_FLEET_COUNTERS;

    public boolean grantedTo(Role role, Scope scope) {
        return switch (this) {
            case VIEW_ROOMS -> true;
            case VIEW_VERDICTS, EXPORT -> role != Role.IT_OPERATOR;
            case VIEW_QUARANTINE -> role == Role.CITY_ADMIN || role == Role.IT_OPERATOR;
            // the counters are the whole fleet's: a narrower scope would see other counties' traffic in them
            case VIEW_FLEET_COUNTERS -> (role == Role.CITY_ADMIN || role == Role.IT_OPERATOR) && scope.kind() == Scope.Kind.CITY;
        };
    }
}
