package cn.xinan.collector.api;

import io.helidon.webserver.http.ServerRequest;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Query parameters read strictly: a missing or malformed one is a {@link BadParameterException} naming it. */
final class Parameters {
    private Parameters() {
    }

    static LocalDate date(ServerRequest req, String name) {
        String text = req.query().first(name).asOptional()
                .orElseThrow(() -> new BadParameterException(name, "query parameter '" + name
                        + "' is missing (a date, YYYY-MM-DD)"));
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadParameterException(name, "query parameter '" + name + "' is '" + text
                    + "', expected a date YYYY-MM-DD");
        }
    }

    static int integer(ServerRequest req, String name, int defaultValue, int min, int max) {
        var value = req.query().first(name).asOptional();
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value.get());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new BadParameterException(name, "query parameter '" + name + "' is '" + value.get()
                    + "', expected a whole number from " + min + " to " + max);
        }
    }

    static List<String> all(ServerRequest req, String name) {
        return req.query().contains(name) ? req.query().all(name) : List.of();
    }
}
