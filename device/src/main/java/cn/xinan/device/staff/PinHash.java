package cn.xinan.device.staff;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A staff PIN as it is stored: PBKDF2 with HMAC-SHA-256 (the JDK's), a random 16-byte salt and an
 * iteration count, written {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} (Base64). The PIN itself is
 * never stored nor logged. {@code xinan-device --hash-pin} prints the line for a PIN.
 *
 * <p>Why PBKDF2 and 100,000 iterations: it is in every JDK (no native library on the Pi), and one
 * check costs about 50 ms on a desktop core and some hundreds of ms on a Pi 3: nothing for a staff
 * member at the door, slow enough for someone who copied the configuration file off a stolen
 * SD card to try all 10,000 four-digit PINs (minutes, not microseconds: PINs are short, so the
 * lockout at the kiosk is the main defence, and a stolen card calls for changing the PINs).
 */
public final class PinHash {
    public static final String SCHEME = "pbkdf2-sha256";
    public static final int DEFAULT_ITERATIONS = 100_000;
    /** Lowest iteration count accepted from a configuration file (tests use it to stay quick). */
    public static final int MIN_ITERATIONS = 1_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PinHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** Hashes a new PIN (4 to 12 digits) with a fresh salt. */
    public static PinHash of(String pin, int iterations, SecureRandom random) {
        checkPin(pin);
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be at least " + MIN_ITERATIONS + ", was " + iterations);
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new PinHash(iterations, salt, derive(pin, salt, iterations));
    }

    /** A PIN is 4 to 12 digits. */
    public static void checkPin(String pin) {
        Objects.requireNonNull(pin, "PIN is missing");
        if (!pin.matches("[0-9]{4,12}")) {
            throw new IllegalArgumentException("a PIN is 4 to 12 digits");
        }
    }

    /**
     * Reads the stored form.
     *
     * @throws IllegalArgumentException saying what is wrong (never echoing the text: it is a secret)
     */
    public static PinHash parse(String stored) {
        String[] parts = Objects.requireNonNull(stored, "PIN hash is missing").trim().split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            throw new IllegalArgumentException("not a PIN hash of the form " + SCHEME + "$ITERATIONS$SALT$HASH "
                    + "(make one with xinan-device --hash-pin)");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PIN hash: the iteration count is not a number");
        }
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("PIN hash: at least " + MIN_ITERATIONS + " iterations, was " + iterations);
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] hash = Base64.getDecoder().decode(parts[3]);
            if (salt.length < 8 || hash.length != HASH_BITS / 8) {
                throw new IllegalArgumentException("PIN hash: salt or hash has the wrong length");
            }
            return new PinHash(iterations, salt, hash);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PIN hash: salt or hash is not valid Base64 of the right length");
        }
    }

    /** Whether {@code pin} is this PIN (a constant-time comparison of the derived keys). */
    public boolean matches(String pin) {
        if (pin == null || pin.length() > 64) {
            return false;
        }
        return MessageDigest.isEqual(hash, derive(pin, salt, iterations));
    }

    /** The stored form. */
    public String encoded() {
        Base64.Encoder b64 = Base64.getEncoder();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    private static byte[] derive(String pin, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(pin.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** Masked: the hash is a secret too. */
    @Override
    public String toString() {
        return SCHEME + "$" + iterations + "$******";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PinHash p && p.iterations == iterations && Arrays.equals(p.salt, salt)
                && Arrays.equals(p.hash, hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }
}
