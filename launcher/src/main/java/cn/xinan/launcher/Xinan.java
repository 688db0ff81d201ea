package cn.xinan.launcher;

import cn.xinan.launcher.replay.ScenarioException;
import cn.xinan.provisioning.RegistryException;
import cn.xinan.rules.calendar.CalendarFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * The {@code xinan} command. The shell script of the same name at the top of the repository builds
 * the project when needed and runs this class.
 */
@Command(name = "xinan", mixinStandardHelpOptions = true, version = "xinan 0.1.0",
        description = "Xin'an (心安): proves that school counseling rooms are really open to students.",
        subcommands = {DemoCommand.class, ReplayCommand.class, CollectorCommand.class, DeviceCommand.class,
                cn.xinan.launcher.provision.ProvisionCommand.class, VerifyCommand.class})
public final class Xinan implements Callable<Integer> {
    /** Exit codes of every subcommand (README.md, "The xinan command"). */
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        configureLogging(args.length > 0 && (args[0].equals("collector") || args[0].equals("device")));
        System.exit(commandLine().execute(args));
    }

    /**
     * Warnings only for demo and replay (their output is the result); services (collector, device)
     * also log Xin'an's own INFO lines: start-up, effective configuration, connections.
     */
    static void configureLogging(boolean service) {
        // HiveMQ's jar brings a logback.xml of its own; name ours explicitly (before SLF4J starts).
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "xinan-logback.xml");
        }
        try (java.io.InputStream in = Xinan.class.getResourceAsStream("/xinan-logging.properties")) {
            if (in != null && System.getProperty("java.util.logging.config.file") == null) {
                java.util.logging.LogManager.getLogManager().readConfiguration(in);
            }
        } catch (java.io.IOException e) {
            System.err.println("xinan: logging configuration unreadable, using the JDK defaults: " + e.getMessage());
        }
        if (service) {
            java.util.logging.Logger.getLogger("cn.xinan").setLevel(java.util.logging.Level.INFO);
            java.util.logging.Logger.getLogger("io.helidon").setLevel(java.util.logging.Level.INFO);
        }
    }

    /** The configured command line, also used by tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Xinan());
        // run by the xinan shell script itself; here for --help and usage errors in the same format
        cli.addSubcommand(new TestCommand());
        cli.addSubcommand(new BenchCommand());
        // their arguments go on to Maven or the benchmark script: -pl, -o and the like are not ours to refuse
        cli.getSubcommands().get("test").setUnmatchedOptionsArePositionalParams(true);
        cli.getSubcommands().get("bench").setUnmatchedOptionsArePositionalParams(true);
        java.util.Map<String, String> exitCodes = new java.util.LinkedHashMap<>();
        exitCodes.put("0", "success");
        exitCodes.put("1", "it failed: the message says why");
        exitCodes.put("2", "usage or input error: fix the command line or the file it names");
        java.util.List<CommandLine> all = new java.util.ArrayList<>(java.util.List.of(cli));
        all.addAll(cli.getSubcommands().values());
        for (CommandLine c : all) {
            c.getCommandSpec().usageMessage().exitCodeListHeading("Exit status:%n").exitCodeList(exitCodes);
        }
        // A bad input file is the user's error, not a crash: print the message that names it, no stack trace.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UserInputException || e instanceof IllegalArgumentException
                    || e instanceof CalendarFileException || e instanceof RegistryException
                    || e instanceof ScenarioException) {
                commandLine.getErr().println("xinan: " + e.getMessage());
                return EXIT_USAGE;
            }
            throw e; // picocli prints the stack trace and exits with EXIT_FAILED (1)
        });
        return cli;
    }

    /** No subcommand: a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("xinan: which command? (see below)");
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }
}
