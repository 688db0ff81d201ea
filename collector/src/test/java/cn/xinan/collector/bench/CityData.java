package cn.xinan.collector.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * What one store's directory of the city benchmark holds (docs/benchmarks.md, "City"), in {@value #MARKER} beside the
 * store's files: the city it was loaded for (rooms, term weeks, rooms with raw weeks, raw weeks per room), how many
 * rooms are loaded and derived so far (raised after each room), and whether the load finished (written only after every
 * room and the other rooms' summaries are stored). A kept directory ({@code BENCH_DATA}) is reused by later runs with the
 * same city; an interrupted load resumes at the first room not recorded as loaded (that room is appended again: the
 * store keeps its already stored events once).
 */
final class CityData {
    static final String MARKER = "city.properties";

    /**
     * The city of a benchmark run: {@code CityBenchmark [rooms=1000] [termWeeks=20] [runs=5] [rawRooms=rooms]
     * [rawWeeks=1]}. Rooms {@code 0..rawRooms-1} get their first {@code rawWeeks} weeks as raw events, room-0000 its whole
     * term; every other room-week is a day summary.
     */
    record City(int rooms, int termWeeks, int runs, int rawRooms, int rawWeeks) {
        City {
            if (rooms < 1) {
                throw new IllegalArgumentException("rooms must be at least 1, was " + rooms);
            }
            if (termWeeks < 1 || termWeeks > 52) {
                throw new IllegalArgumentException("termWeeks must be between 1 and 52, was " + termWeeks);
            }
            if (runs < 1) {
                throw new IllegalArgumentException("runs must be at least 1, was " + runs);
            }
            if (rawRooms < 1 || rawRooms > rooms) {
                throw new IllegalArgumentException("rawRooms must be between 1 (room-0000 is always raw) and rooms ("
                        + rooms + "), was " + rawRooms);
            }
            if (rawWeeks < 1 || rawWeeks > termWeeks) {
                throw new IllegalArgumentException("rawWeeks must be between 1 and termWeeks (" + termWeeks + "), was "
                        + rawWeeks);
            }
        }

        /** The positional arguments, each optional from the end; a wrong one is refused naming it. */
        static City parse(String... args) {
            if (args.length > 5) {
                throw new IllegalArgumentException("at most 5 arguments: [rooms] [termWeeks] [runs] [rawRooms] [rawWeeks],"
                        + " got " + args.length);
            }
            int rooms = arg(args, 0, "rooms", 1_000);
            int termWeeks = arg(args, 1, "termWeeks", 20);
            int runs = arg(args, 2, "runs", 5);
            int rawRooms = arg(args, 3, "rawRooms", rooms);
            int rawWeeks = arg(args, 4, "rawWeeks", 1);
            return new City(rooms, termWeeks, runs, rawRooms, rawWeeks);
        }

        private static int arg(String[] args, int i, String name, int otherwise) {
            if (args.length <= i) {
                return otherwise;
            }
            try {
                return Integer.parseInt(args[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " (argument " + (i + 1) + ") must be a whole number, was '"
                        + args[i] + "'", e);
            }
        }

        /** The raw weeks room {@code r} gets: room-0000 its whole term. */
        int rawWeeksOf(int r) {
            return r == 0 ? termWeeks : r < rawRooms ? rawWeeks : 0;
        }

        /** Raw events loaded for the whole city. */
        long rawRoomWeeks() {
            return termWeeks + (long) (rawRooms - 1) * rawWeeks;
        }

        /** The parameters that decide what the stores hold (not {@code runs}), as stored in the marker. */
        Properties held() {
            Properties p = new Properties();
            p.setProperty("rooms", Integer.toString(rooms));
            p.setProperty("termWeeks", Integer.toString(termWeeks));
            p.setProperty("rawRooms", Integer.toString(rawRooms));
            p.setProperty("rawWeeks", Integer.toString(rawWeeks));
            return p;
        }

        String describe() {
            return "rooms=" + rooms + " termWeeks=" + termWeeks + " rawRooms=" + rawRooms + " rawWeeks=" + rawWeeks;
        }
    }

    private final Path dir;
    private final City city;
    private int loadedRooms;
    private boolean complete;

    private CityData(Path dir, City city, int loadedRooms, boolean complete) {
        this.dir = dir;
        this.city = city;
        this.loadedRooms = loadedRooms;
        this.complete = complete;
    }

    /**
     * The state of a store's directory for this city: new (the directory is created or empty; the marker is written
     * before anything is loaded), being loaded (resumed), or complete (reused).
     *
     * @throws IllegalStateException when the directory holds another city, or files without a marker
     */
    static CityData open(Path dir, City city) {
        try {
            Files.createDirectories(dir);
            Path marker = dir.resolve(MARKER);
            if (!Files.exists(marker)) {
                try (Stream<Path> files = Files.list(dir)) {
                    if (files.findAny().isPresent()) {
                        throw new IllegalStateException(dir + " holds files but no " + MARKER + ": not a city benchmark's"
                                + " data directory (or one whose marker was removed); use an empty or new directory");
                    }
                }
                CityData fresh = new CityData(dir, city, 0, false);
                fresh.save();
                return fresh;
            }
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(marker, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            for (String key : city.held().stringPropertyNames()) {
                if (!city.held().getProperty(key).equals(p.getProperty(key))) {
                    throw new IllegalStateException(dir + " holds a city loaded with " + key + "=" + p.getProperty(key)
                            + " (" + describe(p) + "), this run asks for " + city.describe()
                            + ": run with the same parameters, or give another BENCH_DATA directory");
                }
            }
            int loaded;
            try {
                loaded = Integer.parseInt(p.getProperty("loadedRooms", ""));
            } catch (NumberFormatException e) {
                throw new IllegalStateException(marker + ": loadedRooms is '" + p.getProperty("loadedRooms")
                        + "', not a number", e);
            }
            if (loaded < 0 || loaded > city.rawRooms()) {
                throw new IllegalStateException(marker + ": loadedRooms is " + loaded + ", outside 0.." + city.rawRooms());
            }
            boolean done = Boolean.parseBoolean(p.getProperty("complete"));
            if (done && loaded != city.rawRooms()) {
                throw new IllegalStateException(marker + ": complete with only " + loaded + " of " + city.rawRooms()
                        + " rooms loaded");
            }
            return new CityData(dir, city, loaded, done);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Properties p) {
        return "rooms=" + p.getProperty("rooms") + " termWeeks=" + p.getProperty("termWeeks") + " rawRooms="
                + p.getProperty("rawRooms") + " rawWeeks=" + p.getProperty("rawWeeks");
    }

    Path dir() {
        return dir;
    }

    /** Rooms {@code 0..loadedRooms-1} have their raw weeks stored and derived. */
    int loadedRooms() {
        return loadedRooms;
    }

    boolean complete() {
        return complete;
    }

    /** Records that room {@code r}, the next one, is stored and derived; durable when it returns. */
    void roomLoaded(int r) {
        if (r != loadedRooms || r >= city.rawRooms()) {
            throw new IllegalStateException("room " + r + " loaded, but the next room to load is " + loadedRooms
                    + " of " + city.rawRooms());
        }
        loadedRooms = r + 1;
        save();
    }

    /** Records that the load finished: every raw room loaded and derived, every other room-week's summary stored. */
    void markComplete() {
        if (loadedRooms != city.rawRooms()) {
            throw new IllegalStateException("load not finished: " + loadedRooms + " of " + city.rawRooms() + " rooms");
        }
        complete = true;
        save();
    }

    /** Writes the marker to a temporary file, forces it to disk, then renames it over the old one (atomic). */
    private void save() {
        Properties p = city.held();
        p.setProperty("loadedRooms", Integer.toString(loadedRooms));
        p.setProperty("complete", Boolean.toString(complete));
        Path tmp = dir.resolve(MARKER + ".tmp");
        try {
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(out, "city benchmark data (docs/benchmarks.md, \"City\")");
            }
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(MARKER), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": writing " + MARKER + ": " + e.getMessage(), e);
        }
    }
}
