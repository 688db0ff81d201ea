package cn.xinan.provisioning.audit;

import java.util.Objects;

/**
 * Who makes a change and through which command, for the audit log's {@code by} and {@code via} fields.
 *
 * @param account the operating-system account that ran the command ({@code user.name} of the process)
 * @param via     the command: {@code xinan provision device add}, {@code xinan demo}, …
 */
public record Operator(String account, String via) {
    public Operator {
        Objects.requireNonNull(account, "operator account is missing");
        Objects.requireNonNull(via, "operator command is missing");
        if (account.isBlank() || via.isBlank()) {
            throw new IllegalArgumentException("operator account and command must not be blank");
        }
    }

    /** This process's operating-system account, running {@code via}. */
    public static Operator ofThisProcess(String via) {
        String account = System.getProperty("user.name");
        return new Operator(account == null || account.isBlank() ? "unknown" : account, via);
    }
}
