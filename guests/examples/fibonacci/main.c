/*
 * fibonacci: fib(n) mod 2^64, iteratively (fib(0) = 0, fib(1) = 1).
 * Input: n as 4 bytes little-endian; empty input means n = 1000.
 * Journal: n (4 bytes LE) then fib(n) mod 2^64 (8 bytes LE), 12 bytes.
 * Exit code 0; 1 if the input holds 1 to 3 bytes.
 * Also prints one line to the log through printf (tests the stdio glue).
 */
#include <stdio.h>

#include "bento.h"

int main(void)
{
    uint32_t n = 1000;
    int r = bento_read_u32(&n);

    if (r < 0) {
        printf("fibonacci: input must be empty or a 4-byte little-endian n\n");
        return 1;
    }

    uint64_t a = 0, b = 1; /* fib(i), fib(i + 1) */
    for (uint32_t i = 0; i < n; i++) {
        uint64_t t = a + b;
        a = b;
        b = t;
    }

    bento_commit_u32(n);
    bento_commit_u64(a);
    printf("fib(%lu) mod 2^64 = 0x%08lx%08lx\n", (unsigned long)n, (unsigned long)(a >> 32),
           (unsigned long)(uint32_t)a);
    return 0;
}
