package cn.xinan.collector.audit;

import cn.xinan.collector.CollectorConfig;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.wire.Ed25519Keys;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * The collector's own Ed25519 key, which signs the manifest of every evidence bundle. Kept in a file holding
 * the Base64 of the 32-byte private seed (owner read/write only), created on first start when missing.
 */
public final class CollectorKey {
    /** The file name in the collector's data folder. */
    public static final String FILE_NAME = "collector-audit.key";

    private final byte[] seed;
    private final Ed25519Keys.PublicKey publicKey;
    private final Path file;

    private CollectorKey(byte[] seed, Path file) {
        if (seed.length != Ed25519.SECRET_KEY_SIZE) {
            throw new IllegalArgumentException(file + ": an Ed25519 private key has " + Ed25519.SECRET_KEY_SIZE
                    + " bytes, the file holds " + seed.length);
        }
        this.seed = seed.clone();
        byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(this.seed, 0, pk, 0);
        this.publicKey = new Ed25519Keys.PublicKey(pk);
        this.file = file;
    }

    /**
     * The data folder's key file: next to the SQLite store, else in the embedded broker's data folder, else
     * in the registry folder.
     */
    public static Path defaultFile(CollectorConfig config) {
        if (config.store() instanceof StoreSettings.Sqlite sqlite) {
            Path parent = sqlite.path().toAbsolutePath().getParent();
            return parent.resolve(FILE_NAME);
        }
        return config.broker().map(b -> b.dataDir().resolve(FILE_NAME)).orElse(config.registryDir().resolve(FILE_NAME));
    }

    /**
     * Reads the key from {@code file}, or creates a new one there (and its folder) when the file does not exist.
     *
     * @throws UncheckedIOException naming the file when it cannot be read or written
     * @throws IllegalArgumentException naming the file when it does not hold a key
     */
    public static CollectorKey loadOrCreate(Path file, SecureRandom random) {
        Objects.requireNonNull(file, "key file is missing");
        try {
            if (Files.exists(file)) {
                return read(file);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
            Ed25519.generatePrivateKey(random, seed);
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), FILE_NAME, ".tmp");
            try {
                restrict(tmp);
                Files.writeString(tmp, Base64.getEncoder().encodeToString(seed) + "\n", StandardCharsets.US_ASCII);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException raced) {
                Files.deleteIfExists(tmp);
                return read(file);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return new CollectorKey(seed, file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read or create the collector's audit key: " + e.getMessage(), e);
        }
    }

    private static CollectorKey read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            return new CollectorKey(Base64.getDecoder().decode(text), file);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not a collector audit key (Base64 of 32 bytes): " + e.getMessage(), e);
        }
    }

    private static void restrict(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    public Ed25519Keys.PublicKey publicKey() {
        return publicKey;
    }

    public Path file() {
        return file;
    }

    /** The Ed25519 signature of {@code message}. */
    public byte[] sign(byte[] message) {
        byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(seed, 0, publicKey.bytes(), 0, message, 0, message.length, sig, 0);
        return sig;
    }

    /** Whether {@code signature} is {@code key}'s Ed25519 signature of {@code message}. */
    public static boolean verify(Ed25519Keys.PublicKey key, byte[] message, byte[] signature) {
        return signature != null && signature.length == Ed25519.SIGNATURE_SIZE
                && Ed25519.verify(signature, 0, key.bytes(), 0, message, 0, message.length);
    }

    @Override
    public String toString() {
        return "CollectorKey[public=" + publicKey.toBase64() + ", file=" + file + "]";
    }
}
