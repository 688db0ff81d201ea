package cn.xinan.rules;

/** The verdict on a day or a week (docs/rules.md §5). */
public enum Verdict {
    /** Required and met. */
    MET,
    /** Required and not met, with data. */
    NOT_MET,
    /**
     * Required, but the device showed no sign of life at all in the unit: points at a broken device, not a
     * closed room. Counts as not met in every compliance rate.
     */
    NO_DATA,
    /** Nothing required (not a school day; a week without school days, or not assessed by the week policy). */
    NOT_REQUIRED;

    /** Whether the unit counts in a compliance rate's denominator. */
    public boolean isRequired() {
        return this != NOT_REQUIRED;
    }
}
