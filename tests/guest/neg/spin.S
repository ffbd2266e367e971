/*
 * Negative program, no golden: spins until a debugger writes non-zero to
 * `release` (gdb_proto.py does, before it lets go), then prints and powers
 * off. The gdb protocol test needs a guest that is still running however
 * fast the exec strategy is; a fixed amount of work (busy.S) ends too soon
 * under the JIT.
 */
	.syntax unified
	.arm
	.text
	.global main
	.type main, %function
main:
	push	{r4, lr}
	ldr	r2, =release
1:	ldr	r0, [r2]
	cmp	r0, #0
	beq	1b
	ldr	r0, =done_msg
	bl	rt_printf
	mov	r0, #0
	pop	{r4, pc}
	.size main, . - main

	.data
	.global release
	.align	2
release:
	.word	0

	.section .rodata
done_msg:
	.asciz	"spin: released\n"
