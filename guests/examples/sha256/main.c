/*
 * sha256: hashes the whole private input.
 * Input: any bytes. Journal: SHA-256(input), 32 bytes. Exit code 0 (2 if
 * the 64 KiB read buffer cannot be allocated).
 */
#include <stdlib.h>

#include "bento.h"

#define CHUNK (64u * 1024u)

int main(void)
{
    /* On the heap, not in .bss, so start-up does not spend cycles clearing it. */
    uint8_t *chunk = malloc(CHUNK);
    bento_sha256_ctx ctx = BENTO_SHA256_INIT;
    uint8_t digest[32];
    uint32_t n;

    if (chunk == NULL)
        return 2;
    /* Whole 64 KiB chunks (several READ calls each) go straight to the compression function. */
    while ((n = bento_read_exact(chunk, CHUNK)) != 0) {
        bento_sha256_update(&ctx, chunk, n);
        if (n < CHUNK)
            break;
    }
    bento_sha256_final(&ctx, digest);
    bento_commit(digest, sizeof digest);
    return 0;
}
