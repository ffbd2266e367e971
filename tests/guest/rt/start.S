/*
 * Start-up and exception entry for the guest test programs (ARM state only).
 *
 * QEMU enters an ELF at its entry point with the MMU off; nothing else about
 * the entry state is relied on: the mode and interrupt masks are set here.
 */

#define MODE_USR 0x10
#define MODE_FIQ 0x11
#define MODE_IRQ 0x12
#define MODE_SVC 0x13
#define MODE_ABT 0x17
#define MODE_UND 0x1B
#define MODE_SYS 0x1F
#define MASK_IF 0xC0

	.syntax unified
	.arm

	.section .vectors, "ax"
	.balign 32
	.global rt_vectors
rt_vectors:
	b	_start
	b	rt_und_entry
	b	rt_svc_entry
	b	rt_pabt_entry
	b	rt_dabt_entry
	b	rt_reserved_entry
	b	rt_irq_entry
	b	rt_fiq_entry

	.text
	.global _start
	.type _start, %function
_start:
	msr	cpsr_c, #(MODE_FIQ | MASK_IF)
	ldr	sp, =__stack_fiq_top
	msr	cpsr_c, #(MODE_IRQ | MASK_IF)
	ldr	sp, =__stack_irq_top
	msr	cpsr_c, #(MODE_ABT | MASK_IF)
	ldr	sp, =__stack_abt_top
	msr	cpsr_c, #(MODE_UND | MASK_IF)
	ldr	sp, =__stack_und_top
	msr	cpsr_c, #(MODE_SYS | MASK_IF)
	ldr	sp, =__stack_sys_top
	msr	cpsr_c, #(MODE_SVC | MASK_IF)
	ldr	sp, =__stack_svc_top

	/* Vectors at VBAR, not at the SCTLR.V high address. */
	ldr	r0, =rt_vectors
	mcr	p15, 0, r0, c12, c0, 0
	mrc	p15, 0, r0, c1, c0, 0
	bic	r0, r0, #(1 << 13)
	mcr	p15, 0, r0, c1, c0, 0
	isb

	/* RAM is not guaranteed to be zero under every loader. */
	ldr	r0, =__bss_start
	ldr	r1, =__bss_end
	mov	r2, #0
1:	cmp	r0, r1
	strlo	r2, [r0], #4
	blo	1b

	bl	main
	bl	rt_poweroff
	.size _start, . - _start

/*
 * Each stub turns lr into the address of the instruction that took the
 * exception (or, for IRQ/FIQ, the one to resume), saves a struct rt_frame on
 * the exception mode's stack (64 bytes, so sp stays 8-byte aligned for the C
 * call), and returns through the frame, restoring CPSR from the saved SPSR.
 */
	.macro exc_stub name, kind, adjust
	.type \name, %function
\name:
	sub	lr, lr, #\adjust
	stmfd	sp!, {r0-r12, lr}
	mrs	r1, spsr
	stmfd	sp!, {r0, r1}
	mov	r0, #\kind
	mov	r1, sp
	bl	rt_exception_dispatch
	ldmfd	sp!, {r0, r1}
	msr	spsr_cxsf, r1
	ldmfd	sp!, {r0-r12, pc}^
	.size \name, . - \name
	.endm

	exc_stub rt_und_entry, 1, 4
	exc_stub rt_svc_entry, 2, 4
	exc_stub rt_pabt_entry, 3, 4
	exc_stub rt_dabt_entry, 4, 8
	exc_stub rt_reserved_entry, 5, 4
	exc_stub rt_irq_entry, 6, 4
	exc_stub rt_fiq_entry, 7, 4

	.ltorg
