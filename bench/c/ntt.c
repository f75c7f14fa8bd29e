/*
 * Baseline for ./bench/run ntt: the same radix-2 BabyBear NTT and coset LDE as
 * dev.bentoj.zkvm.ntt.Ntt / Lde, in plain C, so that the Java/C ratio compares equal work.
 *
 * Same algorithm, step for step: 32-bit Montgomery arithmetic (R = 2^32, values in [0, p)),
 * one twiddle table per direction with entry len + j = w_{2len}^j, DIF stages spanning
 * >= BLOCK as whole-column passes two stages at a time, the rest block by block (two stages at
 * a time), and the LDE as a tiled bit-reversing copy, unscaled inverse DIT, then per coset block c a
 * scaling by n^-1 (31 w_D^bitrev(c))^j and a size-n forward DIF. Columns run in parallel
 * (OpenMP, one column per iteration). Output buffers are allocated and touched once, before
 * timing (the Java API returns new arrays, so its LDE time includes their allocation).
 *
 * Input: column c, row i holds splitmix64(c * n + i) mod p, in Montgomery form; the Java
 * benchmark generates the same. Output lines (key value):
 *   ntt_ms, lde_ms            wall time of the forward NTT of all columns and of their LDE
 *   ntt_checksum, lde_checksum  hash of the outputs (see checksum())
 *
 * Build: gcc -O3 -march=native -fopenmp ntt.c -o ntt
 * Run:   ./ntt LOG_N COLUMNS THREADS LOG_BLOWUP
 */
#include <inttypes.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define P 0x78000001u
#define MU 0x88000001u
#define R2 0x45DDDDE3u
#define BLOCK (1 << 14)

static uint32_t mul(uint32_t a, uint32_t b) {
    uint64_t x = (uint64_t)a * b;
    int32_t t = (int32_t)((uint32_t)x * MU);
    int32_t r = (int32_t)(((int64_t)x - (int64_t)t * P) >> 32);
    return (uint32_t)(r + ((r >> 31) & (int32_t)P));
}

static inline uint32_t add(uint32_t a, uint32_t b) {
    int32_t s = (int32_t)(a + b - P);
    return (uint32_t)(s + ((s >> 31) & (int32_t)P));
}

static inline uint32_t sub(uint32_t a, uint32_t b) {
    int32_t d = (int32_t)(a - b);
    return (uint32_t)(d + ((d >> 31) & (int32_t)P));
}

static uint32_t to_mont(uint32_t a) { return mul(a, R2); }

static uint32_t pow_mont(uint32_t a, uint64_t e) {
    uint32_t r = to_mont(1);
    while (e) {
        if (e & 1) r = mul(r, a);
        a = mul(a, a);
        e >>= 1;
    }
    return r;
}

static uint32_t inv_mont(uint32_t a) { return pow_mont(a, P - 2); }

/* w_k = (31^15)^(2^(27-k)), Montgomery form. */
static uint32_t root_of_unity(int k) {
    uint32_t w = pow_mont(to_mont(31), 15);
    for (int i = 27; i > k; i--) w = mul(w, w);
    return w;
}

static uint32_t *twiddles(int log, int inverse) {
    uint32_t n = 1u << log;
    uint32_t *tw = calloc(n < 2 ? 2 : n, sizeof(uint32_t));
    tw[1] = to_mont(1);
    for (uint32_t len = 2; len < n; len <<= 1) {
        uint32_t w = root_of_unity(__builtin_ctz(len) + 1);
        if (inverse) w = inv_mont(w);
        for (uint32_t j = 0; j < len; j += 2) {
            uint32_t e = tw[(len >> 1) + (j >> 1)];
            tw[len + j] = e;
            tw[len + j + 1] = mul(e, w);
        }
    }
    return tw;
}

/* ------------------------------------------------------------------ DIF */

static void dif_stage(uint32_t *a, uint32_t g, uint32_t len, const uint32_t *tw) {
    for (uint32_t j = 0; j < len; j++) {
        uint32_t u = a[g + j], v = a[g + j + len];
        a[g + j] = add(u, v);
        a[g + j + len] = mul(sub(u, v), tw[len + j]);
    }
}

static void dif_two_stages(uint32_t *a, uint32_t g, uint32_t len, const uint32_t *tw) {
    uint32_t h = len >> 1;
    for (uint32_t j = 0; j < h; j++) {
        uint32_t i0 = g + j, i1 = i0 + h, i2 = i0 + len, i3 = i2 + h;
        uint32_t x0 = a[i0], x1 = a[i1], x2 = a[i2], x3 = a[i3];
        uint32_t y0 = add(x0, x2), y2 = mul(sub(x0, x2), tw[len + j]);
        uint32_t y1 = add(x1, x3), y3 = mul(sub(x1, x3), tw[len + j + h]);
        uint32_t w = tw[h + j];
        a[i0] = add(y0, y1);
        a[i1] = mul(sub(y0, y1), w);
        a[i2] = add(y2, y3);
        a[i3] = mul(sub(y2, y3), w);
    }
}

static void dif_block(uint32_t *a, uint32_t b, uint32_t size, const uint32_t *tw) {
    uint32_t len = size >> 1;
    while (len >= 4) {
        for (uint32_t g = b; g < b + size; g += 2 * len) dif_two_stages(a, g, len, tw);
        len >>= 2;
    }
    if (len == 2) {
        for (uint32_t g = b; g < b + size; g += 4) dif_stage(a, g, 2, tw);
        len = 1;
    }
    if (len == 1) {
        for (uint32_t i = b; i < b + size; i += 2) {
            uint32_t u = a[i], v = a[i + 1];
            a[i] = add(u, v);
            a[i + 1] = sub(u, v);
        }
    }
}

static void dif(uint32_t *a, int log, const uint32_t *tw) {
    uint32_t n = 1u << log, len = n >> 1;
    while (len >= BLOCK && len >= 2) {
        if ((len >> 1) >= BLOCK) {
            for (uint32_t g = 0; g < n; g += 2 * len) dif_two_stages(a, g, len, tw);
            len >>= 2;
        } else {
            for (uint32_t g = 0; g < n; g += 2 * len) dif_stage(a, g, len, tw);
            len >>= 1;
        }
    }
    uint32_t block = n < BLOCK ? n : BLOCK;
    for (uint32_t b = 0; b < n; b += block) dif_block(a, b, block, tw);
}

/* ------------------------------------------------------------------ DIT */

static void dit_stage(uint32_t *a, uint32_t g, uint32_t len, const uint32_t *tw) {
    for (uint32_t j = 0; j < len; j++) {
        uint32_t u = a[g + j], v = mul(a[g + j + len], tw[len + j]);
        a[g + j] = add(u, v);
        a[g + j + len] = sub(u, v);
    }
}

static void dit_two_stages(uint32_t *a, uint32_t g, uint32_t len, const uint32_t *tw) {
    for (uint32_t j = 0; j < len; j++) {
        uint32_t i0 = g + j, i1 = i0 + len, i2 = i1 + len, i3 = i2 + len;
        uint32_t w = tw[len + j];
        uint32_t x0 = a[i0], x1 = mul(a[i1], w), x2 = a[i2], x3 = mul(a[i3], w);
        uint32_t y0 = add(x0, x1), y1 = sub(x0, x1);
        uint32_t y2 = mul(add(x2, x3), tw[2 * len + j]);
        uint32_t y3 = mul(sub(x2, x3), tw[3 * len + j]);
        a[i0] = add(y0, y2);
        a[i2] = sub(y0, y2);
        a[i1] = add(y1, y3);
        a[i3] = sub(y1, y3);
    }
}

static void dit_block(uint32_t *a, uint32_t b, uint32_t size, const uint32_t *tw) {
    uint32_t len = 1;
    if (size >= 2) {
        for (uint32_t i = b; i < b + size; i += 2) {
            uint32_t u = a[i], v = a[i + 1];
            a[i] = add(u, v);
            a[i + 1] = sub(u, v);
        }
        len = 2;
    }
    while (len < size) {
        if (2 * len < size) {
            for (uint32_t g = b; g < b + size; g += 4 * len) dit_two_stages(a, g, len, tw);
            len <<= 2;
        } else {
            for (uint32_t g = b; g < b + size; g += 2 * len) dit_stage(a, g, len, tw);
            len <<= 1;
        }
    }
}

/* Inverse DIT without the n^-1. */
static void dit(uint32_t *a, int log, const uint32_t *tw) {
    uint32_t n = 1u << log, block = n < BLOCK ? n : BLOCK;
    for (uint32_t b = 0; b < n; b += block) dit_block(a, b, block, tw);
    uint32_t len = block;
    while (len < n) {
        if (2 * len < n) {
            for (uint32_t g = 0; g < n; g += 4 * len) dit_two_stages(a, g, len, tw);
            len <<= 2;
        } else {
            for (uint32_t g = 0; g < n; g += 2 * len) dit_stage(a, g, len, tw);
            len <<= 1;
        }
    }
}

static uint32_t reverse_bits(uint32_t x, int log) {
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
    x = __builtin_bswap32(x);
    return x >> (32 - log);
}

/* dst[i] = src[bitrev(i)], tile by tile as Ntt.bitReverseCopy: i = hi 2^(log-4) + mid 2^4 + lo. */
static void bit_reverse_copy(const uint32_t *src, uint32_t *dst, int log) {
    static const uint32_t r4[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
    uint32_t n = 1u << log;
    if (log < 8) {
        for (uint32_t i = 0; i < n; i++) dst[i] = src[log == 0 ? 0 : reverse_bits(i, log)];
        return;
    }
    int mid_bits = log - 8, hi_shift = log - 4;
    for (uint32_t mid = 0; mid < (1u << mid_bits); mid++) {
        uint32_t rmid = mid_bits == 0 ? 0 : reverse_bits(mid, mid_bits);
        uint32_t from = mid << 4, to = rmid << 4;
        for (uint32_t lo = 0; lo < 16; lo++) {
            uint32_t row = (r4[lo] << hi_shift) | to, col = from | lo;
            for (uint32_t rhi = 0; rhi < 16; rhi++) dst[row | rhi] = src[col | (r4[rhi] << hi_shift)];
        }
    }
}

/* ------------------------------------------------------------------ harness */

static uint64_t splitmix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* FNV-1a over the 32-bit values of each column, columns combined as h = 31 h + h_c. */
static uint64_t checksum(uint32_t **cols, int columns, uint64_t len) {
    uint64_t h = 0;
    for (int c = 0; c < columns; c++) {
        uint64_t hc = 0xCBF29CE484222325ull;
        for (uint64_t i = 0; i < len; i++) hc = (hc ^ cols[c][i]) * 0x100000001B3ull;
        h = h * 31 + hc;
    }
    return h;
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s LOG_N COLUMNS THREADS LOG_BLOWUP\n", argv[0]);
        return 2;
    }
    int log = atoi(argv[1]), columns = atoi(argv[2]), threads = atoi(argv[3]), log_blowup = atoi(argv[4]);
    uint32_t n = 1u << log, blocks = 1u << log_blowup;
    omp_set_num_threads(threads);

    uint32_t *fwd = twiddles(log, 0), *inv = twiddles(log, 1);
    uint32_t **input = malloc(columns * sizeof *input);
    uint32_t **work = malloc(columns * sizeof *work);
    uint32_t **lde = malloc(columns * sizeof *lde);
#pragma omp parallel for schedule(dynamic, 1)
    for (int c = 0; c < columns; c++) {
        input[c] = malloc((size_t)n * 4);
        work[c] = malloc((size_t)n * 4);
        lde[c] = malloc((size_t)n * blocks * 4);
        for (uint32_t i = 0; i < n; i++)
            input[c][i] = to_mont((uint32_t)(splitmix64((uint64_t)c * n + i) % P));
        memset(lde[c], 0, (size_t)n * blocks * 4);
    }
    /* Coset scaling tables: row c = n^-1 (31 w_D^bitrev(c))^j. */
    uint32_t **scale = malloc(blocks * sizeof *scale);
    uint32_t omega_d = root_of_unity(log + log_blowup), n_inv = inv_mont(to_mont(n));
    for (uint32_t c = 0; c < blocks; c++) {
        uint32_t rev = log_blowup == 0 ? 0 : reverse_bits(c, log_blowup);
        uint32_t shift = mul(to_mont(31), pow_mont(omega_d, rev)), x = n_inv;
        scale[c] = malloc((size_t)n * 4);
        for (uint32_t j = 0; j < n; j++) {
            scale[c][j] = x;
            x = mul(x, shift);
        }
    }

    double ntt_ms = 0, lde_ms = 0;
    for (int round = 0; round < 2; round++) { /* round 0 warms caches and pages */
        double t0 = now_ms();
#pragma omp parallel for schedule(dynamic, 1)
        for (int c = 0; c < columns; c++) {
            memcpy(work[c], input[c], (size_t)n * 4);
            dif(work[c], log, fwd);
        }
        double t1 = now_ms();
#pragma omp parallel for schedule(dynamic, 1)
        for (int c = 0; c < columns; c++) {
            uint32_t *col = lde[c];
            bit_reverse_copy(input[c], col, log);
            dit(col, log, inv);
            for (int b = (int)blocks - 1; b >= 0; b--) {
                uint32_t *out = col + (size_t)b * n;
                const uint32_t *s = scale[b];
                for (uint32_t j = 0; j < n; j++) out[j] = mul(col[j], s[j]);
                dif(out, log, fwd);
            }
        }
        double t2 = now_ms();
        ntt_ms = t1 - t0;
        lde_ms = t2 - t1;
    }
    printf("ntt_ms %.3f\n", ntt_ms);
    printf("lde_ms %.3f\n", lde_ms);
    printf("ntt_checksum %" PRIu64 "\n", checksum(work, columns, n));
    printf("lde_checksum %" PRIu64 "\n", checksum(lde, columns, (uint64_t)n * blocks));
    return 0;
}
