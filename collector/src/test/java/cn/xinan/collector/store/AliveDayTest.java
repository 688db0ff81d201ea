package cn.xinan.collector.store;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AliveDayTest {
    private static final LocalDate DAY = LocalDate.of(2025, 3, 4);
    private static final Instant MIDNIGHT = Instant.parse("2025-03-03T16:00:00Z"); // 00:00 in Asia/Shanghai

    private static DeviceEvent heartbeat(long seq, long secondsAfterMidnight, boolean synced) {
        return new DeviceEvent("hb-" + seq, "dev-1", seq, MIDNIGHT.plusSeconds(secondsAfterMidnight), synced,
                new EventBody.Heartbeat());
    }

    @Test
    void heartbeatsAtMostThreeMinutesApartMakeOneSpanAndUnsynchronisedOnesAreOnlyCounted() {
        List<DeviceEvent> beats = new ArrayList<>();
        for (int m = 0; m < 10; m++) {
            beats.add(heartbeat(m + 1, 60L * m, true));
        }
        beats.add(heartbeat(11, 60L * 9 + 180, true)); // 3 min after the last: same span
        beats.add(heartbeat(12, 60L * 9 + 361, true)); // 181 s after: a new span
        beats.add(heartbeat(13, 60L * 20, false));
        beats.add(beats.get(3)); // delivered twice
        Collections.shuffle(beats, new Random(4));

        AliveDay day = AliveDay.of(DAY, beats);

        long m0 = MIDNIGHT.toEpochMilli();
        assertThat(day).isEqualTo(new AliveDay(DAY, 13, 1, List.of(new AliveDay.Span(m0, m0 + 720_000, 11),
                new AliveDay.Span(m0 + 901_000, m0 + 901_000, 1))));
        assertThat(AliveDay.decode(DAY, 13, 1, day.encodedSpans())).isEqualTo(day);
        assertThat(AliveDay.of(DAY, List.of())).isEqualTo(AliveDay.none(DAY));
        assertThat(AliveDay.decode(DAY, 0, 0, AliveDay.none(DAY).encodedSpans())).isEqualTo(AliveDay.none(DAY));
    }

    @Test
    void otherKindsOtherDatesAndCountsThatDoNotAddUpAreRefused() {
        assertThatThrownBy(() -> AliveDay.of(DAY, List.of(new DeviceEvent("b-1", "dev-1", 1, MIDNIGHT, true,
                new EventBody.Boot("power_on", null))))).hasMessageContaining("not a heartbeat");
        assertThatThrownBy(() -> AliveDay.of(DAY, List.of(heartbeat(1, -1, true)))).hasMessageContaining("is not on");
        assertThatThrownBy(() -> new AliveDay(DAY, 3, 1, List.of(new AliveDay.Span(0, 0, 1))))
                .hasMessageContaining("do not add up");
        assertThatThrownBy(() -> AliveDay.decode(DAY, 1, 0, "12*1")).hasMessageContaining("first+length*count");
    }
}
