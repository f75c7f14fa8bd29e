/*
 * Bento-J guest SDK: a small portable SHA-256 (FIPS 180-4).
 */
#ifndef BENTO_SHA256_H
#define BENTO_SHA256_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BENTO_SHA256_DIGEST_SIZE 32u
#define BENTO_SHA256_BLOCK_SIZE 64u

typedef struct {
    uint32_t state[8];   /* chaining value H0..H7 */
    uint64_t total;      /* message bytes absorbed so far */
    uint32_t used;       /* bytes waiting in block[] (0..63) */
    uint8_t block[64];   /* partial block */
} bento_sha256_ctx;

/* Static initializer, equivalent to bento_sha256_init(). */
#define BENTO_SHA256_INIT                                                     \
    { { 0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,                   \
        0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u }, 0, 0, { 0 } }

void bento_sha256_init(bento_sha256_ctx *ctx);
void bento_sha256_update(bento_sha256_ctx *ctx, const void *data, uint32_t len);
/* Writes the 32-byte digest to out and leaves ctx unusable until re-initialised. */
void bento_sha256_final(bento_sha256_ctx *ctx, uint8_t out[32]);
/* One-shot convenience. */
void bento_sha256(const void *data, uint32_t len, uint8_t out[32]);

#ifdef __cplusplus
}
#endif

#endif /* BENTO_SHA256_H */
