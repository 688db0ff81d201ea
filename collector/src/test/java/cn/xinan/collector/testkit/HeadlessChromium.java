package cn.xinan.collector.testkit;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * Debian's Chromium, headless, driven by its ChromeDriver, with a profile of its own in a temporary folder that
 * {@link #close()} removes: the browser the web UI's tests sign in with.
 */
public final class HeadlessChromium implements AutoCloseable {
    private final Path profile;
    private final ChromeDriver driver;

    /** @param width the window's width and {@code height} its height, in CSS pixels */
    public HeadlessChromium(String name, int width, int height) throws IOException {
        this.profile = Files.createTempDirectory(name);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        this.driver = new ChromeDriver(service, options);
    }

    public ChromeDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("removing the browser profile " + profile + " failed", e);
        }
    }
}
