package cn.xinan.provisioning;

import cn.xinan.provisioning.broker.TestCertificates;
import cn.xinan.wire.Ed25519Keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a Pi needs from the bureau, in one folder to copy onto its card (docs/device-install.md):
 * {@code device.properties} (the keys docs/device.md describes: id, private key, broker URL and password, outbox,
 * room name), the district CA's certificate {@code ca.crt} when the broker uses TLS, and {@code SHA256SUMS}
 * ({@code sha256sum -c SHA256SUMS} checks the copy). The folder is readable by its owner only: it holds the
 * device's secrets, which the registry never keeps.
 *
 * @param deviceId   the device
 * @param dir        the bundle's folder
 * @param privateKey the device's signing key (also in {@code device.properties})
 * @param password   the device's broker password (also in {@code device.properties})
 */
public record DeviceBundle(String deviceId, Path dir, Ed25519Keys.PrivateKey privateKey, String password) {
    public static final String PROPERTIES = "device.properties";
    public static final String CHECKSUMS = "SHA256SUMS";
    /** Where the Debian package keeps the outbox (device/src/deb/files/device.properties.example). */
    public static final String OUTBOX_PATH = "/var/lib/xinan/outbox.db";

    public DeviceBundle {
        Objects.requireNonNull(deviceId, "device id is missing");
        Objects.requireNonNull(dir, "bundle folder is missing");
        Objects.requireNonNull(privateKey, "private key is missing");
        Objects.requireNonNull(password, "password is missing");
    }

    /** Writes the bundle's files; {@code caCert} is copied in when present. */
    static DeviceBundle write(Path dir, String deviceId, Ed25519Keys.PrivateKey key, String password, String brokerUrl,
                              String roomName, Optional<Path> caCert) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Map<String, String> props = new LinkedHashMap<>();
            props.put("device.id", deviceId);
            props.put("device.privateKey", key.toBase64());
            props.put("mqtt.url", brokerUrl);
            props.put("mqtt.password", password);
            props.put("outbox.path", OUTBOX_PATH);
            props.put("room.name", roomName);
            StringBuilder text = new StringBuilder()
                    .append("# Xin'an device ").append(deviceId).append(", made by `xinan provision` (docs/provisioning.md).\n")
                    .append("# Secret: the private key and the broker password. Install as /etc/xinan/device.properties,\n")
                    .append("# owner root:xinan, mode 640 (docs/device-install.md). Every key: docs/device.md.\n");
            props.forEach((k, v) -> text.append(k).append('=').append(escape(v)).append('\n'));
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put(PROPERTIES, text.toString().getBytes(StandardCharsets.UTF_8));
            if (caCert.isPresent()) {
                files.put(TestCertificates.CA_CERT, Files.readAllBytes(caCert.get()));
            } else {
                Files.deleteIfExists(dir.resolve(TestCertificates.CA_CERT));
            }
            StringBuilder sums = new StringBuilder();
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path file = dir.resolve(f.getKey());
                Files.deleteIfExists(file);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(file, f.getValue());
                sums.append(sha256(f.getValue())).append("  ").append(f.getKey()).append('\n');
            }
            Files.writeString(dir.resolve(CHECKSUMS), sums);
            return new DeviceBundle(deviceId, dir, key, password);
        } catch (IOException e) {
            throw new RegistryException("cannot write the bundle of " + deviceId + " to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** What a bundle still in {@code bundles/DEVICE} holds that the registry does not: the device's secrets. */
    record Contents(Ed25519Keys.PrivateKey key, String password, String brokerUrl) {
        Contents {
            Objects.requireNonNull(key, "private key is missing");
            Objects.requireNonNull(password, "password is missing");
            Objects.requireNonNull(brokerUrl, "broker URL is missing");
        }
    }

    /**
     * Reads the key, broker password and broker URL of the bundle in {@code dir}, if its {@code device.properties}
     * is there (a bundle is deleted once installed).
     *
     * @throws RegistryException when the file is there but is not a bundle of {@code deviceId}
     */
    static Optional<Contents> read(Path dir, String deviceId) {
        Path file = dir.resolve(PROPERTIES);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new RegistryException("cannot read the bundle " + file + ": " + e.getMessage(), e);
        }
        if (!deviceId.equals(p.getProperty("device.id")) || p.getProperty("mqtt.password") == null
                || p.getProperty("mqtt.url") == null || p.getProperty("device.privateKey") == null) {
            throw new RegistryException(file + " is not the bundle of device " + deviceId
                    + " (device.id, device.privateKey, mqtt.url, mqtt.password); delete or restore it");
        }
        try {
            return Optional.of(new Contents(Ed25519Keys.privateKeyFromBase64(p.getProperty("device.privateKey")),
                    p.getProperty("mqtt.password"), p.getProperty("mqtt.url")));
        } catch (IllegalArgumentException e) {
            throw new RegistryException(file + ", device.privateKey: " + e.getMessage(), e);
        }
    }

    /** Java properties escaping of a value (read as UTF-8 by the device): only what a value needs. */
    private static String escape(String value) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case ' ' -> b.append(i == 0 ? "\\ " : " ");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
