/*
 * hello: logs a line and commits "hello, world".
 * Input: ignored. Journal: the 12 bytes "hello, world". Exit code 0.
 */
#include "bento.h"

int main(void)
{
    static const char greeting[] = "hello from the guest\n";
    static const char message[] = "hello, world";

    bento_log(greeting, sizeof greeting - 1);
    bento_commit(message, sizeof message - 1);
    return 0;
}
