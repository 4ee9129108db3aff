/* A trivial PVH guest for the QEMU -M microvm baseline: it writes 0x10 to the isa-debug-exit
 * port at once, which QEMU turns into exit code (0x10 << 1) | 1 = 33, unlike any QEMU error. */
        .section .note.Xen, "a", @note
        .align 4
        .long 4                 /* name size */
        .long 4                 /* descriptor size */
        .long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
        .asciz "Xen"
        .long _start
        .text
        .globl _start
        .code32
_start:
        mov $0x10, %al
        out %al, $0xf4
1:      hlt
        jmp 1b
