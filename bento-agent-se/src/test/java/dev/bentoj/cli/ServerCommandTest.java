package dev.bentoj.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@code bento server} launches Payara Micro (the launch itself is tested by bento-web's IT). */
class ServerCommandTest {
    @TempDir
    Path dir;

    private void serverFiles() throws IOException {
        for (String name : List.of(PayaraServer.PAYARA_JAR, PayaraServer.DRIVER_JAR, PayaraServer.WAR, PayaraServer.PRE_BOOT)) {
            Files.writeString(dir.resolve(name), "");
        }
    }

    @Test
    void launchesPayaraWithoutHazelcastWithTheDriverAndTheWarAtTheRoot() throws IOException {
        serverFiles();
        List<String> cmd = PayaraServer.command(dir, 9123, null);
        assertTrue(cmd.get(0).endsWith("java"), cmd.toString());
        assertEquals(PayaraServer.DEFAULT_JAVA_OPTS, cmd.get(1));
        assertEquals(dir.resolve(PayaraServer.PAYARA_JAR).toString(), cmd.get(cmd.indexOf("-jar") + 1));
        assertTrue(cmd.contains("--nohazelcast"), cmd.toString());
        assertEquals(dir.resolve(PayaraServer.DRIVER_JAR).toString(), cmd.get(cmd.indexOf("--addlibs") + 1));
        assertEquals(dir.resolve(PayaraServer.PRE_BOOT).toString(), cmd.get(cmd.indexOf("--prebootcommandfile") + 1));
        assertEquals(dir.resolve(PayaraServer.WAR).toString(), cmd.get(cmd.indexOf("--deploy") + 1));
        assertEquals("/", cmd.get(cmd.indexOf("--contextroot") + 1));
        assertEquals("9123", cmd.get(cmd.indexOf("--port") + 1));
    }

    @Test
    void serverJavaOptionsReplaceTheDefault() throws IOException {
        serverFiles();
        List<String> cmd = PayaraServer.command(dir, 8080, " -Xmx2g  -XX:+UseSerialGC ");
        assertEquals(List.of("-Xmx2g", "-XX:+UseSerialGC", "-jar"), cmd.subList(1, 4));
    }

    @Test
    void missingServerFilesAreNamedWithTheFix() {
        GuestFiles.UserError e = assertThrows(GuestFiles.UserError.class, () -> PayaraServer.command(dir, 8080, null));
        assertTrue(e.getMessage().contains(PayaraServer.PAYARA_JAR) && e.getMessage().contains("mvn install"), e.getMessage());
    }

    @Test
    void portOutOfRangeIsAUserError() {
        StringWriter err = new StringWriter();
        CommandLine cli = Bento.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(1, cli.execute("server", "--port", "70000"));
        assertTrue(err.toString().contains("--port must be between 1 and 65535"), err.toString());
    }
}
