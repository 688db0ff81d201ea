package cn.xinan.dashboards;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The field checker itself: it must see what a query reads, and refuse what it cannot see through. */
class InfluxQlIdentifiersTest {
    @Test
    void readsTheMeasurementAndEveryQuotedTagAndFieldButNotAliases() {
        var ref = InfluxQlIdentifiers.read("SELECT last(\"seq\") AS \"last seq\" FROM \"$rp\".\"events\" WHERE "
                + "\"device\" =~ /^$device$/ AND \"kind\" = 'a \"quoted\" string' AND $timeFilter GROUP BY \"room\"");

        assertThat(ref.retentionPolicy()).isEqualTo("$rp");
        assertThat(ref.measurement()).isEqualTo("events");
        assertThat(ref.identifiers()).containsExactly("seq", "device", "kind", "room");
    }

    @Test
    void aSlashDividesUnlessItFollowsARegexOperator() {
        var ref = InfluxQlIdentifiers.read("SELECT sum(\"met\") / sum(\"required\") FROM \"$rp\".\"room_day\" WHERE "
                + "\"county\" =~ /^$county$/ AND \"school\" !~ /x\\/y/ AND $timeFilter GROUP BY \"county\"");

        assertThat(ref.measurement()).isEqualTo("room_day");
        assertThat(ref.identifiers()).containsExactly("met", "required", "county", "school", "county");
    }

    @Test
    void aFieldOutsideTheShownSetIsVisible() {
        var ref = InfluxQlIdentifiers.read("SELECT \"kind\", \"staff\", \"id\" FROM \"$rp\".\"events\" WHERE $timeFilter");

        assertThat(ref.identifiers()).contains("staff", "id");
        assertThat(InfluxQlIdentifiers.FIELDS_SHOWN.get("events")).doesNotContain("staff", "id", "sig");
    }

    @Test
    void refusesSelectStarUnquotedNamesAndAnUnqualifiedMeasurement() {
        assertThatThrownBy(() -> InfluxQlIdentifiers.read("SELECT * FROM \"$rp\".\"events\""))
                .hasMessageContaining("SELECT *");
        assertThatThrownBy(() -> InfluxQlIdentifiers.read("SELECT staff FROM \"$rp\".\"events\""))
                .hasMessageContaining("bare word 'staff'");
        assertThatThrownBy(() -> InfluxQlIdentifiers.read("SELECT count(\"seq\") FROM \"events\" WHERE \"room\" = 'x'"))
                .hasMessageContaining("retention policy");
    }
}
