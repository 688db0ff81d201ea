package cn.xinan.provisioning.people;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An API token for scripts (one line of {@code tokens.csv}): it acts as its person, with their role and scope,
 * and stops working when the person is disabled or the token is revoked. The token itself
 * ({@code xinan_ID_SECRET}) is shown once when made; only the SHA-256 of its secret is kept. A fast hash is
 * enough here, unlike for passwords: the secret is 32 random bytes, which nobody can guess.
 *
 * @param id      public identifier, 12 hex digits (in lists, the audit log and revocation)
 * @param user    the person it acts as
 * @param sha256  hex SHA-256 of the secret part
 * @param created when it was made
 * @param label   what it is for ("nightly export")
 */
public record ApiToken(String id, String user, String sha256, Instant created, String label) {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{12}");
    private static final Pattern TOKEN = Pattern.compile("xinan_([0-9a-f]{12})_([A-Za-z0-9_-]{43})");

    public ApiToken {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("token id '" + id + "' must be 12 hex digits");
        }
        Person.checkUser(user);
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("token " + id + ": sha256 must be 64 hex digits");
        }
        Objects.requireNonNull(created, "token creation time is missing");
        label = label == null ? "" : label.strip();
    }

    /** A new token and the secret text to hand out (once). */
    public record Issued(String token, ApiToken record) {
        @Override
        public String toString() {
            return "Issued[" + record + "]";
        }
    }

    public static Issued issue(String user, String label, Instant now, SecureRandom random) {
        byte[] id = new byte[6];
        random.nextBytes(id);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String idText = HexFormat.of().formatHex(id);
        return new Issued("xinan_" + idText + "_" + secretText, new ApiToken(idText, user, sha256(secretText), now, label));
    }

    /** The id and secret of a presented token, when it has the token's shape. */
    static Optional<String[]> split(String token) {
        Matcher m = TOKEN.matcher(token == null ? "" : token);
        return m.matches() ? Optional.of(new String[]{m.group(1), m.group(2)}) : Optional.empty();
    }

    boolean matchesSecret(String secret) {
        return MessageDigest.isEqual(sha256.getBytes(StandardCharsets.US_ASCII),
                sha256(secret).getBytes(StandardCharsets.US_ASCII));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
