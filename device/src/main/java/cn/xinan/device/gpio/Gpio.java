package cn.xinan.device.gpio;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInputProvider;
import com.pi4j.io.gpio.digital.DigitalOutputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The device's Pi4J context: the gpiod provider on a Raspberry Pi, or Pi4J's mock plugin in
 * simulated mode (the same driver code runs on both). Never falls back from one to the other: no
 * hardware without {@code --simulate} is an error.
 */
public final class Gpio implements AutoCloseable {
    /** Where Linux exposes GPIO controllers as character devices ({@code /dev/gpiochip0}, …). */
    public static final Path DEFAULT_DEVICE_DIR = Path.of("/dev");

    private final Context context;
    private final Class<? extends DigitalInputProvider> inputProvider;
    private final Class<? extends DigitalOutputProvider> outputProvider;
    private final boolean simulated;

    private Gpio(Context context, Class<? extends DigitalInputProvider> inputProvider,
                 Class<? extends DigitalOutputProvider> outputProvider, boolean simulated) {
        this.context = context;
        this.inputProvider = inputProvider;
        this.outputProvider = outputProvider;
        this.simulated = simulated;
    }

    /** A private mock context: pins are set by the simulation ({@link PresenceInput#simulate}). */
    public static Gpio simulated() {
        Context context = Pi4J.newContextBuilder()
                .add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance())
                .add(MockDigitalOutputProvider.newInstance())
                .build();
        return new Gpio(context, MockDigitalInputProvider.class, MockDigitalOutputProvider.class, true);
    }

    /**
     * The Pi's GPIO through libgpiod.
     *
     * @param deviceDir where to look for {@code gpiochip*} devices ({@link #DEFAULT_DEVICE_DIR} on a Pi)
     * @throws GpioUnavailableException when there is no GPIO controller, pointing to {@code --simulate}
     */
    public static Gpio hardware(Path deviceDir) {
        Objects.requireNonNull(deviceDir, "device directory is missing");
        if (!hasGpioChip(deviceDir)) {
            throw new GpioUnavailableException("no GPIO hardware: found no gpiochip device in " + deviceDir
                    + " (this is not a Raspberry Pi, or the GPIO driver is not loaded). To run without hardware, "
                    + "start with --simulate.", null);
        }
        try {
            Context context = Pi4J.newContextBuilder()
                    .add(GpioDDigitalInputProvider.newInstance())
                    .add(GpioDDigitalOutputProvider.newInstance())
                    .build();
            return new Gpio(context, GpioDDigitalInputProvider.class, GpioDDigitalOutputProvider.class, false);
        } catch (RuntimeException | LinkageError e) {
            throw new GpioUnavailableException("cannot open the GPIO hardware through libgpiod: " + e.getMessage()
                    + ". To run without hardware, start with --simulate.", e);
        }
    }

    private static boolean hasGpioChip(Path deviceDir) {
        if (!Files.isDirectory(deviceDir)) {
            return false;
        }
        try (DirectoryStream<Path> chips = Files.newDirectoryStream(deviceDir, "gpiochip*")) {
            return chips.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    public Context context() {
        return context;
    }

    Class<? extends DigitalInputProvider> inputProvider() {
        return inputProvider;
    }

    Class<? extends DigitalOutputProvider> outputProvider() {
        return outputProvider;
    }

    public boolean isSimulated() {
        return simulated;
    }

    /** Shuts the Pi4J context down (releases the pins). Idempotent. */
    @Override
    public void close() {
        if (!context.isShutdown()) {
            context.shutdown();
        }
    }
}
