/*
 * Bento-J guest SDK (guest ABI version 1, see spec/guest-abi.md).
 *
 * A guest is an RV32IM program: main() runs after start-up (sdk/start.S);
 * its return value becomes the exit code (0 = success). Input is private,
 * the journal is public, the log is neither proven nor public.
 *
 *   READ   a7=1  a0=dst  a1=max   -> a0 = bytes copied (<= 65535, 0 at end of input)
 *   COMMIT a7=2  a0=src  a1=len      append to the journal
 *   LOG    a7=3  a0=src  a1=len      append to the session log
 *   HALT   a7=0  a0=code a1=&sha256(journal), 4-byte aligned
 *
 * The SDK hashes every byte passed to bento_commit(), so bento_halt() (and a
 * return from main, exit() or abort()) always hands the host a matching
 * journal digest. Never issue a raw COMMIT ecall yourself.
 *
 * stdout/stderr (printf, puts, ...) are line-buffered into LOG; stdin reads
 * the private input one byte per READ call (slow: prefer bento_read*).
 */
#ifndef BENTO_H
#define BENTO_H

#include <stdint.h>

#include "sha256.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BENTO_ABI_VERSION 1

#define BENTO_SYS_HALT 0u
#define BENTO_SYS_READ 1u
#define BENTO_SYS_COMMIT 2u
#define BENTO_SYS_LOG 3u

/* Largest byte count a single READ call returns. */
#define BENTO_READ_MAX 65535u

/* Guest memory layout (ABI): [BENTO_MEM_START, BENTO_MEM_END), sp starts at BENTO_MEM_END. */
#define BENTO_MEM_START 0x00010000u
#define BENTO_MEM_END 0x0C000000u

/* One READ call: copies at most min(max, 65535) bytes, returns the count; 0 means end of input. */
uint32_t bento_read(void *dst, uint32_t max);

/* Loops over READ until len bytes arrived or the input ended; returns the bytes read (< len only at end of input). */
uint32_t bento_read_exact(void *dst, uint32_t len);

/*
 * Reads the rest of the input into a malloc'd buffer (with one extra NUL byte
 * after the data, not counted). Stores the length in *len. Returns NULL if
 * the heap is exhausted.
 */
void *bento_read_all(uint32_t *len);

/*
 * Reads a 4-byte little-endian word. Returns 1 and stores it on success,
 * 0 if the input was already at its end (nothing read), -1 if it ended
 * after 1 to 3 bytes.
 */
int bento_read_u32(uint32_t *out);

/* Appends len bytes to the journal (public output) and to the running journal digest. */
void bento_commit(const void *src, uint32_t len);
void bento_commit_u32(uint32_t v); /* 4 bytes, little-endian */
void bento_commit_u64(uint64_t v); /* 8 bytes, little-endian */

/* Appends len bytes to the session log (not proven). Flushes pending stdout first so the order is kept. */
void bento_log(const void *src, uint32_t len);
void bento_log_str(const char *s);

/* SHA-256 of everything committed so far (does not end the running hash). */
void bento_journal_digest(uint8_t out[32]);

/* Flushes stdout, then HALTs with the exit code and the journal digest. Never returns. */
__attribute__((noreturn)) void bento_halt(uint32_t code);

/* Raw system call: number in a7, arguments in a0/a1, result from a0. */
static inline uint32_t bento_syscall(uint32_t num, uint32_t arg0, uint32_t arg1)
{
    register uint32_t a0 __asm__("a0") = arg0;
    register uint32_t a1 __asm__("a1") = arg1;
    register uint32_t a7 __asm__("a7") = num;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
    return a0;
}

#ifdef __cplusplus
}
#endif

#endif /* BENTO_H */
