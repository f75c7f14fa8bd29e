/*
 * Bento-J guest SDK: system calls, the running journal digest, and the exit
 * path picolibc uses (_exit).
 */
#include "bento.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stdio_glue.h"

/* Running SHA-256 of every committed byte; statically initialised so it needs no start-up code. */
static bento_sha256_ctx journal = BENTO_SHA256_INIT;

uint32_t bento_read(void *dst, uint32_t max)
{
    if (max > BENTO_READ_MAX)
        max = BENTO_READ_MAX;
    if (max == 0)
        return 0;
    return bento_syscall(BENTO_SYS_READ, (uint32_t)(uintptr_t)dst, max);
}

uint32_t bento_read_exact(void *dst, uint32_t len)
{
    uint8_t *p = (uint8_t *)dst;
    uint32_t got = 0;

    while (got < len) {
        uint32_t n = bento_read(p + got, len - got);
        if (n == 0)
            break;
        got += n;
    }
    return got;
}

void *bento_read_all(uint32_t *len)
{
    uint32_t cap = 64u * 1024u, used = 0;
    uint8_t *buf = malloc(cap + 1u);

    *len = 0;
    if (buf == NULL)
        return NULL;
    for (;;) {
        if (used == cap) {
            uint8_t *bigger;
            if (cap > 0x40000000u)
                goto oom;
            cap *= 2u;
            bigger = realloc(buf, cap + 1u);
            if (bigger == NULL)
                goto oom;
            buf = bigger;
        }
        uint32_t n = bento_read(buf + used, cap - used);
        if (n == 0)
            break;
        used += n;
    }
    buf[used] = 0;
    *len = used;
    return buf;
oom:
    free(buf);
    return NULL;
}

int bento_read_u32(uint32_t *out)
{
    /* A word-aligned destination lets the host write whole words. RISC-V is little-endian. */
    uint32_t word = 0;
    uint32_t n = bento_read_exact(&word, 4);

    if (n == 0)
        return 0;
    if (n < 4)
        return -1;
    *out = word;
    return 1;
}

void bento_commit(const void *src, uint32_t len)
{
    if (len == 0)
        return;
    bento_sha256_update(&journal, src, len);
    bento_syscall(BENTO_SYS_COMMIT, (uint32_t)(uintptr_t)src, len);
}

void bento_commit_u32(uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    bento_commit(b, 4);
}

void bento_commit_u64(uint64_t v)
{
    uint8_t b[8];
    for (unsigned i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    bento_commit(b, 8);
}

void bento_log(const void *src, uint32_t len)
{
    __bento_stdout_flush();
    if (len == 0)
        return;
    bento_syscall(BENTO_SYS_LOG, (uint32_t)(uintptr_t)src, len);
}

void bento_log_str(const char *s)
{
    bento_log(s, (uint32_t)strlen(s));
}

void bento_journal_digest(uint8_t out[32])
{
    bento_sha256_ctx copy = journal;
    bento_sha256_final(&copy, out);
}

void bento_halt(uint32_t code)
{
    /* HALT wants a 4-byte-aligned digest address. */
    static uint32_t digest[8];

    __bento_stdout_flush();
    bento_sha256_final(&journal, (uint8_t *)digest);
    bento_syscall(BENTO_SYS_HALT, code, (uint32_t)(uintptr_t)digest);
    for (;;) {
        /* HALT does not return. */
    }
}

/* picolibc's exit(), _Exit() and abort() end here. */
void _exit(int code)
{
    bento_halt((uint32_t)code);
}

/*
 * raise() (and so abort()) with the default action sends the signal to the
 * process itself: the guest ends with exit code 128 + signal (abort: 134).
 */
pid_t getpid(void)
{
    return 1;
}

int kill(pid_t pid, int sig)
{
    if (pid == 1) {
        static const char msg[] = "guest: terminated by signal\n";
        bento_log(msg, sizeof msg - 1);
        bento_halt(128u + (uint32_t)sig);
    }
    errno = ESRCH;
    return -1;
}
