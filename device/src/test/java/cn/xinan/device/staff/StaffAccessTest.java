package cn.xinan.device.staff;

import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.device.staff.StaffAccess.Login;
import cn.xinan.device.staff.StaffAccess.StaffPin;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StaffAccessTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Instant T0 = Instant.parse("2025-03-03T00:00:00Z");
    private final SimulatedClock clock = new SimulatedClock(T0);
    private final StaffAccess access = new StaffAccess(List.of(
            new StaffPin("T01", PinHash.of("2468", PinHash.MIN_ITERATIONS, RANDOM)),
            new StaffPin("T02", PinHash.of("1357", PinHash.MIN_ITERATIONS, RANDOM))),
            5, Duration.ofMinutes(5), clock, RANDOM);

    @Test
    void aPinIsStoredAsASaltedPbkdf2HashThatMatchesOnlyItself() {
        PinHash a = PinHash.of("2468", PinHash.MIN_ITERATIONS, RANDOM);
        PinHash b = PinHash.of("2468", PinHash.MIN_ITERATIONS, RANDOM);
        assertThat(a.encoded()).startsWith("pbkdf2-sha256$1000$").doesNotContain("2468");
        assertThat(a.encoded()).isNotEqualTo(b.encoded()); // fresh salt each time
        assertThat(PinHash.parse(a.encoded()).matches("2468")).isTrue();
        assertThat(PinHash.parse(a.encoded()).matches("2469")).isFalse();
        assertThat(a.toString()).doesNotContain(a.encoded().substring(20));
    }

    @Test
    void malformedHashesAndPinsAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> PinHash.parse("md5$abc")).hasMessageContaining("--hash-pin").hasMessageNotContaining("abc");
        assertThatThrownBy(() -> PinHash.parse("pbkdf2-sha256$10$AAAA$AAAA")).hasMessageContaining("at least 1000");
        assertThatThrownBy(() -> PinHash.of("12a4", PinHash.MIN_ITERATIONS, RANDOM)).hasMessageContaining("4 to 12 digits");
    }

    @Test
    void theRightPinOpensASessionForThatStaffMember() {
        Login login = access.login("1357");
        assertThat(login).isInstanceOf(Login.Granted.class);
        String token = ((Login.Granted) login).token();
        assertThat(((Login.Granted) login).staffCode()).isEqualTo("T02");
        assertThat(access.session(token)).contains("T02");
        access.logout(token);
        assertThat(access.session(token)).isEmpty();
    }

    @Test
    void aSessionEndsAfterTwoMinutesUnused() {
        String token = ((Login.Granted) access.login("2468")).token();
        clock.advanceTo(T0.plus(Duration.ofSeconds(119)));
        assertThat(access.session(token)).contains("T01"); // used: kept alive
        clock.advanceTo(T0.plus(Duration.ofSeconds(119 + 120)));
        assertThat(access.session(token)).isEmpty();
    }

    @Test
    void fiveWrongPinsLockStaffModeForFiveMinutesEvenForTheRightPin() {
        for (int left = 4; left >= 1; left--) {
            assertThat(access.login("0000")).isEqualTo(new Login.Refused(left));
        }
        assertThat(access.login("0000")).isEqualTo(new Login.Locked(Duration.ofMinutes(5)));
        clock.advanceTo(T0.plusSeconds(60));
        assertThat(access.login("2468")).isEqualTo(new Login.Locked(Duration.ofMinutes(4)));
        clock.advanceTo(T0.plusSeconds(300));
        assertThat(access.lockedFor()).isEmpty();
        assertThat(access.login("2468")).isInstanceOf(Login.Granted.class);
    }

    @Test
    void aRightPinResetsTheFailureCount() {
        access.login("0000");
        access.login("0000");
        access.login("2468");
        assertThat(access.login("0000")).isEqualTo(new Login.Refused(4));
    }
}
