/*
 * Bento-J guest SDK: picolibc (tinystdio) streams.
 *
 * stdout and stderr share one 256-byte line buffer that goes to LOG on '\n',
 * when full, on fflush() and at halt. stdin reads the private input one byte
 * per READ call.
 */
#include <stdio.h>

#include "bento.h"
#include "stdio_glue.h"

static char out_buf[256];
static uint32_t out_len;

void __bento_stdout_flush(void)
{
    uint32_t n = out_len;
    if (n) {
        out_len = 0;
        bento_syscall(BENTO_SYS_LOG, (uint32_t)(uintptr_t)out_buf, n);
    }
}

static int bento_putc(char c, FILE *f)
{
    (void)f;
    out_buf[out_len++] = c;
    if (c == '\n' || out_len == sizeof out_buf)
        __bento_stdout_flush();
    return (unsigned char)c;
}

static int bento_flush(FILE *f)
{
    (void)f;
    __bento_stdout_flush();
    return 0;
}

static int bento_getc(FILE *f)
{
    unsigned char c;
    (void)f;
    return bento_read(&c, 1) == 1 ? c : _FDEV_EOF;
}

static FILE bento_out = FDEV_SETUP_STREAM(bento_putc, NULL, bento_flush, _FDEV_SETUP_WRITE);
static FILE bento_in = FDEV_SETUP_STREAM(NULL, bento_getc, NULL, _FDEV_SETUP_READ);

FILE *const stdout = &bento_out;
FILE *const stderr = &bento_out;
FILE *const stdin = &bento_in;
