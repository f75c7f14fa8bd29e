package dev.bentoj.zkvm.elf;

import java.util.List;

/** A validated guest program: its entry point and what it loads. Nothing else of the ELF survives. */
public record Program(int entry, List<LoadSegment> segments) {
    public Program {
        segments = List.copyOf(segments);
    }

    /** Calls {@code sink} for every non-zero file byte range, in segment order. */
    public void forEachLoadedRange(RangeSink sink) {
        for (LoadSegment s : segments) {
            sink.accept(s.vaddr(), s.rawBytes());
        }
    }

    @FunctionalInterface
    public interface RangeSink {
        void accept(int vaddr, byte[] bytes);
    }
}
