/*
 * Bento-J guest SDK: SHA-256 per FIPS 180-4, written for RV32IM.
 *
 * Only byte loads/stores touch caller buffers, so any alignment works (the
 * zkVM faults on misaligned word accesses).
 */
#include "sha256.h"

#include <string.h>

static const uint32_t K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

static inline uint32_t ror(uint32_t x, unsigned n) { return (x >> n) | (x << (32u - n)); }

static inline uint32_t load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#define BSIG0(x) (ror((x), 2) ^ ror((x), 13) ^ ror((x), 22))
#define BSIG1(x) (ror((x), 6) ^ ror((x), 11) ^ ror((x), 25))
#define SSIG0(x) (ror((x), 7) ^ ror((x), 18) ^ ((x) >> 3))
#define SSIG1(x) (ror((x), 17) ^ ror((x), 19) ^ ((x) >> 10))
#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))

/* One round; the caller rotates the roles of a..h instead of moving values. */
#define ROUND(a, b, c, d, e, f, g, h, i)                                    \
    do {                                                                    \
        uint32_t t1_ = (h) + BSIG1(e) + CH((e), (f), (g)) + K[i] + w[i];    \
        (d) += t1_;                                                         \
        (h) = t1_ + BSIG0(a) + MAJ((a), (b), (c));                          \
    } while (0)

/* Compresses nblocks consecutive 64-byte blocks into state. */
/* noclone: one copy of this large function, not a second one specialised for nblocks = 1. */
__attribute__((noclone)) static void compress(uint32_t state[8], const uint8_t *p, uint32_t nblocks)
{
    uint32_t w[64];

    while (nblocks--) {
        for (unsigned i = 0; i < 16; i++)
            w[i] = load_be32(p + 4 * i);
        for (unsigned i = 16; i < 64; i++)
            w[i] = SSIG1(w[i - 2]) + w[i - 7] + SSIG0(w[i - 15]) + w[i - 16];

        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];

        for (unsigned i = 0; i < 64; i += 8) {
            ROUND(a, b, c, d, e, f, g, h, i + 0);
            ROUND(h, a, b, c, d, e, f, g, i + 1);
            ROUND(g, h, a, b, c, d, e, f, i + 2);
            ROUND(f, g, h, a, b, c, d, e, i + 3);
            ROUND(e, f, g, h, a, b, c, d, i + 4);
            ROUND(d, e, f, g, h, a, b, c, i + 5);
            ROUND(c, d, e, f, g, h, a, b, i + 6);
            ROUND(b, c, d, e, f, g, h, a, i + 7);
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
        p += 64;
    }
}

void bento_sha256_init(bento_sha256_ctx *ctx)
{
    static const bento_sha256_ctx init = BENTO_SHA256_INIT;
    *ctx = init;
}

void bento_sha256_update(bento_sha256_ctx *ctx, const void *data, uint32_t len)
{
    const uint8_t *p = (const uint8_t *)data;

    ctx->total += len;
    if (ctx->used) {
        uint32_t take = 64u - ctx->used;
        if (take > len)
            take = len;
        memcpy(ctx->block + ctx->used, p, take);
        ctx->used += take;
        p += take;
        len -= take;
        if (ctx->used < 64u)
            return;
        compress(ctx->state, ctx->block, 1);
        ctx->used = 0;
    }
    if (len >= 64u) {
        compress(ctx->state, p, len / 64u);
        p += len & ~63u;
        len &= 63u;
    }
    if (len) {
        memcpy(ctx->block, p, len);
        ctx->used = len;
    }
}

void bento_sha256_final(bento_sha256_ctx *ctx, uint8_t out[32])
{
    uint64_t bits = ctx->total * 8u;
    uint32_t used = ctx->used;

    ctx->block[used++] = 0x80;
    if (used > 56u) {
        memset(ctx->block + used, 0, 64u - used);
        compress(ctx->state, ctx->block, 1);
        used = 0;
    }
    memset(ctx->block + used, 0, 56u - used);
    store_be32(ctx->block + 56, (uint32_t)(bits >> 32));
    store_be32(ctx->block + 60, (uint32_t)bits);
    compress(ctx->state, ctx->block, 1);

    for (unsigned i = 0; i < 8; i++)
        store_be32(out + 4 * i, ctx->state[i]);
}

void bento_sha256(const void *data, uint32_t len, uint8_t out[32])
{
    bento_sha256_ctx ctx = BENTO_SHA256_INIT;
    bento_sha256_update(&ctx, data, len);
    bento_sha256_final(&ctx, out);
}
