package cn.xinan.launcher;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code xinan test}: listed here so that {@code ./xinan --help} and {@code ./xinan test --help} show it like
 * every other subcommand. The {@code xinan} shell script runs it (it needs the sources and Maven, which this
 * JVM does not have); started any other way it says so.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Runs every test (mvn -B verify in the repository).",
                "Installs what the tests need when it is missing, as Debian packages (apt-get, as root): Mosquitto, InfluxDB, Chromium, ChromeDriver and a "
                + "Chinese font. The tests start their own servers on loopback with private ports and data folders.",
                "Example: ./xinan test -pl rules -am"})
final class TestCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MAVEN_ARGUMENT", arity = "0..*", description = "passed on to Maven, e.g. -pl collector -am -Dtest=ApiTest")
    List<String> mavenArguments;

    @Override
    public Integer call() {
        System.err.println("xinan test: run it through the ./xinan script at the top of the repository (it runs Maven on the sources)");
        return 2;
    }
}
