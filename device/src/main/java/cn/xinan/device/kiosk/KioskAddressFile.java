package cn.xinan.device.kiosk;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * Tells the desktop's Chromium autostart where the kiosk listens. The configuration file holds the device's
 * private key and PIN hashes, so only the service user may read it; the kiosk's address is no secret, so the
 * firmware writes it to {@code kiosk-url} in its systemd runtime directory ({@code /run/xinan}, world-readable),
 * where {@code xinan-kiosk} reads it.
 */
public final class KioskAddressFile {
    public static final String FILE_NAME = "kiosk-url";

    private KioskAddressFile() {
    }

    /** The runtime directory systemd gives the service ({@code RUNTIME_DIRECTORY}, the first of several), if any. */
    public static Optional<Path> runtimeDirectory(Map<String, String> environment) {
        String value = environment.get("RUNTIME_DIRECTORY");
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(Path.of(value.split(":")[0]));
    }

    /** Writes {@code uri} to {@code directory/kiosk-url}, readable by everyone, replacing the file at once. */
    public static Path publish(URI uri, Path directory) throws IOException {
        Path target = directory.resolve(FILE_NAME);
        Path temp = Files.createTempFile(directory, FILE_NAME, ".tmp");
        try {
            Files.writeString(temp, uri + "\n", StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }
}
