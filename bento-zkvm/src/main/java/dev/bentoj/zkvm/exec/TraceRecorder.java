package dev.bentoj.zkvm.exec;

/**
 * The execution trace of the current segment, one entry per executed instruction, in
 * column arrays: what a witness generator needs beyond the instruction word itself (the value
 * written to rd, and the data word a load or store touched, before and after). Reset at the
 * start of each segment.
 */
public final class TraceRecorder {
    private int size;
    private int[] pc = new int[1024];
    private int[] instruction = new int[1024];
    private int[] rdValue = new int[1024];
    private int[] memAddress = new int[1024];
    private int[] memBefore = new int[1024];
    private int[] memAfter = new int[1024];

    void record(int pcValue, int insn, int rd, int addr, int before, int after) {
        if (size == pc.length) {
            grow();
        }
        pc[size] = pcValue;
        instruction[size] = insn;
        rdValue[size] = rd;
        memAddress[size] = addr;
        memBefore[size] = before;
        memAfter[size] = after;
        size++;
    }

    private void grow() {
        int n = pc.length * 2;
        pc = java.util.Arrays.copyOf(pc, n);
        instruction = java.util.Arrays.copyOf(instruction, n);
        rdValue = java.util.Arrays.copyOf(rdValue, n);
        memAddress = java.util.Arrays.copyOf(memAddress, n);
        memBefore = java.util.Arrays.copyOf(memBefore, n);
        memAfter = java.util.Arrays.copyOf(memAfter, n);
    }

    void reset() {
        size = 0;
    }

    public int size() {
        return size;
    }

    public int pc(int row) {
        return pc[row];
    }

    public int instruction(int row) {
        return instruction[row];
    }

    public int rdValue(int row) {
        return rdValue[row];
    }

    /** Byte address of the data access, or 0 for instructions without one. */
    public int memAddress(int row) {
        return memAddress[row];
    }

    public int memBefore(int row) {
        return memBefore[row];
    }

    public int memAfter(int row) {
        return memAfter[row];
    }
}
