package cn.xinan.device.deb;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package {@code mvn package} made, read back with {@code dpkg-deb}: its stable file name, what it
 * depends on (a Java 21 runtime that exists on Raspberry Pi OS bookworm and trixie: docs/device-install.md §2),
 * and that it installs every file the install guide names. Run by the {@code deb-package} execution in
 * device/pom.xml, right after jdeb, so {@code mvn verify} checks the package it just built.
 */
class DebPackageCheck {
    private static final Path DEB = Path.of(System.getProperty("deb.file", "target/xinan-device_0.1.0_all.deb"));

    private static String dpkgDeb(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("dpkg-deb"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    @Test
    void theFileNameIsTheReleaseWithoutABuildTimeAndTheVersionUpgradesEachBuild() throws Exception {
        String release = System.getProperty("deb.release");
        assertThat(System.getProperty("project.version")).as("deb.release in device/pom.xml").startsWith(release);
        assertThat(DEB.getFileName().toString()).isEqualTo("xinan-device_" + release + "_all.deb");
        assertThat(Files.isRegularFile(DEB)).isTrue();
        assertThat(dpkgDeb("-f", DEB.toString(), "Package").trim()).isEqualTo("xinan-device");
        assertThat(dpkgDeb("-f", DEB.toString(), "Architecture").trim()).isEqualTo("all");
        assertThat(dpkgDeb("-f", DEB.toString(), "Version").trim()).matches(java.util.regex.Pattern.quote(release)
                + "(~\\d{14})?");
    }

    @Test
    void itDependsOnAJava21RuntimeThatBookwormAndTrixieCanInstall() throws Exception {
        String depends = dpkgDeb("-f", DEB.toString(), "Depends").trim();
        String java = depends.split(",")[0];
        // trixie: Debian's own; bookworm (no openjdk-21): Adoptium's repository (arm64), as the guide says
        assertThat(java.split("\\|")).extracting(String::trim)
                .contains("openjdk-21-jre-headless", "temurin-21-jre", "temurin-21-jdk", "java21-runtime-headless");
        assertThat(depends).contains("systemd", "curl");
        assertThat(dpkgDeb("-f", DEB.toString(), "Recommends")).contains("chromium");
    }

    @Test
    void itInstallsTheFirmwareTheServiceAndTheKioskAutostart() throws Exception {
        String contents = dpkgDeb("-c", DEB.toString());
        assertThat(contents).containsPattern("-rwxr-xr-x .* \\./usr/bin/xinan-device\\n")
                .containsPattern("-rwxr-xr-x .* \\./usr/share/xinan-device/xinan-kiosk\\n")
                .containsPattern("\\./lib/systemd/system/xinan-device\\.service\\n")
                .containsPattern("\\./etc/xdg/autostart/xinan-kiosk\\.desktop\\n")
                .containsPattern("\\./etc/xinan/device\\.properties\\.example\\n")
                .containsPattern("\\./usr/share/xinan-device/lib/xinan-device-[^/]*\\.jar\\n")
                .containsPattern("\\./usr/share/xinan-device/lib/xinan-rules-[^/]*\\.jar\\n")
                .containsPattern("\\./usr/share/xinan-device/lib/picocli-[^/]*\\.jar\\n")
                .containsPattern("\\./usr/share/xinan-device/lib/sqlite-jdbc-[^/]*\\.jar\\n")
                .containsPattern("\\./var/lib/xinan/\\n");
        assertThat(contents).doesNotContain("selenium").doesNotContain("junit");
        String info = dpkgDeb("-I", DEB.toString());
        assertThat(info).contains("postinst").contains("prerm").contains("postrm").contains("conffiles");
    }
}
