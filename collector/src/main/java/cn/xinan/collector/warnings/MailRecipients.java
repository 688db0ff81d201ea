package cn.xinan.collector.warnings;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who an e-mail target writes to, and as whom.
 *
 * @param from the sender address (the mailbox the SMTP account may send as)
 * @param to   the recipients, at least one
 */
public record MailRecipients(String from, List<String> to) {
    /** A plain address {@code local@domain}: no display name, no list separators, no line breaks. */
    private static final Pattern ADDRESS = Pattern.compile("[^@\\s,;<>\"]+@[^@\\s,;<>\"]+\\.[^@\\s,;<>\"]+");

    public MailRecipients {
        Objects.requireNonNull(from, "from is missing");
        if (!ADDRESS.matcher(from).matches()) {
            throw new IllegalArgumentException("from '" + from + "' is not an address like xinan@jingmen.example");
        }
        to = List.copyOf(Objects.requireNonNull(to, "to is missing"));
        if (to.isEmpty()) {
            throw new IllegalArgumentException("to names no recipient");
        }
        for (String address : to) {
            if (!ADDRESS.matcher(address).matches()) {
                throw new IllegalArgumentException("to: '" + address + "' is not an address like zhang.wei@school.example");
            }
        }
    }

    /** Parses a comma-separated list of recipients. */
    public static MailRecipients parse(String from, String to) {
        return new MailRecipients(from == null ? "" : from.strip(),
                java.util.Arrays.stream(to == null ? new String[0] : to.split(",")).map(String::strip)
                        .filter(s -> !s.isEmpty()).toList());
    }
}
