package cn.xinan.launcher.replay;

import cn.xinan.collector.broker.BrokerAccessFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Broker accounts for the simulated devices and the collector of {@code xinan demo} and {@code xinan replay}: a
 * Mosquitto password file ({@code $7$}, PBKDF2-SHA512 as {@code mosquitto_passwd} 2.0 writes) with a random password
 * per account, and the ACL of docs/collector.md, which the embedded broker enforces as a Mosquitto would.
 */
public record SimulatedBrokerAccounts(BrokerAccessFiles files, String collectorUser, String collectorPassword,
                                      Map<String, String> devicePasswords) {
    public static final String COLLECTOR_USER = "xinan-collector";
    /** The rules every set-up uses (docs/collector.md, "Broker access"). */
    public static final List<String> ACL = List.of(
            "# Xin'an broker ACL (Mosquitto format): collectors read events and status, write ack and resend;",
            "# each device writes only its own events and status and reads only its own ack and resend.",
            "user " + COLLECTOR_USER,
            "topic read +/events",
            "topic read +/status",
            "topic readwrite +/ack",
            "topic write +/resend",
            "",
            "pattern write %u/events",
            "pattern write %u/status",
            "pattern read %u/ack",
            "pattern read %u/resend");

    public SimulatedBrokerAccounts {
        devicePasswords = Map.copyOf(devicePasswords);
    }

    /** Writes {@code dir/passwd} and {@code dir/acl} for these devices (a random password each) and the collector. */
    public static SimulatedBrokerAccounts write(Path dir, List<String> deviceIds) {
        SecureRandom random = new SecureRandom();
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String id : deviceIds) {
            passwords.put(id, password(random));
        }
        return write(dir, passwords);
    }

    /** Writes {@code dir/passwd} and {@code dir/acl} for devices whose passwords are known (device id → password). */
    public static SimulatedBrokerAccounts write(Path dir, Map<String, String> devicePasswords) {
        SecureRandom random = new SecureRandom();
        Map<String, String> passwords = new LinkedHashMap<>(devicePasswords);
        StringBuilder passwd = new StringBuilder();
        String collectorPassword = password(random);
        passwd.append(line(COLLECTOR_USER, collectorPassword, random));
        passwords.forEach((id, p) -> passwd.append(line(id, p, random)));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("passwd"), passwd, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("acl"), String.join("\n", ACL) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broker accounts into " + dir, e);
        }
        return new SimulatedBrokerAccounts(new BrokerAccessFiles(dir.resolve("passwd"), dir.resolve("acl")), COLLECTOR_USER,
                collectorPassword, passwords);
    }

    private static String password(SecureRandom random) {
        byte[] b = new byte[18];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String line(String user, String password, SecureRandom random) {
        byte[] salt = new byte[12];
        random.nextBytes(salt);
        int iterations = 101; // mosquitto_passwd's default
        try {
            byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 512)).getEncoded();
            Base64.Encoder b64 = Base64.getEncoder();
            return user + ":$7$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash) + "\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is missing from this JVM", e);
        }
    }
}
