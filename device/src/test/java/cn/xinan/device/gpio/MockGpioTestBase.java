package cn.xinan.device.gpio;

import cn.xinan.device.sim.SimulatedClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Instant;

/** Each driver test gets a fresh Pi4J mock context and a simulated clock; the context is shut down after it. */
abstract class MockGpioTestBase {
    static final Instant T0 = Instant.parse("2025-03-03T00:00:00Z");
    protected Gpio gpio;
    protected SimulatedClock clock;

    @BeforeEach
    void createMockContext() {
        gpio = Gpio.simulated();
        clock = new SimulatedClock(T0);
    }

    @AfterEach
    void shutdownMockContext() {
        gpio.close();
    }

    protected Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    /** Moves the simulated clock to T0 + millis. */
    protected void clockAt(long millis) {
        clock.advanceTo(at(millis));
    }
}
