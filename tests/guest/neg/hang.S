/*
 * Negative program, no golden: masks interrupts and spins forever. QEMU never
 * ends it; captive's watchdog must turn it into exit code 4 with the guest PC.
 */
	.syntax unified
	.arm
	.text
	.global main
	.type main, %function
main:
	cpsid	if
1:	b	1b
	.size main, . - main
