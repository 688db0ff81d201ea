package cn.xinan.launcher.provision;

import cn.xinan.launcher.UserInputException;
import cn.xinan.provisioning.District;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Properties;

/** The district folder every provisioning command works on, and what they share. */
final class DistrictOptions {
    /** Dates without a time are local days in the district's time zone. */
    static final ZoneId LOCAL = ZoneId.of("Asia/Shanghai");
    static final String SETTINGS_FILE = "district.properties";
    static final String BROKER_URL = "broker.url";

    @Option(names = {"-d", "--district"}, required = true, paramLabel = "DIR",
            description = "the district folder (created by the first import)")
    Path dir;

    District open() {
        return District.open(dir, Clock.systemUTC(), new SecureRandom());
    }

    /** {@code 2026-03-01} (00:00 local), {@code 2026-03-01T08:00:00+08:00} or {@code 2026-03-01T00:00:00Z}. */
    static Instant when(String option, String text) {
        try {
            return LocalDate.parse(text).atStartOfDay(LOCAL).toInstant();
        } catch (DateTimeParseException notADate) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw new UserInputException(option + " '" + text + "' is not a date (2026-03-01, 00:00 Beijing time) "
                        + "or a date and time with its offset (2026-03-01T08:00:00+08:00)");
            }
        }
    }

    /** The broker URL devices use: {@code --broker-url}, or what {@code provision broker} recorded. */
    String brokerUrl(String given) {
        if (given != null) {
            return given;
        }
        return settings().map(p -> p.getProperty(BROKER_URL)).orElseThrow(() -> new UserInputException(
                "no broker URL: run `xinan provision broker` first, or give --broker-url ssl://HOST:8883"));
    }

    Optional<Properties> settings() {
        Path file = dir.resolve(SETTINGS_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UserInputException("cannot read " + file + ": " + e.getMessage());
        }
        return Optional.of(p);
    }

    void saveSetting(String key, String value) {
        Properties p = settings().orElseGet(Properties::new);
        p.setProperty(key, value);
        try {
            Files.createDirectories(dir);
            try (Writer w = Files.newBufferedWriter(dir.resolve(SETTINGS_FILE), StandardCharsets.UTF_8)) {
                p.store(w, "xinan provision: district settings");
            }
        } catch (IOException e) {
            throw new UserInputException("cannot write " + dir.resolve(SETTINGS_FILE) + ": " + e.getMessage());
        }
    }
}
