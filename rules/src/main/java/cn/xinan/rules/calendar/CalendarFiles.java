package cn.xinan.rules.calendar;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the calendar files documented in {@code docs/calendar.md}: a year of the national schedule
 * ({@code 2025.json}) and a calendar layer (a bureau's or a school's settings, or the replay's
 * {@code CALENDAR.json}). Strict: unknown fields, wrong types, impossible dates and trailing content are
 * rejected with a {@link CalendarFileException} naming the file, the line and the field.
 */
public final class CalendarFiles {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Pattern YEAR_FILE = Pattern.compile("(?:.*[/\\\\])?(\\d{4})\\.json");

    private CalendarFiles() {
    }

    /**
     * Reads a calendar layer file, for example the replay's CALENDAR.json:
     * {@code {"terms":[{"start":"2025-02-17","end":"2025-07-04"}],"closures":[],"holidays":[],"workdays":[]}}.
     * Every field is optional; an absent {@code terms} keeps the lower layer's terms.
     *
     * @throws CalendarFileException when the file is missing, unreadable or malformed
     */
    public static CalendarLayer readLayer(Path file) {
        return read(file, CalendarFiles::readLayer);
    }

    /** Reads a calendar layer from {@code content}; {@code fileName} is only used in error messages. */
    public static CalendarLayer readLayer(String fileName, Reader content) {
        try {
            return parseLayer(fileName, content);
        } catch (UncheckedIOException e) {
            throw translate(fileName, e.getCause());
        }
    }

    private static CalendarLayer parseLayer(String fileName, Reader content) {
        try (Cursor in = new Cursor(fileName, content)) {
            in.startRootObject();
            Optional<List<Term>> terms = Optional.empty();
            Set<LocalDate> closures = Set.of();
            Set<LocalDate> holidays = Set.of();
            Set<LocalDate> workdays = Set.of();
            while (in.nextField()) {
                String field = in.fieldName();
                switch (field) {
                    case "terms" -> terms = Optional.of(in.terms());
                    case "closures" -> closures = in.dates(field);
                    case "holidays" -> holidays = in.dates(field);
                    case "workdays" -> workdays = in.dates(field);
                    default -> throw in.unknownField("\"terms\", \"closures\", \"holidays\", \"workdays\"");
                }
            }
            in.endOfDocument();
            in.noDateInBoth(holidays, workdays);
            return new CalendarLayer(terms, closures, holidays, workdays);
        }
    }

    /**
     * Reads one year of the national schedule; the file must be named after its year ({@code 2027.json}):
     * {@code {"year":2027,"source":"...","holidays":["2027-01-01"],"workdays":[]}}.
     *
     * @throws CalendarFileException when the file is missing, unreadable or malformed
     */
    public static NationalYear readNationalYear(Path file) {
        return read(file, CalendarFiles::readNationalYear);
    }

    /** Reads a national year from {@code content}; {@code fileName} must end in {@code YYYY.json}. */
    public static NationalYear readNationalYear(String fileName, Reader content) {
        Matcher name = YEAR_FILE.matcher(fileName);
        if (!name.matches()) {
            throw new CalendarFileException(fileName, 0,
                    "a national calendar file must be named after its year, like 2027.json", null);
        }
        int expectedYear = Integer.parseInt(name.group(1));
        try {
            return parseNationalYear(fileName, content, expectedYear);
        } catch (UncheckedIOException e) {
            throw translate(fileName, e.getCause());
        }
    }

    private static NationalYear parseNationalYear(String fileName, Reader content, int expectedYear) {
        try (Cursor in = new Cursor(fileName, content)) {
            in.startRootObject();
            Integer year = null;
            String source = "";
            Set<LocalDate> holidays = null;
            Set<LocalDate> workdays = null;
            while (in.nextField()) {
                String field = in.fieldName();
                switch (field) {
                    case "year" -> {
                        year = in.integer(field);
                        if (year != expectedYear) {
                            throw in.error("\"year\" is " + year + " but the file name says " + expectedYear);
                        }
                    }
                    case "source" -> source = in.string(field);
                    case "holidays" -> holidays = in.datesOfYear(field, expectedYear);
                    case "workdays" -> workdays = in.datesOfYear(field, expectedYear);
                    default -> throw in.unknownField("\"year\", \"source\", \"holidays\", \"workdays\"");
                }
            }
            in.endOfDocument();
            if (year == null) {
                throw in.missing("year");
            }
            if (holidays == null) {
                throw in.missing("holidays");
            }
            if (workdays == null) {
                throw in.missing("workdays");
            }
            in.noDateInBoth(holidays, workdays);
            return new NationalYear(year, source, holidays, workdays);
        }
    }

    private interface Parse<T> {
        T apply(String fileName, Reader content);
    }

    private static <T> T read(Path file, Parse<T> parse) {
        String name = file.toString();
        try (Reader content = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse.apply(name, content);
        } catch (NoSuchFileException e) {
            throw new CalendarFileException(name, 0, "calendar file not found", e);
        } catch (IOException e) {
            throw translate(name, e);
        }
    }

    private static CalendarFileException translate(String name, IOException e) {
        if (e instanceof MalformedInputException) {
            return new CalendarFileException(name, 0, "is not UTF-8 text", e);
        }
        return new CalendarFileException(name, 0, "cannot be read: " + e, e);
    }

    /** Read failures inside the parser, carried out of the functional interface. */
    private static final class UncheckedIOException extends RuntimeException {
        UncheckedIOException(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /** A JSON parser that turns every problem into a {@link CalendarFileException} with file and line. */
    private static final class Cursor implements AutoCloseable {
        private final String file;
        private final JsonParser parser;

        Cursor(String file, Reader content) {
            this.file = file;
            try {
                this.parser = JSON.createParser(content);
            } catch (IOException e) {
                throw new CalendarFileException(file, 0, "cannot be read: " + e, e);
            }
        }

        JsonToken next() {
            try {
                return parser.nextToken();
            } catch (JsonProcessingException e) {
                JsonLocation where = e.getLocation();
                throw new CalendarFileException(file, where == null ? 0 : where.getLineNr(),
                        "not valid JSON: " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void startRootObject() {
            JsonToken token = next();
            if (token == null) {
                throw new CalendarFileException(file, 0, "is empty, expected a JSON object", null);
            }
            if (token != JsonToken.START_OBJECT) {
                throw error("expected a JSON object, found " + describe(token));
            }
        }

        /** Moves to the next field of the current object: true when there is one, false at its end. */
        boolean nextField() {
            return next() == JsonToken.FIELD_NAME;
        }

        String fieldName() {
            try {
                return parser.currentName();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void endOfDocument() {
            if (next() != null) {
                throw error("unexpected content after the JSON object");
            }
        }

        List<Term> terms() {
            if (next() != JsonToken.START_ARRAY) {
                throw error("\"terms\" must be an array of {\"start\": date, \"end\": date}, found "
                        + describe(parser.currentToken()));
            }
            List<Term> terms = new ArrayList<>();
            for (int i = 0; next() != JsonToken.END_ARRAY; i++) {
                String at = "\"terms\"[" + i + "]";
                if (parser.currentToken() != JsonToken.START_OBJECT) {
                    throw error(at + " must be an object {\"start\": date, \"end\": date}, found "
                            + describe(parser.currentToken()));
                }
                int line = line();
                LocalDate start = null;
                LocalDate end = null;
                while (nextField()) {
                    String field = fieldName();
                    switch (field) {
                        case "start" -> start = date(at + ".start");
                        case "end" -> end = date(at + ".end");
                        case "name" -> string(at + ".name");
                        default -> throw unknownField("\"start\", \"end\", \"name\" in " + at);
                    }
                }
                if (start == null || end == null) {
                    throw new CalendarFileException(file, line, at + "." + (start == null ? "start" : "end")
                            + " is missing", null);
                }
                if (end.isBefore(start)) {
                    throw new CalendarFileException(file, line, at + ": end " + end + " is before start " + start,
                            null);
                }
                terms.add(new Term(start, end));
            }
            return terms;
        }

        Set<LocalDate> dates(String field) {
            return datesOfYear(field, 0);
        }

        /** An array of dates; with {@code year > 0}, each must fall in that year or the last days of the one before. */
        Set<LocalDate> datesOfYear(String field, int year) {
            if (next() != JsonToken.START_ARRAY) {
                throw error("\"" + field + "\" must be an array of dates (\"YYYY-MM-DD\"), found "
                        + describe(parser.currentToken()));
            }
            Set<LocalDate> dates = new LinkedHashSet<>();
            for (int i = 0; next() != JsonToken.END_ARRAY; i++) {
                String at = "\"" + field + "\"[" + i + "]";
                LocalDate date = date(at);
                if (year > 0 && date.getYear() != year && date.getYear() != year - 1) {
                    throw error(at + " " + date + " is not in " + year + " (nor in " + (year - 1)
                            + ", where a notice may start a holiday)");
                }
                dates.add(date);
            }
            return dates;
        }

        /** The current value as a date; expects the value token to be the current one or the next one. */
        private LocalDate date(String at) {
            JsonToken token = parser.currentToken();
            if (token == JsonToken.FIELD_NAME) {
                token = next();
            }
            if (token != JsonToken.VALUE_STRING) {
                throw error(at + " must be a date \"YYYY-MM-DD\", found " + describe(token));
            }
            String text = text();
            try {
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                throw error(at + " is not a date: \"" + text + "\"");
            }
        }

        int integer(String field) {
            JsonToken token = next();
            if (token != JsonToken.VALUE_NUMBER_INT) {
                throw error("\"" + field + "\" must be a whole number, found " + describe(token));
            }
            try {
                return parser.getIntValue();
            } catch (JsonProcessingException e) {
                throw error("\"" + field + "\" is out of range: " + text());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String string(String field) {
            JsonToken token = next();
            if (token != JsonToken.VALUE_STRING) {
                throw error("\"" + field + "\" must be a string, found " + describe(token));
            }
            return text();
        }

        private String text() {
            try {
                return parser.getText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void noDateInBoth(Set<LocalDate> holidays, Set<LocalDate> workdays) {
            for (LocalDate date : holidays) {
                if (workdays.contains(date)) {
                    throw new CalendarFileException(file, 0, "\"" + date
                            + "\" is listed in both \"holidays\" and \"workdays\"", null);
                }
            }
        }

        CalendarFileException unknownField(String expected) {
            return error("unknown field \"" + fieldName() + "\" (expected " + expected + ")");
        }

        CalendarFileException missing(String field) {
            return new CalendarFileException(file, 0, "\"" + field + "\" is missing", null);
        }

        CalendarFileException error(String problem) {
            return new CalendarFileException(file, line(), problem, null);
        }

        private int line() {
            JsonLocation where = parser.currentTokenLocation();
            return where == null ? 0 : where.getLineNr();
        }

        private static String describe(JsonToken token) {
            if (token == null) {
                return "the end of the file";
            }
            return switch (token) {
                case START_OBJECT -> "an object";
                case START_ARRAY -> "an array";
                case VALUE_STRING -> "a string";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "true/false";
                case VALUE_NULL -> "null";
                default -> token.toString();
            };
        }

        @Override
        public void close() {
            try {
                parser.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
