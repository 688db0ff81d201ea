package cn.xinan.collector.access;

/** The caller's role lacks a permission: answered with 403 and a JSON error naming the role and the permission. */
public final class ForbiddenException extends RuntimeException {
    public ForbiddenException(Caller caller, Permission permission) {
        super("a " + caller.role().id() + (permission == Permission.VIEW_FLEET_COUNTERS ? " of scope " + caller.scope() : "")
                + " may not " + permission.name().toLowerCase().replace('_', ' '));
    }
}
