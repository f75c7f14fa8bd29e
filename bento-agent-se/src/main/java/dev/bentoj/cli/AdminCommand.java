package dev.bentoj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@code bento admin …}: a cluster's stream priorities and API keys, through the server's admin
 * API with the admin token. Each command prints the server's answer as one line of JSON.
 */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Set users' stream priorities and manage API keys (admin API).",
        subcommands = {AdminCommand.SetStream.class, AdminCommand.ShowStreams.class, AdminCommand.IssueKey.class,
                AdminCommand.ListKeys.class, AdminCommand.RevokeKey.class})
final class AdminCommand {
    @Option(names = "--api", paramLabel = "URL", scope = ScopeType.INHERIT,
            defaultValue = "${env:BENTO_API_URL:-http://127.0.0.1:8080}",
            description = "the server's base URL (env BENTO_API_URL; default ${DEFAULT-VALUE})")
    String api;

    @Option(names = "--admin-token", paramLabel = "TOKEN", scope = ScopeType.INHERIT,
            defaultValue = "${env:BENTO_ADMIN_TOKEN:-}", description = "the server's admin token (env BENTO_ADMIN_TOKEN)")
    String adminToken;

    /** Runs one call and prints its answer; a failure is one line on stderr and status 1. */
    int print(Call call) throws InterruptedException {
        if (adminToken == null || adminToken.isBlank()) {
            throw new GuestFiles.UserError("no admin token: pass --admin-token or set BENTO_ADMIN_TOKEN"
                    + " (the value the server was started with)");
        }
        try {
            System.out.println(call.on(new AdminClient(api, adminToken)).toString());
            return 0;
        } catch (ConnectException e) {
            throw new GuestFiles.UserError("cannot reach the server at " + api + " (is it running? --api or BENTO_API_URL)");
        } catch (IOException e) {
            throw new GuestFiles.UserError("talking to " + api + ": " + e.getMessage());
        }
    }

    @FunctionalInterface
    interface Call {
        JsonNode on(AdminClient client) throws IOException, InterruptedException;
    }

    @Command(name = "set-stream", mixinStandardHelpOptions = true, description = "Set a user's reserved slots and/or multiplier for one worker type.")
    static final class SetStream implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Parameters(index = "0", paramLabel = "USER")
        String user;

        @Parameters(index = "1", paramLabel = "TYPE", description = "exec, prove, join, aux or snark")
        String type;

        @Option(names = "--reserved", paramLabel = "N", description = "slots served before everyone else while fewer run")
        Integer reserved;

        @Option(names = "--multiplier", paramLabel = "X", description = "weight of the share beyond the reservation (default 1)")
        Double multiplier;

        @Override
        public Integer call() throws InterruptedException {
            if (reserved == null && multiplier == null) {
                throw new GuestFiles.UserError("give --reserved N and/or --multiplier X");
            }
            return admin.print(c -> c.setStream(user, type, reserved, multiplier));
        }
    }

    @Command(name = "streams", mixinStandardHelpOptions = true, description = "Show a user's reserved slots, multiplier and running tasks per worker type.")
    static final class ShowStreams implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Parameters(index = "0", paramLabel = "USER")
        String user;

        @Override
        public Integer call() throws InterruptedException {
            return admin.print(c -> c.streams(user));
        }
    }

    @Command(name = "issue-key", mixinStandardHelpOptions = true, description = "Issue an API key for a user (printed once: it cannot be read back).")
    static final class IssueKey implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Parameters(index = "0", paramLabel = "USER")
        String user;

        @Option(names = "--key", paramLabel = "KEY",
                description = "register this key instead of a random one, e.g. v1:reserved:1000 for a client that sends"
                        + " that fixed key (it then reserves 1000 slots of each worker type for USER)")
        String key;

        @Option(names = "--label", paramLabel = "TEXT", description = "a note kept with the key")
        String label;

        @Override
        public Integer call() throws InterruptedException {
            return admin.print(c -> c.issueKey(user, key, label));
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true, description = "List a user's keys by hash prefix (never the keys themselves).")
    static final class ListKeys implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Parameters(index = "0", paramLabel = "USER")
        String user;

        @Override
        public Integer call() throws InterruptedException {
            return admin.print(c -> c.keys(user));
        }
    }

    @Command(name = "revoke-key", mixinStandardHelpOptions = true, description = "Revoke an API key, given in clear or by a prefix of its SHA-256"
            + " (8 or more hex digits, as issue-key and keys show it).")
    static final class RevokeKey implements Callable<Integer> {
        private static final Pattern HASH_PREFIX = Pattern.compile("[0-9a-f]{8,64}");

        @ParentCommand
        AdminCommand admin;

        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Override
        public Integer call() throws InterruptedException {
            // A key in clear is hashed here, so that it never travels in a URL (and server logs).
            String prefix = HASH_PREFIX.matcher(key).matches() ? key : sha256Hex(key);
            return admin.print(c -> c.revokeKey(prefix));
        }

        static String sha256Hex(String key) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
