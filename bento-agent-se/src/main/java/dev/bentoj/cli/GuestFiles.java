package dev.bentoj.cli;

import dev.bentoj.zkvm.elf.ElfLoader;
import dev.bentoj.zkvm.elf.Program;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading guests and inputs given on the command line, with errors a user can act on. */
final class GuestFiles {
    private GuestFiles() {
    }

    static Program loadElf(Path path) {
        return ElfLoader.load(readFile(path, "ELF"));
    }

    static byte[] readInput(Path path) {
        return path == null ? new byte[0] : readFile(path, "input");
    }

    static byte[] readFile(Path path, String what) {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new UserError(what + " file " + path + " does not exist");
        } catch (IOException e) {
            throw new UserError("cannot read " + what + " file " + path + ": " + e.getMessage());
        }
    }

    /** An example guest shipped in the bento-guests jar, e.g. {@code "hello"}. */
    static byte[] example(String name) {
        try (InputStream in = GuestFiles.class.getResourceAsStream("/guests/" + name + ".elf")) {
            if (in == null) {
                throw new UserError("example guest " + name + " is not on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A mistake in what the user asked for: reported as one line, never as a stack trace. */
    static final class UserError extends RuntimeException {
        UserError(String message) {
            super(message);
        }
    }
}
