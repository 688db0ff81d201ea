package cn.xinan.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tiers, week policies and rule settings: parsed from their names, validated with the setting named. */
class SettingsAndTiersTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({"合格, QUALIFIED", "示范, DEMONSTRATION", "未评定, UNRATED", "qualified, QUALIFIED",
            "Demonstration, DEMONSTRATION", "' unrated ', UNRATED"})
    void aTierIsReadFromItsChineseOrEnglishName(String name, Tier tier) {
        assertThat(Tier.parse(name)).isEqualTo(tier);
    }

    @Test
    void anUnknownTierIsNamedInTheError() {
        assertThatThrownBy(() -> Tier.parse("优秀"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown room tier '优秀', expected one of 合格 (qualified), 示范 (demonstration), "
                        + "未评定 (unrated)");
    }

    @Test
    void weekPoliciesHaveWireNames() {
        assertThat(WeekPolicy.parse("prorate")).isEqualTo(WeekPolicy.PRORATE);
        assertThat(WeekPolicy.parse("full")).isEqualTo(WeekPolicy.FULL);
        assertThat(WeekPolicy.parse("skip")).isEqualTo(WeekPolicy.SKIP);
        assertThatThrownBy(() -> WeekPolicy.parse("sometimes"))
                .hasMessage("unknown weekPolicy 'sometimes', expected one of [prorate, full, skip]");
    }

    @Test
    void theDefaultsAreThoseOfRules() {
        RuleSettings defaults = RuleSettings.defaults();

        assertThat(defaults.ruleVersion()).isEqualTo(RuleSettings.DEFAULT_RULE_VERSION);
        assertThat(defaults.weekPolicy()).isEqualTo(WeekPolicy.PRORATE);
        assertThat(defaults.unattendedGapSeconds()).isEqualTo(1_800);
        for (Tier tier : Tier.values()) {
            assertThat(defaults.thresholdsFor(tier)).isEqualTo(new Thresholds(3_600, 36_000));
        }
    }

    @Test
    void invalidSettingsAreRejectedWithTheSettingNamed() {
        RuleSettings defaults = RuleSettings.defaults();

        assertThatThrownBy(() -> defaults.withUnattendedGapSeconds(0))
                .hasMessage("unattendedGapSeconds must be between 1 and 86400, was 0");
        assertThatThrownBy(() -> new Thresholds(-1, 36_000))
                .hasMessage("dailySeconds must be between 0 and 86400, was -1");
        assertThatThrownBy(() -> new Thresholds(3_600, 700_000))
                .hasMessage("weeklySeconds must be between 0 and 604800, was 700000");
        assertThatThrownBy(() -> defaults.withRuleVersion(" "))
                .hasMessage("ruleVersion is missing");
        assertThatThrownBy(() -> new RuleSettings("1", Map.of(Tier.QUALIFIED, Thresholds.DEFAULT),
                WeekPolicy.FULL, 1_800))
                .hasMessage("thresholds of tier 示范 (demonstration) is missing");
        assertThatThrownBy(() -> defaults.withWeekPolicy(null))
                .hasMessage("weekPolicy is missing");
    }
}
