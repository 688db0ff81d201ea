package cn.xinan.device.gpio;

import cn.xinan.device.gpio.LevelFilter.Change;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LevelFilterTest {
    private static final Instant T0 = Instant.parse("2025-03-03T00:00:00Z");

    private static Instant at(long ms) {
        return T0.plusMillis(ms);
    }

    @Test
    void withoutDebounceOrHoldEveryChangePassesAtItsOwnTime() {
        LevelFilter f = new LevelFilter(Duration.ZERO, Duration.ZERO, false, T0);
        assertThat(f.raw(true, at(10))).containsExactly(new Change(true, at(10)));
        assertThat(f.raw(true, at(20))).isEmpty();
        assertThat(f.raw(false, at(30))).containsExactly(new Change(false, at(30)));
        assertThat(f.nextDeadline()).isEmpty();
    }

    @Test
    void aBounceShorterThanTheDebounceIsIgnored() {
        LevelFilter f = new LevelFilter(Duration.ofMillis(50), Duration.ZERO, false, T0);
        assertThat(f.raw(true, at(100))).isEmpty();
        assertThat(f.raw(false, at(120))).isEmpty();
        assertThat(f.advanceTo(at(1_000))).isEmpty();
        assertThat(f.active()).isFalse();
    }

    @Test
    void aChangeThatHoldsCountsWhenTheDebounceEnds() {
        LevelFilter f = new LevelFilter(Duration.ofMillis(50), Duration.ZERO, false, T0);
        f.raw(true, at(100));
        assertThat(f.nextDeadline()).contains(at(150));
        assertThat(f.advanceTo(at(149))).isEmpty();
        assertThat(f.advanceTo(at(150))).containsExactly(new Change(true, at(150)));
        assertThat(f.active()).isTrue();
    }

    @Test
    void aPirStaysOccupiedForTheHoldAfterItsLastActivation() {
        LevelFilter f = new LevelFilter(Duration.ZERO, Duration.ofSeconds(30), false, T0);
        assertThat(f.raw(true, at(0))).containsExactly(new Change(true, at(0)));
        assertThat(f.raw(false, at(2_000))).isEmpty();
        assertThat(f.nextDeadline()).contains(at(32_000));
        assertThat(f.raw(true, at(20_000))).isEmpty(); // re-triggered within the hold: no gap
        assertThat(f.raw(false, at(22_000))).isEmpty();
        assertThat(f.advanceTo(at(51_999))).isEmpty();
        assertThat(f.advanceTo(at(60_000))).containsExactly(new Change(false, at(52_000)));
    }

    @Test
    void debounceAndHoldEndInTimeOrderWithinOneAdvance() {
        LevelFilter f = new LevelFilter(Duration.ofMillis(100), Duration.ofSeconds(1), false, T0);
        f.raw(true, at(0));
        f.advanceTo(at(100));
        f.raw(false, at(500));
        assertThat(f.advanceTo(at(10_000))).containsExactly(new Change(false, at(1_600)));
    }

    @Test
    void remembersWhenTheRawInputLastChanged() {
        LevelFilter f = new LevelFilter(Duration.ofMillis(100), Duration.ofSeconds(1), false, T0);
        assertThat(f.lastRawChange()).isEqualTo(T0);
        f.raw(true, at(700));
        f.raw(true, at(900));
        assertThat(f.lastRawChange()).isEqualTo(at(700));
    }

    @Test
    void refusesNegativeDurations() {
        assertThatThrownBy(() -> new LevelFilter(Duration.ofMillis(-1), Duration.ZERO, false, T0))
                .hasMessageContaining("debounce must not be negative");
        assertThatThrownBy(() -> new LevelFilter(Duration.ZERO, Duration.ofMillis(-1), false, T0))
                .hasMessageContaining("hold must not be negative");
    }
}
