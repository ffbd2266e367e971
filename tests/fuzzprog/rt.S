/*
 * Start-up and exception entry of the random guest programs (ARM state).
 *
 * _start sets up the exception modes' stacks and VBAR, lets fp_init fill the
 * scratch memory and build the page tables, and jumps to the generated
 * prog_main in SVC mode with A, I and F masked. Every exception goes through
 * one stub: the interrupted r0-r12 and the exception's LR are saved on the
 * mode's stack (struct fp_frame), the handler's CPSR and SPSR are read before
 * anything can change them, and fp_exception (fprt.c) dumps the state and
 * decides where to return by rewriting the saved LR (and SPSR).
 */
#include "fprt.h"

	.syntax unified
	.arch armv7-a
	.arm

	.section .vectors, "ax"
	.balign 32
	.global fp_vectors
fp_vectors:
	b	_start
	b	fp_und_entry
	b	fp_svc_entry
	b	fp_pabt_entry
	b	fp_dabt_entry
	b	fp_reserved_entry
	b	fp_irq_entry
	b	fp_fiq_entry

	.text
	.global _start
	.type _start, %function
_start:
	msr	cpsr_c, #0xd7		/* ABT */
	ldr	sp, =FP_EXC_STACKS + 0x2000
	msr	cpsr_c, #0xdb		/* UND */
	ldr	sp, =FP_EXC_STACKS + 0x4000
	msr	cpsr_c, #0xd2		/* IRQ */
	ldr	sp, =FP_EXC_STACKS + 0x5000
	msr	cpsr_c, #0xd1		/* FIQ */
	ldr	sp, =FP_EXC_STACKS + 0x6000
	msr	cpsr_c, #0xd3		/* SVC */
	ldr	sp, =FP_EXC_STACKS + 0x8000
	cpsid	aif

	ldr	r0, =fp_vectors
	mcr	p15, 0, r0, c12, c0, 0
	mrc	p15, 0, r0, c1, c0, 0
	bic	r0, r0, #(1 << 13)	/* vectors at VBAR */
	mcr	p15, 0, r0, c1, c0, 0
	isb

	bl	fp_init
	b	prog_main
	.size _start, . - _start

	.macro exc_stub name, kind
	.type \name, %function
\name:
	stmfd	sp!, {r0-r12, lr}
	mrs	r2, cpsr
	mrs	r3, spsr
	mov	r0, #\kind
	mov	r1, sp
	bl	fp_exception
	ldmfd	sp!, {r0-r12, pc}^
	.size \name, . - \name
	.endm

	exc_stub fp_und_entry, FP_EXC_UND
	exc_stub fp_svc_entry, FP_EXC_SVC
	exc_stub fp_pabt_entry, FP_EXC_PABT
	exc_stub fp_dabt_entry, FP_EXC_DABT
	exc_stub fp_reserved_entry, FP_EXC_RESERVED
	exc_stub fp_irq_entry, FP_EXC_IRQ
	exc_stub fp_fiq_entry, FP_EXC_FIQ

	.ltorg
