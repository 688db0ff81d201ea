package cn.xinan.device.kiosk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KioskAddressFileTest {
    @TempDir
    Path dir;

    @Test
    void theKioskAddressIsWrittenForEveryoneToReadAndReplacedOnTheNextStart() throws IOException {
        Path file = KioskAddressFile.publish(URI.create("http://127.0.0.1:8123/"), dir);
        assertThat(file).isEqualTo(dir.resolve("kiosk-url")).hasContent("http://127.0.0.1:8123/");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");

        KioskAddressFile.publish(URI.create("http://127.0.0.1:9000/"), dir);
        assertThat(file).hasContent("http://127.0.0.1:9000/");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void theRuntimeDirectoryComesFromSystemd() {
        assertThat(KioskAddressFile.runtimeDirectory(Map.of("RUNTIME_DIRECTORY", "/run/xinan"))).contains(Path.of("/run/xinan"));
        assertThat(KioskAddressFile.runtimeDirectory(Map.of("RUNTIME_DIRECTORY", "/run/xinan:/run/other"))).contains(Path.of("/run/xinan"));
        assertThat(KioskAddressFile.runtimeDirectory(Map.of())).isEmpty();
    }
}
