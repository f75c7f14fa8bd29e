/*
 * bigmem: fills a heap buffer and reads it back (touches every 1 KiB page).
 * Input: the size in MiB as 4 bytes little-endian; empty input means 16.
 * Word i (0-based) of the buffer is written as i * 0x9E3779B1 (mod 2^32);
 * the journal is sum of all words read back (mod 2^32, 4 bytes LE) then the
 * size in MiB (4 bytes LE), 8 bytes.
 * Exit code 0; 1 if the input holds 1 to 3 bytes; 2 if the heap (about
 * 175 MiB) cannot hold the buffer.
 */
#include <stdlib.h>

#include "bento.h"

int main(void)
{
    uint32_t mib = 16;
    int r = bento_read_u32(&mib);

    if (r < 0)
        return 1;
    if (mib > 1024)
        return 2;

    uint32_t words = mib << 18; /* 2^20 bytes / 4 */
    uint32_t sum = 0;

    if (words != 0) {
        volatile uint32_t *buf = malloc((size_t)words * 4u);
        if (buf == NULL)
            return 2;
        uint32_t v = 0;
        for (uint32_t i = 0; i < words; i++) {
            buf[i] = v;
            v += 0x9E3779B1u;
        }
        for (uint32_t i = 0; i < words; i++)
            sum += buf[i];
        free((void *)buf);
    }

    bento_commit_u32(sum);
    bento_commit_u32(mib);
    return 0;
}
