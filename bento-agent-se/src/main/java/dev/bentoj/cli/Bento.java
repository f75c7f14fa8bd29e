package dev.bentoj.cli;

import dev.bentoj.zkvm.elf.InvalidElfException;
import dev.bentoj.zkvm.exec.GuestFault;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./bento} command line. Its commands and JSON outputs are a stable contract. */
@Command(name = "bento", mixinStandardHelpOptions = true, version = "Bento-J 0.1.0",
        description = "Bento-J: a zero-knowledge proving cluster for RV32IM guests.",
        subcommands = {ExecuteCommand.class, ProveCommand.class, VerifyCommand.class, ImageIdCommand.class,
                DemoCommand.class, AgentCommand.class, UpCommand.class, ServerCommand.class, AdminCommand.class})
public final class Bento {
    public static void main(String[] args) {
        // One short line per log record (time, level, message) instead of the JDK's two.
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %5$s%6$s%n");
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Bento());
        // Mistakes in what the user gave us are one line on stderr, never a stack trace.
        cli.setExecutionExceptionHandler((e, line, parse) -> {
            if (e instanceof GuestFiles.UserError || e instanceof InvalidElfException || e instanceof GuestFault) {
                line.getErr().println("bento: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli;
    }
}
