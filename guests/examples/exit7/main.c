/*
 * exit7: commits nothing and exits with code 7 (a failing guest, for tests).
 * Input: ignored. Journal: empty (digest = SHA-256 of no bytes). Exit code 7.
 */
#include "bento.h"

int main(void)
{
    bento_log_str("exit7: exiting with code 7\n");
    return 7;
}
