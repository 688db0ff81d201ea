package cn.xinan.provisioning;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A CSV file a person wrote (docs/provisioning.md, "CSV files"), read strictly: UTF-8 only (a leading byte order
 * mark is allowed, as Excel's "CSV UTF-8" writes it), a header row naming the columns in any order, every error
 * naming the file, the line and the column.
 */
final class CsvTable {
    /** One data line. */
    static final class Line {
        private final String file;
        private final int number;
        private final Map<String, String> values;
        private final List<String> header;

        private Line(String file, int number, Map<String, String> values, List<String> header) {
            this.file = file;
            this.number = number;
            this.values = values;
            this.header = header;
        }

        int number() {
            return number;
        }

        /** The column's value, stripped; empty when the column is absent. */
        String get(String column) {
            return values.getOrDefault(column, "");
        }

        boolean has(String column) {
            return values.containsKey(column);
        }

        /** An error about this line as a whole. */
        RegistryException error(String message) {
            return new RegistryException(file + " line " + number + ": " + message);
        }

        /** An error about one column of this line. */
        RegistryException error(String column, String message) {
            return new RegistryException(file + " line " + number + ", column " + (header.indexOf(column) + 1)
                    + " (" + column + "): " + message);
        }

        /** Parses one column; a parser's IllegalArgumentException becomes an error naming the column. */
        <T> T parse(String column, Function<String, T> parser) {
            try {
                return parser.apply(get(column));
            } catch (IllegalArgumentException e) {
                throw error(column, e.getMessage());
            }
        }
    }

    private CsvTable() {
    }

    /**
     * Reads {@code file}; {@code required} columns must be in the header, {@code optional} ones may be, any other
     * column is an error (a misspelt column must not be ignored).
     */
    static List<Line> read(Path file, List<String> required, Set<String> optional) {
        String name = file.getFileName().toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new RegistryException(file + ": file not found");
        } catch (IOException e) {
            throw new RegistryException(file + ": cannot read: " + e.getMessage(), e);
        }
        String text = decode(name, bytes);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw new RegistryException(name + " line 1: missing header row " + String.join(",", required));
        }
        List<String> header;
        try {
            header = Csv.parseLine(lines.get(0)).stream().map(String::strip).toList();
        } catch (IllegalArgumentException e) {
            throw new RegistryException(name + " line 1: " + e.getMessage(), e);
        }
        for (int c = 0; c < header.size(); c++) {
            String column = header.get(c);
            if (!required.contains(column) && !optional.contains(column)) {
                throw new RegistryException(name + " line 1, column " + (c + 1) + ": unknown column '" + column
                        + "' (expected " + String.join(",", required)
                        + (optional.isEmpty() ? "" : ", optionally " + String.join(",", optional)) + ")");
            }
            if (header.indexOf(column) != c) {
                throw new RegistryException(name + " line 1, column " + (c + 1) + ": column '" + column + "' appears twice");
            }
        }
        for (String column : required) {
            if (!header.contains(column)) {
                throw new RegistryException(name + " line 1: header lacks column '" + column + "' (expected "
                        + String.join(",", required) + ", found " + String.join(",", header) + ")");
            }
        }
        List<Line> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            List<String> fields;
            try {
                fields = Csv.parseLine(line);
            } catch (IllegalArgumentException e) {
                throw new RegistryException(name + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
            if (fields.size() != header.size()) {
                throw new RegistryException(name + " line " + (i + 1) + ": " + fields.size() + " fields, the header has "
                        + header.size());
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                values.put(header.get(c), fields.get(c).strip());
            }
            out.add(new Line(name, i + 1, values, header));
        }
        return out;
    }

    /** Strict UTF-8; the error names the line and column of the first byte that is not UTF-8. */
    private static String decode(String name, byte[] bytes) {
        if (bytes.length >= 2 && ((bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xFE
                || (bytes[0] & 0xff) == 0xFE && (bytes[1] & 0xff) == 0xFF)) {
            throw new RegistryException(name + " line 1, column 1: the file is UTF-16 (its byte order mark is 0x"
                    + String.format("%02X%02X", bytes[0] & 0xff, bytes[1] & 0xff) + ", Excel's \"Unicode text\"); save it "
                    + "as UTF-8 (Excel: \"CSV UTF-8\")");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        var result = decoder.decode(in, out, true);
        if (result.isError()) {
            int bad = in.position();
            String before = new String(bytes, 0, bad, StandardCharsets.UTF_8);
            int line = 1 + (int) before.chars().filter(c -> c == '\n').count();
            int column = before.length() - (before.lastIndexOf('\n') + 1) + 1;
            throw new RegistryException(String.format("%s line %d, column %d: byte 0x%02X is not UTF-8; save the file as "
                    + "UTF-8 (Excel: \"CSV UTF-8\"; a GBK/GB18030 file must be converted, e.g. iconv -f GB18030 -t UTF-8)",
                    name, line, column, bytes[bad] & 0xff));
        }
        try {
            result = decoder.flush(out);
            if (result.isError()) {
                result.throwException();
            }
        } catch (CharacterCodingException e) {
            throw new RegistryException(name + ": not UTF-8 at its end", e);
        }
        out.flip();
        return out.toString();
    }
}
