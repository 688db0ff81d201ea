package cn.xinan.event;

import java.util.Arrays;
import java.util.function.Function;

/** Looks up an enum constant by its wire name, with an error that names the value and the accepted ones. */
final class WireNames {
    private WireNames() {
    }

    static <E extends Enum<E>> E lookup(E[] values, Function<E, String> wireName, String name, String what) {
        for (E value : values) {
            if (wireName.apply(value).equals(name)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + name + "', expected one of "
                + Arrays.stream(values).map(wireName).toList());
    }
}
