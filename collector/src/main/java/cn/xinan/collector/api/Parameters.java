package cn.xinan.collector.api;

import io.helidon.webserver.http.ServerRequest;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Query parameters read strictly: a missing or malformed one is a {@link BadParameterException} naming it. */
final class Parameters {
    /**
     * Dates the API answers for: the system's years (no device time before 2020 is plausible, none after 2099 is
     * storable, docs/collector.md). Outside, a date is a 400 naming the parameter, never a computation that fails
     * (year -1 or +10000 once gave a 500).
     */
    static final LocalDate EARLIEST_DATE = LocalDate.of(2000, 1, 1);
    static final LocalDate LATEST_DATE = LocalDate.of(2099, 12, 31);

    private Parameters() {
    }

    static LocalDate date(ServerRequest req, String name) {
        String text = req.query().first(name).asOptional()
                .orElseThrow(() -> new BadParameterException(name, "query parameter '" + name
                        + "' is missing (a date, YYYY-MM-DD)"));
        LocalDate date;
        try {
            date = LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadParameterException(name, "query parameter '" + name + "' is '" + clip(text)
                    + "', expected a date YYYY-MM-DD");
        }
        if (date.isBefore(EARLIEST_DATE) || date.isAfter(LATEST_DATE)) {
            throw new BadParameterException(name, "query parameter '" + name + "' is " + date + ", expected a date from "
                    + EARLIEST_DATE + " to " + LATEST_DATE);
        }
        return date;
    }

    /**
     * {@code from} and {@code to}: dates, {@code to} not before {@code from}, at most
     * {@link cn.xinan.collector.verdict.VerdictService#MAX_PERIOD_DAYS} days.
     */
    static LocalDate[] period(ServerRequest req) {
        LocalDate from = date(req, "from");
        LocalDate to = date(req, "to");
        if (to.isBefore(from)) {
            throw new BadParameterException("to", "query parameter 'to' (" + to + ") is before 'from' (" + from + ")");
        }
        if (java.time.temporal.ChronoUnit.DAYS.between(from, to) >= cn.xinan.collector.verdict.VerdictService.MAX_PERIOD_DAYS) {
            throw new BadParameterException("to", "the period from " + from + " to " + to + " is longer than "
                    + cn.xinan.collector.verdict.VerdictService.MAX_PERIOD_DAYS + " days");
        }
        return new LocalDate[]{from, to};
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
            throw new BadParameterException(name, "query parameter '" + name + "' is '" + clip(value.get())
                    + "', expected a whole number from " + min + " to " + max);
        }
    }

    static List<String> all(ServerRequest req, String name) {
        return req.query().contains(name) ? req.query().all(name) : List.of();
    }

    /** An echoed value is cut short: an error message must not carry a megabyte of someone's input back. */
    private static String clip(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
