package cn.xinan.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code xinan} command. The shell script of the same name at the top of the repository builds
 * the project when needed and runs this class.
 */
@Command(name = "xinan", mixinStandardHelpOptions = true, version = "xinan 0.1.0",
        description = "Xin'an (心安): proves that school counseling rooms are really open to students.",
        subcommands = {DemoCommand.class, ReplayCommand.class, CollectorCommand.class, DeviceCommand.class})
public final class Xinan implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Xinan());
        // A bad input file is the user's error, not a crash: print the message that names it, no stack trace.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UserInputException || e instanceof IllegalArgumentException
                    || e.getClass().getSimpleName().endsWith("FileException")
                    || e.getClass().getSimpleName().equals("RegistryException")
                    || e.getClass().getSimpleName().equals("ScenarioException")) {
                commandLine.getErr().println("xinan: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
