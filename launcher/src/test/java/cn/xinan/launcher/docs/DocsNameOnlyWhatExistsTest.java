package cn.xinan.launcher.docs;

import cn.xinan.launcher.Xinan;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs describe the repository as it is: every repository path that README.md or a docs/*.md names exists,
 * and every {@code ./xinan …} command they show parses with the real command line (its subcommand and options
 * exist). A renamed file, a removed option or a typo fails here, naming the doc and the line.
 */
class DocsNameOnlyWhatExistsTest {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent(); // surefire runs in launcher/

    /** A path in backticks, or the target of a Markdown link. */
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`\\n]+)`");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    /** Any Markdown file named in the text (outside web addresses): it must be one of the repository's. */
    private static final Pattern MARKDOWN_FILE = Pattern.compile("(?<![\\w./-])([\\w./-]*\\w\\.md)\\b");
    private static final Pattern WEB_ADDRESS = Pattern.compile("\\w+://\\S+");
    /** A command in a code span, or on a line of a code block. */
    private static final Pattern COMMAND = Pattern.compile("(?:^|`|\\s)(\\./xinan(?: [^`\\n#]*)?)");

    record Mention(Path doc, int line, String text) {
        @Override
        public String toString() {
            return ROOT.relativize(doc) + " line " + line + ": " + text;
        }
    }

    @Test
    void everyRepositoryPathADocNamesExists() throws IOException {
        List<String> dangling = new ArrayList<>();
        for (Mention m : pathMentions()) {
            if (!exists(m)) {
                dangling.add(m.toString());
            }
        }
        assertThat(dangling).as("paths named in the docs that do not exist in the repository").isEmpty();
    }

    @Test
    void everyXinanCommandADocShowsParses() throws IOException {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Path doc : docs()) {
            List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = COMMAND.matcher(lines.get(i));
                while (m.find()) {
                    String command = m.group(1).trim();
                    checked++;
                    String problem = parseProblem(command);
                    if (problem != null) {
                        wrong.add(new Mention(doc, i + 1, command) + " → " + problem);
                    }
                }
            }
        }
        assertThat(checked).as("./xinan commands found in the docs").isGreaterThan(5);
        assertThat(wrong).as("./xinan commands in the docs that the command line rejects").isEmpty();
    }

    @Test
    void theCheckerFindsADanglingPathAndAnUnknownOption() {
        Path readme = ROOT.resolve("README.md");
        assertThat(exists(new Mention(readme, 1, "collector/src/main/config/no-such.yaml"))).isFalse();
        assertThat(exists(new Mention(readme, 1, "collector/src/main/config/collector.yaml"))).isTrue();
        assertThat(exists(new Mention(ROOT.resolve("docs/replay.md"), 1, "calendar.md"))).isTrue();
        assertThat(exists(new Mention(readme, 1, "design/RULES.md"))).as("a file outside the repository").isFalse();
        assertThat(parseProblem("./xinan demo --no-such-option")).contains("--no-such-option");
        assertThat(parseProblem("./xinan nosuchcommand")).isNotNull();
        assertThat(parseProblem("./xinan bench nosuchbench")).isNotNull();
        assertThat(parseProblem("./xinan replay --rooms ROOMS.csv --scenario SCENARIO.jsonl [--calendar CALENDAR.json]")).isNull();
        assertThat(parseProblem("./xinan bench rules|ingest|device")).isNull();
    }

    /**
     * Why the command line rejects {@code command}, or null. Optional parts in brackets count as given, a
     * {@code a|b} alternative as its first choice; placeholders (FILE, URL) are values like any other.
     */
    static String parseProblem(String command) {
        List<String> args = new ArrayList<>();
        for (String token : command.replace("[", " ").replace("]", " ").trim().split("\\s+")) {
            if (token.equals("./xinan") || token.equals("|") || token.equals("...") || token.equals("…")) {
                continue;
            }
            args.add(token.contains("|") && !token.startsWith("|") ? token.substring(0, token.indexOf('|')) : token);
        }
        try {
            Xinan.commandLine().parseArgs(args.toArray(String[]::new));
            return null;
        } catch (CommandLine.ParameterException e) {
            return e.getMessage();
        }
    }

    static List<Path> docs() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    /** Every path-looking code span and every relative link target of every doc. */
    static Set<Mention> pathMentions() throws IOException {
        Set<String> topFolders = new LinkedHashSet<>();
        try (Stream<Path> top = Files.list(ROOT)) {
            top.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).forEach(topFolders::add);
        }
        Set<Mention> mentions = new LinkedHashSet<>();
        for (Path doc : docs()) {
            List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                Matcher span = CODE_SPAN.matcher(lines.get(i));
                while (span.find()) {
                    String text = span.group(1).trim();
                    int slash = text.indexOf('/');
                    if (slash > 0 && topFolders.contains(text.substring(0, slash)) && isConcretePath(text)) {
                        mentions.add(new Mention(doc, i + 1, text));
                    } else if (text.matches("[\\w-]+\\.md") && isConcretePath(text)) {
                        mentions.add(new Mention(doc, i + 1, text));
                    }
                }
                Matcher md = MARKDOWN_FILE.matcher(WEB_ADDRESS.matcher(lines.get(i)).replaceAll(" "));
                while (md.find()) {
                    mentions.add(new Mention(doc, i + 1, md.group(1)));
                }
                Matcher link = LINK.matcher(lines.get(i));
                while (link.find()) {
                    String target = link.group(1);
                    if (!target.contains("://") && !target.startsWith("#") && !target.startsWith("mailto:")) {
                        String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                        mentions.add(new Mention(doc, i + 1, file));
                    }
                }
            }
        }
        return mentions;
    }

    /** Not a pattern or a placeholder, nor a build output (which exists only after a build). */
    private static boolean isConcretePath(String text) {
        return text.matches("[\\w./-]+") && !text.contains("...") && !text.contains("/target/")
                && !text.startsWith("target/") && !text.matches(".*\\b[A-Z]{3,}[\\w]*\\b.*\\.(json|csv|properties|deb)")
                && !text.contains("YYYY");
    }

    /** From the repository root, or (a bare file name or a link) from the doc's own folder. */
    static boolean exists(Mention m) {
        String text = m.text();
        if (text.startsWith("/") || text.isEmpty()) {
            return !text.isEmpty();
        }
        return Files.exists(ROOT.resolve(text)) || Files.exists(m.doc().getParent().resolve(text));
    }
}
