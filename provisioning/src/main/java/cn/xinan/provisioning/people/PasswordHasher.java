package cn.xinan.provisioning.people;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Passwords hashed with Argon2id (RFC 9106, Bouncy Castle's {@link Argon2BytesGenerator}), stored in the PHC
 * string format {@code $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH} (Base64 without padding), so the cost can be
 * raised later without invalidating existing hashes: {@link #verify} reads the cost from the hash.
 *
 * <p>Default cost {@link #DEFAULT}: 19 MiB of memory, 2 passes, 1 lane, a 16-byte salt and a 32-byte hash (the
 * OWASP password storage recommendation for Argon2id). Memory-hard: guessing passwords from a stolen
 * {@code people.csv} costs 19 MiB per guess, which defeats GPU farms; each sign-in costs the collector one
 * verification (measured in docs/security.md). Tests use a cheap cost ({@link #CHEAP_FOR_TESTS}) to stay fast.
 */
public final class PasswordHasher {
    public static final String PREFIX = "$argon2id$";
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{16,})\\$([A-Za-z0-9+/]{16,})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    /** Argon2id cost: memory in KiB, passes, lanes. */
    public record Cost(int memoryKib, int iterations, int parallelism) {
        public Cost {
            if (memoryKib < 8 * parallelism || iterations < 1 || parallelism < 1) {
                throw new IllegalArgumentException("Argon2id cost m=" + memoryKib + ",t=" + iterations + ",p="
                        + parallelism + " is too small");
            }
        }
    }

    public static final Cost DEFAULT = new Cost(19 * 1024, 2, 1);
    /** Only for tests: 64 KiB, one pass. Never for real accounts. */
    public static final Cost CHEAP_FOR_TESTS = new Cost(64, 1, 1);

    private final Cost cost;
    private final SecureRandom random;

    public PasswordHasher(Cost cost, SecureRandom random) {
        this.cost = cost;
        this.random = random;
    }

    public PasswordHasher() {
        this(DEFAULT, new SecureRandom());
    }

    /** A new salted hash of {@code password}. */
    public String hash(char[] password) {
        checkPassword(password);
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, cost, 32);
        return PREFIX + "v=19$m=" + cost.memoryKib() + ",t=" + cost.iterations() + ",p=" + cost.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** Whether {@code password} matches {@code encoded} (compared in constant time); false for a malformed hash. */
    public static boolean verify(char[] password, String encoded) {
        Matcher m = PHC.matcher(encoded == null ? "" : encoded);
        if (!m.matches() || password == null) {
            return false;
        }
        Cost cost;
        byte[] salt;
        byte[] expected;
        try {
            cost = new Cost(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
            salt = B64D.decode(m.group(4));
            expected = B64D.decode(m.group(5));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, derive(password, salt, cost, expected.length));
    }

    /**
     * A password a person can be given: at least 10 characters, not all of one kind of character. (Length is what
     * counts; the rule only stops '1234567890'-style passwords.)
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void checkPassword(char[] password) {
        if (password == null || password.length < 10) {
            throw new IllegalArgumentException("a password needs at least 10 characters");
        }
        if (password.length > 256) {
            throw new IllegalArgumentException("a password has at most 256 characters");
        }
        boolean letter = false;
        boolean other = false;
        for (char c : password) {
            if (Character.isLetter(c)) {
                letter = true;
            } else {
                other = true;
            }
        }
        if (!letter || !other) {
            throw new IllegalArgumentException("a password needs letters and at least one digit or other character");
        }
    }

    /** The cost a hash was made with, when it is a well-formed Argon2id hash. */
    public static java.util.Optional<Cost> costOf(String encoded) {
        Matcher m = PHC.matcher(encoded == null ? "" : encoded);
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(new Cost(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3))));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /** A random password of 16 characters (letters and digits without look-alikes), for resets and the demo. */
    public static String randomPassword(SecureRandom random) {
        String alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder b = new StringBuilder();
        do {
            b.setLength(0);
            for (int i = 0; i < 16; i++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        } while (b.chars().noneMatch(Character::isDigit) || b.chars().noneMatch(Character::isLetter));
        return b.toString();
    }

    private static byte[] derive(char[] password, byte[] salt, Cost cost, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(cost.memoryKib())
                .withIterations(cost.iterations())
                .withParallelism(cost.parallelism())
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        generator.generateBytes(password, out); // Bouncy Castle encodes the characters as UTF-8
        return out;
    }
}
