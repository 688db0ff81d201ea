package cn.xinan.provisioning.broker;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Mosquitto 2's password hash, as {@code mosquitto_passwd} writes it: {@code $7$ITERATIONS$SALT$HASH}, PBKDF2 with
 * HMAC-SHA512, a 12-byte random salt and a 64-byte result, both in standard Base64. Only this hash is ever stored
 * (in the registry and in the broker's password file); the password itself goes once into the device's bundle.
 */
public final class MosquittoPasswordHash {
    /** mosquitto_passwd's default; the passwords are random (see {@link #newPassword}), so the count adds nothing. */
    public static final int ITERATIONS = 101;
    private static final int SALT_BYTES = 12;
    private static final int HASH_BYTES = 64;
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    private MosquittoPasswordHash() {
    }

    /** A random password of 24 characters from 57 unambiguous ones (about 140 bits). */
    public static String newPassword(SecureRandom random) {
        char[] out = new char[24];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }

    public static String hash(String password, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return "$7$" + ITERATIONS + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(pbkdf2(password, salt, ITERATIONS));
    }

    /** Whether {@code password} matches a {@code $7$} hash (the check Mosquitto makes at CONNECT). */
    public static boolean matches(String password, String hash) {
        String[] parts = hash.split("\\$");
        if (parts.length != 5 || !parts[0].isEmpty() || !parts[1].equals("7")) {
            throw new IllegalArgumentException("not a Mosquitto $7$ hash");
        }
        int iterations;
        byte[] salt;
        byte[] expected;
        try {
            iterations = Integer.parseInt(parts[2]);
            salt = Base64.getDecoder().decode(parts[3]);
            expected = Base64.getDecoder().decode(parts[4]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a Mosquitto $7$ hash: " + e.getMessage(), e);
        }
        return java.security.MessageDigest.isEqual(expected, pbkdf2(password, salt, iterations));
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BYTES * 8);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is part of every JDK", e);
        }
    }
}
