/*
 * Negative program, no golden: computes for a long time with IRQ and FIQ
 * masked and touches no device until it is done (about 800 million
 * instructions, seconds under an interpreter), then prints and powers off.
 * Correct code, not a hang: captive's default watchdog must let it finish;
 * only an explicit --watchdog shorter than its run time may stop it.
 */
	.syntax unified
	.arm
	.text
	.global main
	.type main, %function
main:
	push	{r4, lr}
	cpsid	if
	ldr	r0, =200000000
	mov	r1, #0
1:	add	r1, r1, r0
	eor	r1, r1, r1, ror #7
	subs	r0, r0, #1
	bne	1b
	mov	r4, r1
	cpsie	if
	ldr	r0, =done_msg
	mov	r1, r4
	bl	rt_printf
	mov	r0, #0
	pop	{r4, pc}
	.size main, . - main

	.section .rodata
done_msg:
	.asciz	"busy: done, checksum %08x\n"
