/*
 * Bento-J guest start-up (RV32IM, ilp32).
 *
 * At entry (guest ABI v1) sp = 0x0C000000 and every other register is 0.
 * We set gp (for linker relaxation) and tp (picolibc keeps errno in
 * thread-local storage), clear .tbss/.bss, run the constructor arrays, call
 * main(0, argv = {NULL}) and pass its return value to bento_halt().
 */
    .section .text.init.enter, "ax", @progbits
    .globl  _start
    .type   _start, @function
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack
    la      tp, __tls_base

    /* Zero [__bss_start, __bss_end): both 4-byte aligned by link.ld. */
    la      t0, __bss_start
    la      t1, __bss_end
    bgeu    t0, t1, 2f
1:  sw      zero, 0(t0)
    addi    t0, t0, 4
    bltu    t0, t1, 1b
2:
    /* Constructors: .preinit_array then .init_array (contiguous in link.ld). */
    la      s0, __preinit_array_start
    la      s1, __init_array_end
    bgeu    s0, s1, 4f
3:  lw      t0, 0(s0)
    addi    s0, s0, 4
    jalr    t0
    bltu    s0, s1, 3b
4:
    li      a0, 0
    la      a1, __bento_argv
    call    main
    tail    bento_halt
    .size   _start, . - _start

    .section .rodata.__bento_argv, "a", @progbits
    .balign 4
__bento_argv:
    .word   0
