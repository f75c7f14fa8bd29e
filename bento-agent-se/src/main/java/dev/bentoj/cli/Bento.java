package dev.bentoj.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./bento} command line. Its commands and JSON outputs are a stable contract. */
@Command(name = "bento", mixinStandardHelpOptions = true, version = "Bento-J 0.1.0",
        description = "Bento-J: a zero-knowledge proving cluster for RV32IM guests.",
        subcommands = {ExecuteCommand.class, ImageIdCommand.class, DemoCommand.class})
public final class Bento {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Bento());
    }
}
