/*
 * Plain scalar C Poseidon2 over BabyBear, width 24 (R_F = 8, R_P = 21, S-box x^7), the
 * yardstick of ./bench/run poseidon2 (spec/benchmarks.md: "within 2x of C").
 *
 * It holds no constants of its own: the Java benchmark writes them to stdin, so the Java
 * permutation stays the one source of truth. stdin, whitespace-separated canonical decimals:
 *   192 external round constants (8 rows of 24: 4 rows before the partial rounds, 4 after),
 *   21 internal round constants, 24 internal diagonal entries mu, 24 input cells.
 * stdout: line 1: the permutation of the input (24 canonical values);
 *         line 2: "<perms> <nanoseconds>" for chained permutations run for argv[1] seconds.
 *
 * Same algorithm as dev.bentoj.zkvm.hash.Poseidon2: elements in 32-bit Montgomery form,
 * M_E = circ(2 M4, M4, ..., M4) formed in 64-bit sums and reduced once per cell, M_I = J + diag(mu)
 * with the running sum of the state.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define WIDTH 24
#define HALF_FULL 4
#define PARTIAL 21

static const uint32_t P = 0x78000001u;
static const uint32_t MU_NEG = 0x77ffffffu;  /* -p^-1 mod 2^32 */
static const uint32_t R2 = 0x45DDDDE3u;      /* 2^64 mod p */

static uint32_t ext_rc[2 * HALF_FULL][WIDTH];
static uint32_t int_rc[PARTIAL];
static uint32_t diag[WIDTH];

/* a*b*2^-32 mod p for a, b in [0, p) */
static inline uint32_t mont_mul(uint32_t a, uint32_t b) {
    uint64_t x = (uint64_t)a * b;
    uint32_t m = (uint32_t)x * MU_NEG;
    uint32_t r = (uint32_t)((x + (uint64_t)m * P) >> 32);
    return r >= P ? r - P : r;
}

static inline uint32_t add_mod(uint32_t a, uint32_t b) {
    uint32_t s = a + b;
    return s >= P ? s - P : s;
}

static inline uint32_t sbox(uint32_t x) {
    uint32_t x2 = mont_mul(x, x);
    uint32_t x3 = mont_mul(x2, x);
    uint32_t x4 = mont_mul(x2, x2);
    return mont_mul(x3, x4);
}

/* M4 = [[5,7,1,3],[4,6,1,1],[1,3,5,7],[1,1,4,6]] on every block, plus the per-position sums. */
static inline void external_layer(uint32_t *s) {
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (int b = 0; b < WIDTH; b += 4) {
        t0 += s[b]; t1 += s[b + 1]; t2 += s[b + 2]; t3 += s[b + 3];
    }
    uint64_t c0 = 5 * t0 + 7 * t1 + t2 + 3 * t3;
    uint64_t c1 = 4 * t0 + 6 * t1 + t2 + t3;
    uint64_t c2 = t0 + 3 * t1 + 5 * t2 + 7 * t3;
    uint64_t c3 = t0 + t1 + 4 * t2 + 6 * t3;
    for (int b = 0; b < WIDTH; b += 4) {
        uint64_t x0 = s[b], x1 = s[b + 1], x2 = s[b + 2], x3 = s[b + 3];
        s[b] = (uint32_t)((5 * x0 + 7 * x1 + x2 + 3 * x3 + c0) % P);
        s[b + 1] = (uint32_t)((4 * x0 + 6 * x1 + x2 + x3 + c1) % P);
        s[b + 2] = (uint32_t)((x0 + 3 * x1 + 5 * x2 + 7 * x3 + c2) % P);
        s[b + 3] = (uint32_t)((x0 + x1 + 4 * x2 + 6 * x3 + c3) % P);
    }
}

static inline void external_round(uint32_t *s, const uint32_t *rc) {
    for (int i = 0; i < WIDTH; i++) {
        s[i] = sbox(add_mod(s[i], rc[i]));
    }
    external_layer(s);
}

static inline void internal_rounds(uint32_t *s) {
    for (int r = 0; r < PARTIAL; r++) {
        s[0] = sbox(add_mod(s[0], int_rc[r]));
        uint64_t sum = 0;
        for (int i = 0; i < WIDTH; i++) {
            sum += s[i];
        }
        uint32_t total = (uint32_t)(sum % P);
        for (int i = 0; i < WIDTH; i++) {
            s[i] = add_mod(mont_mul(diag[i], s[i]), total);
        }
    }
}

static void permute(uint32_t *s) {
    external_layer(s);
    for (int r = 0; r < HALF_FULL; r++) {
        external_round(s, ext_rc[r]);
    }
    internal_rounds(s);
    for (int r = HALF_FULL; r < 2 * HALF_FULL; r++) {
        external_round(s, ext_rc[r]);
    }
}

static uint32_t read_canonical(void) {
    unsigned long v;
    if (scanf("%lu", &v) != 1 || v >= P) {
        fprintf(stderr, "poseidon2.c: expected a canonical BabyBear value on stdin\n");
        exit(2);
    }
    return mont_mul((uint32_t)v, R2);
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 2.0;
    for (int r = 0; r < 2 * HALF_FULL; r++)
        for (int i = 0; i < WIDTH; i++) ext_rc[r][i] = read_canonical();
    for (int r = 0; r < PARTIAL; r++) int_rc[r] = read_canonical();
    for (int i = 0; i < WIDTH; i++) diag[i] = read_canonical();
    uint32_t s[WIDTH];
    for (int i = 0; i < WIDTH; i++) s[i] = read_canonical();

    permute(s);
    for (int i = 0; i < WIDTH; i++) printf(i ? " %u" : "%u", mont_mul(s[i], 1));
    printf("\n");

    /* warm-up, then chained permutations (each depends on the last) in batches */
    for (int i = 0; i < 100000; i++) permute(s);
    long perms = 0;
    double t0 = now_ns(), t1;
    do {
        for (int i = 0; i < 10000; i++) permute(s);
        perms += 10000;
        t1 = now_ns();
    } while (t1 - t0 < seconds * 1e9);
    printf("%ld %.0f\n", perms, t1 - t0);
    fprintf(stderr, "checksum %u\n", s[0]); /* keeps the loop observable */
    return 0;
}
