package dev.bentoj.zkvm.ntt;

import dev.bentoj.zkvm.parallel.Chunks;

import dev.bentoj.zkvm.field.BabyBear;

import java.util.concurrent.ForkJoinPool;

/**
 * Radix-2 number-theoretic transforms over BabyBear on one column of Montgomery-form ints,
 * sizes 2^0 … 2^27 ({@code spec/stark-protocol.md} §3.3 and §8).
 *
 * <p><b>Orders.</b> {@link #forwardDif} takes coefficients in natural order and leaves the
 * evaluations in bit-reversed order: {@code a[i] = A(ω_n^bitrev(i))}. {@link #inverseDit} takes
 * such bit-reversed evaluations and leaves natural-order coefficients (including the n^−1).
 * Only the trace needs an explicit {@link #bitReverse} before its inverse transform.
 *
 * <p><b>Twiddles.</b> One table per direction, shared by all sizes: entry {@code len + j}
 * (len a power of two, j &lt; len) holds ω_{2len}^j, the twiddles of the stage whose
 * butterflies span {@code len}. The table for 2^k is the prefix of the one for 2^(k+1), so the
 * cache keeps only the largest built so far (2^k ints per direction), grows it under a lock
 * and publishes it through a volatile field; readers never lock.
 *
 * <p><b>Memory order.</b> Stages whose butterflies span at least {@link #BLOCK} elements run
 * as passes over the whole column, two stages per pass; the remaining stages run block by
 * block, each block of {@link #BLOCK} ints staying in the L1/L2 cache for all of them. Every
 * order computes the same butterflies on the same values, so the result is exact and
 * independent of blocking and of threads.
 */
public final class Ntt {

    /** Largest supported log size (the two-adicity of BabyBear). */
    public static final int MAX_LOG_SIZE = BabyBear.TWO_ADICITY;

    /** Elements per cache block (64 KiB of ints). */
    static final int BLOCK = 1 << 14;

    /** Columns at least this long are split across threads by the pool variants. */
    static final int PARALLEL_MIN = 1 << 16;

    private static final int P = BabyBear.P;
    private static final int MU = BabyBear.MU;

    /** Forward (ω) and inverse (ω^−1) twiddle tables covering sizes up to their length. */
    private record Tables(int[] forward, int[] inverse) {
    }

    private static volatile Tables tables = new Tables(new int[] {0, BabyBear.ONE},
            new int[] {0, BabyBear.ONE});

    private Ntt() {
    }

    /**
     * Forward transform in place: natural-order coefficients in, {@code a[i] = A(ω_n^bitrev(i))}
     * out, n = {@code a.length}, on the calling thread.
     *
     * @throws IllegalArgumentException unless the length is a power of two up to 2^27
     */
    public static void forwardDif(int[] a) {
        int log = logSize(a.length);
        difRange(a, 0, log, twiddles(log).forward);
    }

    /**
     * {@link #forwardDif(int[])} with the column split across {@code pool} when it has at least
     * 2^16 elements; same result.
     */
    public static void forwardDif(int[] a, ForkJoinPool pool) {
        int log = logSize(a.length);
        int[] tw = twiddles(log).forward;
        if (a.length < PARALLEL_MIN || pool.getParallelism() == 1) {
            difRange(a, 0, log, tw);
        } else {
            difParallel(a, 0, log, tw, pool);
        }
    }

    /**
     * Inverse transform in place: {@code a[i] = A(ω_n^bitrev(i))} in, the natural-order
     * coefficients of A (degree &lt; n) out, scaled by n^−1; on the calling thread.
     *
     * @throws IllegalArgumentException unless the length is a power of two up to 2^27
     */
    public static void inverseDit(int[] a) {
        int log = logSize(a.length);
        ditRange(a, 0, log, twiddles(log).inverse);
        scale(a, 0, a.length, inverseOfSize(log));
    }

    /**
     * {@link #inverseDit(int[])} with the column split across {@code pool} when it has at least
     * 2^16 elements; same result.
     */
    public static void inverseDit(int[] a, ForkJoinPool pool) {
        int log = logSize(a.length);
        inverseDitUnscaled(a, 0, log, pool);
        int nInv = inverseOfSize(log);
        if (a.length < PARALLEL_MIN || pool.getParallelism() == 1) {
            scale(a, 0, a.length, nInv);
        } else {
            pool.invoke(new Chunks(0, a.length / BLOCK, b -> scale(a, b * BLOCK, BLOCK, nInv)));
        }
    }

    /**
     * Permutes {@code a} in place so that {@code a[i]} and {@code a[bitrev(i)]} trade places
     * (bit reversal over log2(a.length) bits).
     *
     * @throws IllegalArgumentException unless the length is a power of two up to 2^27
     */
    public static void bitReverse(int[] a) {
        bitReverse(a, 0, logSize(a.length));
    }

    /** Bit-reverses {@code a[off .. off + 2^log)} in place. */
    static void bitReverse(int[] a, int off, int log) {
        if (log < 2) {
            return;
        }
        int shift = 32 - log;
        int n = 1 << log;
        for (int i = 1; i < n - 1; i++) {
            int j = Integer.reverse(i) >>> shift;
            if (i < j) {
                int t = a[off + i];
                a[off + i] = a[off + j];
                a[off + j] = t;
            }
        }
    }

    /** REVERSE_4[k] = k with its 4 bits reversed. */
    private static final int[] REVERSE_4 = new int[16];

    static {
        for (int k = 0; k < 16; k++) {
            REVERSE_4[k] = Integer.reverse(k) >>> 28;
        }
    }

    /**
     * dst[i] = src[bitrev(i)] for i &lt; 2^log (bit reversal over log bits, out of place). Large
     * sizes go tile by tile: with i = hi·2^(log−4) + mid·2^4 + lo, bitrev(i) =
     * rev(lo)·2^(log−4) + rev(mid)·2^4 + rev(hi), so the 16 × 16 elements of one {@code mid}
     * read 16 cache lines of src and write 16 of dst, each line whole.
     */
    static void bitReverseCopy(int[] src, int[] dst, int log) {
        int n = 1 << log;
        if (log < 8) {
            int shift = 32 - log;
            for (int i = 0; i < n; i++) {
                dst[i] = src[log == 0 ? 0 : Integer.reverse(i) >>> shift];
            }
            return;
        }
        int midBits = log - 8;
        int hiShift = log - 4;
        for (int mid = 0; mid < 1 << midBits; mid++) {
            int rmid = midBits == 0 ? 0 : Integer.reverse(mid) >>> (32 - midBits);
            int from = mid << 4;
            int to = rmid << 4;
            for (int lo = 0; lo < 16; lo++) {
                int row = (REVERSE_4[lo] << hiShift) | to;   // 16 consecutive ints of dst
                int col = from | lo;
                for (int rhi = 0; rhi < 16; rhi++) {
                    dst[row | rhi] = src[col | (REVERSE_4[rhi] << hiShift)];
                }
            }
        }
    }

    /** Returns log2(n) for a power of two n ≤ 2^27. */
    static int logSize(int n) {
        if (n <= 0 || Integer.bitCount(n) != 1 || n > (1 << MAX_LOG_SIZE)) {
            throw new IllegalArgumentException("NTT size must be a power of two between 1 and 2^"
                    + MAX_LOG_SIZE + ", got " + n);
        }
        return Integer.numberOfTrailingZeros(n);
    }

    /** n^−1 for n = 2^log, Montgomery form. */
    static int inverseOfSize(int log) {
        return BabyBear.inv(BabyBear.toMont(1 << log));
    }

    /** a[off .. off+len) ×= s. */
    static void scale(int[] a, int off, int len, int s) {
        for (int i = off; i < off + len; i++) {
            a[i] = mul(a[i], s);
        }
    }

    /** Inverse DIT without the n^−1 (the LDE folds it into its coset scaling). */
    static void inverseDitUnscaled(int[] a, int off, int log, ForkJoinPool pool) {
        int[] tw = twiddles(log).inverse;
        if ((1 << log) < PARALLEL_MIN || pool == null || pool.getParallelism() == 1) {
            ditRange(a, off, log, tw);
        } else {
            ditParallel(a, off, log, tw, pool);
        }
    }

    /** Forward DIF of a[off .. off+2^log), on the calling thread or split across pool. */
    static void forwardDif(int[] a, int off, int log, ForkJoinPool pool) {
        int[] tw = twiddles(log).forward;
        if ((1 << log) < PARALLEL_MIN || pool == null || pool.getParallelism() == 1) {
            difRange(a, off, log, tw);
        } else {
            difParallel(a, off, log, tw, pool);
        }
    }

    // ---------------------------------------------------------------- twiddle tables

    /** Returns tables covering size 2^log, building the missing stages once. */
    static Tables twiddles(int log) {
        Tables t = tables;
        if (t.forward.length >= 1 << log) {
            return t;
        }
        synchronized (Ntt.class) {
            t = tables;
            if (t.forward.length < 1 << log) {
                t = new Tables(extend(t.forward, log, false), extend(t.inverse, log, true));
                tables = t;
            }
            return t;
        }
    }

    /** Copies {@code old} into a table of length 2^log and fills the stages it lacked. */
    private static int[] extend(int[] old, int log, boolean inverse) {
        int[] tw = new int[1 << log];
        System.arraycopy(old, 0, tw, 0, old.length);
        for (int len = old.length; len < 1 << log; len <<= 1) {
            int k = Integer.numberOfTrailingZeros(len) + 1;   // the stage's root is ω_{2len}
            int w = BabyBear.rootOfUnity(k);
            if (inverse) {
                w = BabyBear.inv(w);
            }
            // Entries ω^j for even j are the previous stage's ω_len^(j/2); odd ones one step on.
            for (int j = 0; j < len; j += 2) {
                int e = tw[(len >> 1) + (j >> 1)];
                tw[len + j] = e;
                tw[len + j + 1] = mul(e, w);
            }
        }
        return tw;
    }

    // ---------------------------------------------------------------- arithmetic

    /** Montgomery product, branch-free. */
    static int mul(int a, int b) {
        long x = (long) a * b;
        int t = (int) x * MU;
        int r = (int) ((x - (long) t * P) >> 32);
        return r + ((r >> 31) & P);
    }

    // ---------------------------------------------------------------- DIF (forward)

    /** All stages of a DIF over a[off .. off + 2^log), cache-blocked, on this thread. */
    private static void difRange(int[] a, int off, int log, int[] tw) {
        int n = 1 << log;
        int len = n >> 1;
        // Whole-column passes, two stages at a time, while butterflies span ≥ BLOCK.
        while (len >= BLOCK && len >= 2) {
            if ((len >> 1) >= BLOCK) {
                for (int g = off; g < off + n; g += 2 * len) {
                    difTwoStages(a, g, len, tw, 0, len >> 1);
                }
                len >>= 2;
            } else {
                for (int g = off; g < off + n; g += 2 * len) {
                    difStage(a, g, len, tw, 0, len);
                }
                len >>= 1;
            }
        }
        // The remaining stages, block by block.
        int block = Math.min(n, BLOCK);
        for (int b = off; b < off + n; b += block) {
            difBlock(a, b, block, tw);
        }
    }

    /** All stages of a DIF on one block of {@code size ≤ BLOCK} elements starting at b. */
    private static void difBlock(int[] a, int b, int size, int[] tw) {
        int len = size >> 1;
        while (len >= 4) {
            for (int g = b; g < b + size; g += 2 * len) {
                difTwoStages(a, g, len, tw, 0, len >> 1);
            }
            len >>= 2;
        }
        if (len == 2) {
            for (int g = b; g < b + size; g += 4) {
                difStage(a, g, 2, tw, 0, 2);
            }
            len = 1;
        }
        if (len == 1) {
            // ω^0 = 1: no product.
            for (int i = b; i < b + size; i += 2) {
                int u = a[i];
                int v = a[i + 1];
                int s = u + v - P;
                a[i] = s + ((s >> 31) & P);
                int d = u - v;
                a[i + 1] = d + ((d >> 31) & P);
            }
        }
    }

    /** Butterflies j ∈ [j0, j1) of the stage spanning len, in the group starting at g. */
    private static void difStage(int[] a, int g, int len, int[] tw, int j0, int j1) {
        for (int j = j0; j < j1; j++) {
            int i = g + j;
            int k = i + len;
            int u = a[i];
            int v = a[k];
            int s = u + v - P;
            a[i] = s + ((s >> 31) & P);
            int d = u - v;
            d += (d >> 31) & P;
            long x = (long) d * tw[len + j];
            int t = (int) x * MU;
            int r = (int) ((x - (long) t * P) >> 32);
            a[k] = r + ((r >> 31) & P);
        }
    }

    /**
     * The stages spanning len and len/2 on the group of 2·len elements at g, fused: for each
     * j ∈ [j0, j1) ⊆ [0, len/2) the four elements g + j + {0, h, len, len + h} (h = len/2) go
     * through their two butterflies of stage len, then their two of stage h.
     */
    private static void difTwoStages(int[] a, int g, int len, int[] tw, int j0, int j1) {
        int h = len >> 1;
        int o2 = len;
        int o3 = len + h;
        // i0 = g + j and t = len + j as induction variables with constant offsets: this loop
        // shape measured ~15% faster under C2 than recomputing four indices from j.
        for (int i0 = g + j0, t = len + j0; i0 < g + j1; i0++, t++) {
            int x0 = a[i0];
            int x1 = a[i0 + h];
            int x2 = a[i0 + o2];
            int x3 = a[i0 + o3];
            // Stage len: (x0, x2) with ω_{2len}^j, (x1, x3) with ω_{2len}^(j+h).
            int s = x0 + x2 - P;
            int y0 = s + ((s >> 31) & P);
            int d = x0 - x2;
            int y2 = mul(d + ((d >> 31) & P), tw[t]);
            s = x1 + x3 - P;
            int y1 = s + ((s >> 31) & P);
            d = x1 - x3;
            int y3 = mul(d + ((d >> 31) & P), tw[t + h]);
            // Stage h: (y0, y1) and (y2, y3), both with ω_len^j.
            int w = tw[t - h];
            s = y0 + y1 - P;
            a[i0] = s + ((s >> 31) & P);
            d = y0 - y1;
            a[i0 + h] = mul(d + ((d >> 31) & P), w);
            s = y2 + y3 - P;
            a[i0 + o2] = s + ((s >> 31) & P);
            d = y2 - y3;
            a[i0 + o3] = mul(d + ((d >> 31) & P), w);
        }
    }

    /** DIF of a whole column with each pass split into chunks, then blocks in parallel. */
    private static void difParallel(int[] a, int off, int log, int[] tw, ForkJoinPool pool) {
        int n = 1 << log;
        int chunks = n / BLOCK;   // units of work per pass, each BLOCK/2 or BLOCK/4 butterfly sets
        int len = n >> 1;
        while (len >= BLOCK) {
            int l = len;
            if ((len >> 1) >= BLOCK) {
                // n/4 four-element sets per pass: group g = set / (l/2), j = set % (l/2).
                int per = (n >> 2) / chunks;
                pool.invoke(new Chunks(0, chunks, c -> {
                    int first = c * per;
                    int q = l >> 1;
                    int g = off + (first / q) * 2 * l;
                    int j = first % q;
                    difTwoStages(a, g, l, tw, j, j + per);
                }));
                len >>= 2;
            } else {
                int per = (n >> 1) / chunks;
                pool.invoke(new Chunks(0, chunks, c -> {
                    int first = c * per;
                    int g = off + (first / l) * 2 * l;
                    int j = first % l;
                    difStage(a, g, l, tw, j, j + per);
                }));
                len >>= 1;
            }
        }
        pool.invoke(new Chunks(0, n / BLOCK, b -> difBlock(a, off + b * BLOCK, BLOCK, tw)));
    }

    // ---------------------------------------------------------------- DIT (inverse)

    /** All stages of a DIT over a[off .. off + 2^log) without the n^−1, on this thread. */
    private static void ditRange(int[] a, int off, int log, int[] tw) {
        int n = 1 << log;
        int block = Math.min(n, BLOCK);
        for (int b = off; b < off + n; b += block) {
            ditBlock(a, b, block, tw);
        }
        int len = block;
        while (len < n) {
            if (2 * len < n) {
                for (int g = off; g < off + n; g += 4 * len) {
                    ditTwoStages(a, g, len, tw, 0, len);
                }
                len <<= 2;
            } else {
                for (int g = off; g < off + n; g += 2 * len) {
                    ditStage(a, g, len, tw, 0, len);
                }
                len <<= 1;
            }
        }
    }

    /** The stages spanning 1 … size/2 of a DIT on one block of {@code size} elements at b. */
    private static void ditBlock(int[] a, int b, int size, int[] tw) {
        int len = 1;
        if (size >= 2) {
            for (int i = b; i < b + size; i += 2) {
                int u = a[i];
                int v = a[i + 1];
                int s = u + v - P;
                a[i] = s + ((s >> 31) & P);
                int d = u - v;
                a[i + 1] = d + ((d >> 31) & P);
            }
            len = 2;
        }
        while (len < size) {
            if (2 * len < size) {
                for (int g = b; g < b + size; g += 4 * len) {
                    ditTwoStages(a, g, len, tw, 0, len);
                }
                len <<= 2;
            } else {
                for (int g = b; g < b + size; g += 2 * len) {
                    ditStage(a, g, len, tw, 0, len);
                }
                len <<= 1;
            }
        }
    }

    /** DIT butterflies j ∈ [j0, j1) of the stage spanning len in the group at g. */
    private static void ditStage(int[] a, int g, int len, int[] tw, int j0, int j1) {
        for (int j = j0; j < j1; j++) {
            int i = g + j;
            int k = i + len;
            int u = a[i];
            long x = (long) a[k] * tw[len + j];
            int t = (int) x * MU;
            int v = (int) ((x - (long) t * P) >> 32);
            v += (v >> 31) & P;
            int s = u + v - P;
            a[i] = s + ((s >> 31) & P);
            int d = u - v;
            a[k] = d + ((d >> 31) & P);
        }
    }

    /**
     * The DIT stages spanning len and 2·len on the group of 4·len elements at g, fused: for
     * j ∈ [j0, j1) ⊆ [0, len) the elements g + j + {0, len, 2len, 3len} go through their two
     * butterflies of stage len (ω_{2len}^j), then their two of stage 2len (ω_{4len}^j and
     * ω_{4len}^(j+len)).
     */
    private static void ditTwoStages(int[] a, int g, int len, int[] tw, int j0, int j1) {
        int o2 = 2 * len;
        int o3 = 3 * len;
        for (int i0 = g + j0, t = len + j0; i0 < g + j1; i0++, t++) {   // as in difTwoStages
            int w = tw[t];
            int x0 = a[i0];
            int x1 = mul(a[i0 + len], w);
            int x2 = a[i0 + o2];
            int x3 = mul(a[i0 + o3], w);
            int s = x0 + x1 - P;
            int y0 = s + ((s >> 31) & P);
            int d = x0 - x1;
            int y1 = d + ((d >> 31) & P);
            s = x2 + x3 - P;
            int y2 = mul(s + ((s >> 31) & P), tw[t + len]);
            d = x2 - x3;
            int y3 = mul(d + ((d >> 31) & P), tw[t + o2]);
            s = y0 + y2 - P;
            a[i0] = s + ((s >> 31) & P);
            d = y0 - y2;
            a[i0 + o2] = d + ((d >> 31) & P);
            s = y1 + y3 - P;
            a[i0 + len] = s + ((s >> 31) & P);
            d = y1 - y3;
            a[i0 + o3] = d + ((d >> 31) & P);
        }
    }

    /** DIT of a whole column: blocks in parallel, then each remaining pass split in chunks. */
    private static void ditParallel(int[] a, int off, int log, int[] tw, ForkJoinPool pool) {
        int n = 1 << log;
        int chunks = n / BLOCK;
        pool.invoke(new Chunks(0, chunks, b -> ditBlock(a, off + b * BLOCK, BLOCK, tw)));
        int len = BLOCK;
        while (len < n) {
            int l = len;
            if (2 * len < n) {
                int per = (n >> 2) / chunks;
                pool.invoke(new Chunks(0, chunks, c -> {
                    int first = c * per;
                    int g = off + (first / l) * 4 * l;
                    int j = first % l;
                    ditTwoStages(a, g, l, tw, j, j + per);
                }));
                len <<= 2;
            } else {
                int per = (n >> 1) / chunks;
                pool.invoke(new Chunks(0, chunks, c -> {
                    int first = c * per;
                    int g = off + (first / l) * 2 * l;
                    int j = first % l;
                    ditStage(a, g, l, tw, j, j + per);
                }));
                len <<= 1;
            }
        }
    }
}
