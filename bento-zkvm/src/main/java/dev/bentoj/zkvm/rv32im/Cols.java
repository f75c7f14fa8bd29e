package dev.bentoj.zkvm.rv32im;

/**
 * Main column indices of the segment AIR, in the groups and order of rv32im-air.md §3. A name
 * with an array size starts a run of that many columns (bytes little-endian).
 */
final class Cols {
    private static int next;

    private static int alloc(int count) {
        int at = next;
        next += count;
        return at;
    }

    // control (9)
    static final int TSB = alloc(1);
    static final int PC0Q = alloc(1);
    static final int PC1 = alloc(1);
    static final int PC2 = alloc(1);
    static final int PC3 = alloc(1);
    static final int NP_LO = alloc(1);
    static final int NP_HI = alloc(1);
    static final int E4 = alloc(1);
    static final int REMAIN = alloc(1);
    // row kind (53)
    static final int SEL = alloc(Op.values().length);
    static final int IOB = alloc(1);
    static final int IOW = alloc(1);
    static final int PO = alloc(1);
    // decode (15)
    static final int OPC = alloc(1);
    static final int RD0 = alloc(1);
    static final int RDH = alloc(1);
    static final int F3 = alloc(1);
    static final int R1L = alloc(1);
    static final int R1H = alloc(1);
    static final int R2A = alloc(1);
    static final int R2M = alloc(1);
    static final int R2B = alloc(1);
    static final int F7L = alloc(1);
    static final int F7M = alloc(1);
    static final int SG = alloc(1);
    static final int RDZ = alloc(1);
    static final int RDI = alloc(1);
    static final int RDW = alloc(1);
    // memory (43): per slot previous timestamp, gap limbs, page-out address offset
    static final int PTS_F = alloc(1);
    static final int DL_F = alloc(1);
    static final int DH_F = alloc(1);
    static final int OA_F = alloc(1);
    static final int A = alloc(4);
    static final int PTS_1 = alloc(1);
    static final int DL_1 = alloc(1);
    static final int DH_1 = alloc(1);
    static final int OA_1 = alloc(1);
    static final int R2 = alloc(4);
    static final int PTS_2 = alloc(1);
    static final int DL_2 = alloc(1);
    static final int DH_2 = alloc(1);
    static final int OA_2 = alloc(1);
    static final int PD = alloc(4);
    static final int C = alloc(4);
    static final int PTS_D = alloc(1);
    static final int DL_D = alloc(1);
    static final int DH_D = alloc(1);
    static final int OA_D = alloc(1);
    static final int PV = alloc(4);
    static final int W = alloc(4);
    static final int PTS_X = alloc(1);
    static final int DL_X = alloc(1);
    static final int DH_X = alloc(1);
    // ALU (27)
    static final int B = alloc(4);
    static final int OH = alloc(4);
    static final int SQ = alloc(1);
    static final int S1 = alloc(1);
    static final int S2 = alloc(1);
    static final int S3 = alloc(1);
    static final int CA0 = alloc(1);
    static final int CA1 = alloc(1);
    static final int CB0 = alloc(1);
    static final int CB1 = alloc(1);
    static final int X = alloc(4);
    static final int SGA = alloc(1);
    static final int SGB = alloc(1);
    static final int Z = alloc(1);
    static final int ZI = alloc(1);
    static final int TAKEN = alloc(1);
    static final int T_LO = alloc(1);
    static final int T_HI = alloc(1);
    // load (4)
    static final int LBYTE = alloc(1);
    static final int LHALF = alloc(1);
    static final int SGL = alloc(1);
    static final int SGH = alloc(1);
    // multiply / divide / shift unit (50)
    static final int MX = alloc(4);
    static final int MY = alloc(4);
    static final int PR = alloc(8);
    static final int RM = alloc(4);
    static final int CO = alloc(4);
    static final int MA = alloc(1);
    static final int MB = alloc(1);
    static final int MR = alloc(1);
    static final int AE = alloc(1);
    static final int SMX = alloc(1);
    static final int SR = alloc(1);
    static final int M = alloc(1);
    static final int CHK = alloc(1);
    static final int BZ = alloc(1);
    static final int BZI = alloc(1);
    static final int OVZ = alloc(1);
    static final int OVI = alloc(1);
    static final int WZ = alloc(1);
    static final int WZI = alloc(1);
    static final int SH0 = alloc(1);
    static final int SH1 = alloc(1);
    static final int SH2 = alloc(1);
    static final int L = alloc(4);
    static final int U0 = alloc(1);
    static final int U1 = alloc(1);
    static final int U2 = alloc(1);
    static final int TAU = alloc(1);
    static final int PW = alloc(1);
    // table multiplicities (5)
    static final int M16 = alloc(1);
    static final int MB2 = alloc(1);
    static final int MXR = alloc(1);
    static final int MDL = alloc(1);
    static final int MDH = alloc(1);

    static final int WIDTH = next;

    /**
     * Boolean columns besides the selectors that need b·(b − 1) = 0. The specification's other
     * "bool" flags are left out because other constraints already force them to 0 or 1, so the
     * constraint would be vacuous (no witness breaks only it): the zero-test flags RDZ, Z, BZ,
     * WZ, OVZ (x·v = 0 and v·xi − 1 + x = 0 give x = 1 for v = 0, x = 0 otherwise), MA, MB, MR,
     * AE (a boolean times a sum of one-hot selectors), CHK (such a sum times 1 − BZ), M (the xor
     * MR + MB − 2·MR·MB of booleans) and RDW (G_WR·(1 − RDZ) + E_READ, disjoint selector sums).
     */
    static final int[] BOOLS = {E4, OH, OH + 1, OH + 2, OH + 3, CA0, CA1, CB0, CB1, SGA, SGB, TAKEN, SGL, SGH,
        SMX, SR, SH0, SH1, SH2, L, L + 1, L + 2, L + 3, U0, U1, U2};

    // Preprocessed columns (15): byte tables and the two decode tables.
    static final int P_BA = 0;
    static final int P_BB = 1;
    static final int P_BX = 2;
    static final int P_DL = 3;
    static final int P_DH = 8;
    static final int PRE_WIDTH = 15;

    /** A readable name of main column {@code col}, such as {@code CA0} or {@code PV[2]}, for messages. */
    static String name(int col) {
        String best = null;
        int bestAt = -1;
        for (java.lang.reflect.Field f : Cols.class.getDeclaredFields()) {
            if (f.getType() != int.class || f.getName().startsWith("P_") || f.getName().equals("WIDTH")
                    || f.getName().equals("PRE_WIDTH") || f.getName().equals("next")) {
                continue;
            }
            try {
                int at = f.getInt(null);
                if (at <= col && at > bestAt) {
                    best = f.getName();
                    bestAt = at;
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        if ("SEL".equals(best)) {
            return Op.values()[col - SEL].name();
        }
        return col == bestAt ? best : best + "[" + (col - bestAt) + "]";
    }

    private Cols() {
    }
}
