package dev.bentoj.cli;

import dev.bentoj.zkvm.elf.InvalidElfException;
import dev.bentoj.zkvm.image.MemoryImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code bento image-id ELF}: prints the 64-hex image id. */
@Command(name = "image-id", description = "Print the image id of a guest ELF (64 lowercase hex).")
final class ImageIdCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ELF")
    Path elf;

    @Override
    public Integer call() {
        try {
            System.out.println(MemoryImage.of(GuestFiles.loadElf(elf)).imageId().toHex());
            return 0;
        } catch (InvalidElfException | GuestFiles.UserError e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }
}
