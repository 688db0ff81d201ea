package cn.xinan.rules;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The rating of a counseling room (docs/rules.md §5): thresholds can differ per tier.
 *
 * <p>Files and reports use the Chinese name ({@code 合格}); the English word ({@code qualified}) is
 * accepted as input too.
 */
public enum Tier {
    /** 合格: a qualified room. */
    QUALIFIED("合格", "qualified"),
    /** 示范: a demonstration room. */
    DEMONSTRATION("示范", "demonstration"),
    /** 未评定: not rated yet. */
    UNRATED("未评定", "unrated");

    private final String chineseName;
    private final String englishName;

    Tier(String chineseName, String englishName) {
        this.chineseName = chineseName;
        this.englishName = englishName;
    }

    /** The name used in ROOMS.csv and RESULT.json, for example {@code 合格}. */
    public String chineseName() {
        return chineseName;
    }

    /** The English word, for example {@code qualified}. */
    public String englishName() {
        return englishName;
    }

    /**
     * Reads a tier from its Chinese name or its English word (case-insensitive); surrounding blanks
     * are ignored.
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static Tier parse(String value) {
        if (value != null) {
            String word = value.strip();
            for (Tier tier : values()) {
                if (tier.chineseName.equals(word) || tier.englishName.equalsIgnoreCase(word)) {
                    return tier;
                }
            }
        }
        throw new IllegalArgumentException("unknown room tier " + (value == null ? "null" : "'" + value + "'")
                + ", expected one of " + Arrays.stream(values())
                .map(t -> t.chineseName + " (" + t.englishName + ")").collect(Collectors.joining(", ")));
    }
}
