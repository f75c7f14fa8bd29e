/* Bento-J guest SDK, internal: the stdout line buffer shared by bento.c and stdio.c. */
#ifndef BENTO_STDIO_GLUE_H
#define BENTO_STDIO_GLUE_H

/* Sends buffered stdout/stderr bytes to LOG. */
void __bento_stdout_flush(void);

#endif
