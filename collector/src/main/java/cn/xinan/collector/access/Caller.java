package cn.xinan.collector.access;

import cn.xinan.provisioning.people.Role;
import cn.xinan.provisioning.people.Scope;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Who made a request: a signed-in person (session cookie), a script (API token) or the launcher itself (the
 * collector's internal token). Registered in the request's context by {@link Access}.
 *
 * @param user  the person's user name ({@code (internal)} for the internal token)
 * @param via   {@code session}, {@code token} or {@code internal}
 * @param csrf  the session's CSRF token, empty for tokens
 */
public record Caller(String user, Role role, Scope scope, String via, String csrf) {
    public Caller {
        Objects.requireNonNull(user, "user is missing");
        Objects.requireNonNull(role, "role is missing");
        Objects.requireNonNull(scope, "scope is missing");
        Objects.requireNonNull(via, "via is missing");
        csrf = csrf == null ? "" : csrf;
    }

    public boolean may(Permission p) {
        return p.grantedTo(role, scope);
    }

    public List<String> permissions() {
        return Arrays.stream(Permission.values()).filter(this::may).map(p -> p.name().toLowerCase().replace('_', '-')).toList();
    }

    @Override
    public String toString() {
        return "Caller[" + user + ", " + role.id() + ", " + scope + ", " + via + "]";
    }
}
