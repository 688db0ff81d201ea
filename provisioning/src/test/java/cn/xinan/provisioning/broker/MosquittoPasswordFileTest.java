package cn.xinan.provisioning.broker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The password file as Mosquitto 2.0's own {@code mosquitto_passwd} writes it (run here when installed). */
class MosquittoPasswordFileTest {
    /** Written by {@code mosquitto_passwd -c -b pw dev-1 secret1} (Mosquitto 2.0.11): PBKDF2-SHA512, 101 iterations. */
    private static final String DEV_1 = "dev-1:$7$101$i1i7KKqQ6DGfw3x8$km7zRKuom4g1aBHdkSmn5/M8sGaR73vTSfOjB01pC4Q/"
            + "EM18794WEiNsKLmDnrQOTC20UXR3Qn1gMXLPEwxPmA==";

    @Test
    void aPasswordWrittenByMosquittoPasswdVerifiesAndNothingElseDoes() {
        MosquittoPasswordFile file = MosquittoPasswordFile.parse(List.of("# accounts", "", DEV_1), "pw");

        assertThat(file.verify("dev-1", "secret1")).isTrue();
        assertThat(file.verify("dev-1", "secret2")).isFalse();
        assertThat(file.verify("dev-1", "")).isFalse();
        assertThat(file.verify("dev-2", "secret1")).isFalse();
        assertThat(file.verify(null, "secret1")).isFalse();
        assertThat(file.users()).containsExactly("dev-1");
        assertThat(file.entry("dev-1").orElseThrow().iterations()).isEqualTo(101);
        assertThat(file.entry("dev-1").orElseThrow().algorithm()).isEqualTo(MosquittoPasswordFile.Algorithm.PBKDF2_SHA512);
    }

    @Test
    void aFileWrittenNowByTheInstalledMosquittoPasswdVerifies(@TempDir Path dir) throws IOException, InterruptedException {
        Path passwd = Path.of("/usr/bin/mosquitto_passwd");
        assertThat(Files.isExecutable(passwd)).as("mosquitto_passwd (Debian package mosquitto, installed by ./xinan test)").isTrue();
        Path pw = dir.resolve("pw");
        run(passwd.toString(), "-c", "-b", pw.toString(), "xinan-collector", "s3cret pass 心安");
        run(passwd.toString(), "-b", pw.toString(), "jm-db-001-r1-d1", "another");

        MosquittoPasswordFile file = MosquittoPasswordFile.read(pw);

        assertThat(file.verify("xinan-collector", "s3cret pass 心安")).isTrue();
        assertThat(file.verify("jm-db-001-r1-d1", "another")).isTrue();
        assertThat(file.verify("jm-db-001-r1-d1", "s3cret pass 心安")).isFalse();
    }

    @Test
    void theOlderSha512FormatVerifiesToo() throws Exception {
        byte[] salt = "0123456789ab".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-512");
        d.update("pw".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        d.update(salt);
        java.util.Base64.Encoder b = java.util.Base64.getEncoder();
        String line = "old:$6$" + b.encodeToString(salt) + "$" + b.encodeToString(d.digest());

        MosquittoPasswordFile file = MosquittoPasswordFile.parse(List.of(line), "pw");

        assertThat(file.verify("old", "pw")).isTrue();
        assertThat(file.verify("old", "pW")).isFalse();
    }

    @Test
    void aBrokenLineIsAnErrorNamingTheFileAndLine() {
        assertThatThrownBy(() -> MosquittoPasswordFile.parse(List.of(DEV_1, "dev-2:plaintext"), "passwd"))
                .isInstanceOf(BrokerFileException.class).hasMessageContaining("passwd line 2").hasMessageContaining("dev-2");
        assertThatThrownBy(() -> MosquittoPasswordFile.parse(List.of("no colon here"), "passwd"))
                .hasMessageContaining("passwd line 1: expected user:hash");
        assertThatThrownBy(() -> MosquittoPasswordFile.parse(List.of(DEV_1, DEV_1), "passwd"))
                .hasMessageContaining("appears twice");
        assertThatThrownBy(() -> MosquittoPasswordFile.parse(List.of("u:$7$101$!!$!!"), "passwd"))
                .hasMessageContaining("unreadable hash");
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }
}
