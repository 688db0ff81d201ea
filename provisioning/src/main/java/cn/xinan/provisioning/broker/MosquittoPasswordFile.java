package cn.xinan.provisioning.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Mosquitto's password file, as {@code mosquitto_passwd} 2.0 writes it: one {@code user:hash} per line, the hash
 * either {@code $7$iterations$salt$hash} (PBKDF2-HMAC-SHA512, Base64 salt and 64-byte hash; what 2.0 writes) or
 * {@code $6$salt$hash} (SHA-512 of password then salt; what 1.x wrote and 2.0 still reads). Blank lines and lines
 * starting with {@code #} are skipped. Read-only: parsing and verifying; immutable and thread-safe.
 */
public final class MosquittoPasswordFile {
    /** One user's entry. {@code iterations} is 1 for {@code $6$}. */
    public record Entry(String user, Algorithm algorithm, int iterations, byte[] salt, byte[] hash) {
        public Entry {
            Objects.requireNonNull(user, "user is missing");
            Objects.requireNonNull(algorithm, "algorithm is missing");
            if (iterations < 1) {
                throw new IllegalArgumentException("iterations must be at least 1, was " + iterations);
            }
            salt = salt.clone();
            hash = hash.clone();
        }

        @Override
        public byte[] salt() {
            return salt.clone();
        }

        @Override
        public byte[] hash() {
            return hash.clone();
        }

        /** Whether {@code password} hashes to this entry's hash (compared in constant time). */
        public boolean matches(String password) {
            byte[] candidate = algorithm.hash(password.getBytes(StandardCharsets.UTF_8), salt, iterations, hash.length);
            return MessageDigest.isEqual(candidate, hash);
        }
    }

    /** The hash functions Mosquitto's password file uses. */
    public enum Algorithm {
        /** {@code $6$}: SHA-512(password ‖ salt). */
        SHA512 {
            @Override
            byte[] hash(byte[] password, byte[] salt, int iterations, int length) {
                try {
                    MessageDigest d = MessageDigest.getInstance("SHA-512");
                    d.update(password);
                    d.update(salt);
                    return d.digest();
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("SHA-512 is missing from this JVM", e);
                }
            }
        },
        /** {@code $7$}: PBKDF2-HMAC-SHA512. */
        PBKDF2_SHA512 {
            @Override
            byte[] hash(byte[] password, byte[] salt, int iterations, int length) {
                // PBEKeySpec takes chars; PBKDF2WithHmacSHA512 encodes them as UTF-8, so decode the UTF-8 bytes first
                char[] chars = new String(password, StandardCharsets.UTF_8).toCharArray();
                try {
                    return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                            .generateSecret(new PBEKeySpec(chars, salt, iterations, length * 8)).getEncoded();
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("PBKDF2WithHmacSHA512 is missing from this JVM", e);
                }
            }
        };

        abstract byte[] hash(byte[] password, byte[] salt, int iterations, int length);
    }

    private final Map<String, Entry> entries;

    private MosquittoPasswordFile(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /** Reads a password file (UTF-8). @throws BrokerFileException naming the file and line */
    public static MosquittoPasswordFile read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new BrokerFileException(file + ": cannot read the password file: " + e.getMessage(), e);
        }
    }

    /** Parses the lines of a password file; {@code source} names it in errors. */
    public static MosquittoPasswordFile parse(List<String> lines, String source) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + " line " + (i + 1);
            int colon = line.indexOf(':');
            if (colon < 1) {
                throw new BrokerFileException(where + ": expected user:hash");
            }
            String user = line.substring(0, colon);
            if (entries.containsKey(user)) {
                throw new BrokerFileException(where + ": user '" + user + "' appears twice");
            }
            entries.put(user, entry(user, line.substring(colon + 1), where));
        }
        return new MosquittoPasswordFile(Map.copyOf(entries));
    }

    private static Entry entry(String user, String hash, String where) {
        String[] parts = hash.split("\\$", -1);
        Base64.Decoder b64 = Base64.getDecoder();
        try {
            if (parts.length == 5 && parts[0].isEmpty() && parts[1].equals("7")) {
                int iterations = Integer.parseInt(parts[2]);
                return new Entry(user, Algorithm.PBKDF2_SHA512, iterations, b64.decode(parts[3]), b64.decode(parts[4]));
            }
            if (parts.length == 4 && parts[0].isEmpty() && parts[1].equals("6")) {
                return new Entry(user, Algorithm.SHA512, 1, b64.decode(parts[2]), b64.decode(parts[3]));
            }
        } catch (IllegalArgumentException e) {
            throw new BrokerFileException(where + ": user '" + user + "': unreadable hash (" + e.getMessage() + ")");
        }
        throw new BrokerFileException(where + ": user '" + user + "': expected a $7$iterations$salt$hash or $6$salt$hash"
                + " hash as mosquitto_passwd writes");
    }

    /** Whether {@code user} is in the file and {@code password} is theirs. */
    public boolean verify(String user, String password) {
        if (user == null || password == null) {
            return false;
        }
        Entry e = entries.get(user);
        return e != null && e.matches(password);
    }

    public Optional<Entry> entry(String user) {
        return Optional.ofNullable(entries.get(user));
    }

    public Set<String> users() {
        return entries.keySet();
    }
}
