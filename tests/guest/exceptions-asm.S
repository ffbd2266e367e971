/*
 * Mode switching, banked registers, SPSRs, user mode and an alternative
 * vector table for the exceptions program. Every routine returns in SVC mode
 * with the registers and banked state it found.
 */
	.syntax unified
	.arm

#define MODE_USR 0x10
#define MODE_FIQ 0x11
#define MODE_IRQ 0x12
#define MODE_SVC 0x13
#define MODE_ABT 0x17
#define MODE_UND 0x1B
#define MODE_SYS 0x1F
#define MASK_IF 0xC0

	.bss
	.balign 4
banked_save:
	.space 4 * 16

	.text

/*
 * void exc_banked(uint32_t *out)
 * Gives every mode's SP and LR (and FIQ's r8-r12) a distinct value, then
 * reads them all back, so a missing bank shows as a value seen in two modes.
 * out receives 22 words, in the order the stores below make them.
 */
	.global exc_banked
	.type exc_banked, %function
exc_banked:
	push	{r4-r11, lr}
	ldr	r1, =banked_save

	msr	cpsr_c, #(MODE_FIQ | MASK_IF)
	stmia	r1!, {r8-r12, sp, lr}
	mov	r8, #0xF8
	mov	r9, #0xF9
	mov	r10, #0xFA
	mov	r11, #0xFB
	mov	r12, #0xFC
	movw	sp, #0x5111
	movw	lr, #0x6111
	msr	cpsr_c, #(MODE_IRQ | MASK_IF)
	stmia	r1!, {sp, lr}
	movw	sp, #0x5112
	movw	lr, #0x6112
	msr	cpsr_c, #(MODE_ABT | MASK_IF)
	stmia	r1!, {sp, lr}
	movw	sp, #0x5117
	movw	lr, #0x6117
	msr	cpsr_c, #(MODE_UND | MASK_IF)
	stmia	r1!, {sp, lr}
	movw	sp, #0x511B
	movw	lr, #0x611B
	msr	cpsr_c, #(MODE_SYS | MASK_IF)
	stmia	r1!, {sp, lr}
	movw	sp, #0x511F
	movw	lr, #0x611F
	msr	cpsr_c, #(MODE_SVC | MASK_IF)
	mov	r8, #0x38
	mov	r9, #0x39
	mov	r10, #0x3A
	mov	r11, #0x3B
	mov	r12, #0x3C

	/* Read back in a different order from the one written. */
	msr	cpsr_c, #(MODE_UND | MASK_IF)
	stmia	r0!, {sp, lr}
	msr	cpsr_c, #(MODE_SYS | MASK_IF)
	stmia	r0!, {sp, lr}
	msr	cpsr_c, #(MODE_FIQ | MASK_IF)
	stmia	r0!, {r8-r12, sp, lr}
	msr	cpsr_c, #(MODE_ABT | MASK_IF)
	stmia	r0!, {sp, lr}
	msr	cpsr_c, #(MODE_IRQ | MASK_IF)
	stmia	r0!, {sp, lr}
	msr	cpsr_c, #(MODE_SVC | MASK_IF)
	stmia	r0!, {r8-r12}
	/* User-bank transfers from SVC mode: STM and LDM with ^ and no PC. */
	stmia	r0, {sp, lr}^
	add	r0, r0, #8
	movw	r2, #0x711F
	movw	r3, #0x811F
	push	{r2, r3}
	ldmia	sp, {sp, lr}^
	add	sp, sp, #8
	msr	cpsr_c, #(MODE_SYS | MASK_IF)
	mov	r2, sp
	mov	r3, lr
	msr	cpsr_c, #(MODE_SVC | MASK_IF)
	stmia	r0!, {r2, r3}

	/* Restore every bank. */
	ldr	r1, =banked_save
	msr	cpsr_c, #(MODE_FIQ | MASK_IF)
	ldmia	r1!, {r8-r12, sp, lr}
	msr	cpsr_c, #(MODE_IRQ | MASK_IF)
	ldmia	r1!, {sp, lr}
	msr	cpsr_c, #(MODE_ABT | MASK_IF)
	ldmia	r1!, {sp, lr}
	msr	cpsr_c, #(MODE_UND | MASK_IF)
	ldmia	r1!, {sp, lr}
	msr	cpsr_c, #(MODE_SYS | MASK_IF)
	ldmia	r1!, {sp, lr}
	msr	cpsr_c, #(MODE_SVC | MASK_IF)
	pop	{r4-r11, pc}
	.size exc_banked, . - exc_banked

/*
 * void exc_spsr(uint32_t value, uint32_t *out)
 * Writes value to the SPSR of FIQ, IRQ, ABT, UND and SVC mode and reads each
 * back (5 words), restoring the original SPSRs.
 */
	.macro spsr_round_trip mode
	msr	cpsr_c, #(\mode | MASK_IF)
	mrs	r2, spsr
	msr	spsr_fsxc, r0
	mrs	r3, spsr
	str	r3, [r1], #4
	msr	spsr_fsxc, r2
	.endm

	.global exc_spsr
	.type exc_spsr, %function
exc_spsr:
	spsr_round_trip MODE_FIQ
	spsr_round_trip MODE_IRQ
	spsr_round_trip MODE_ABT
	spsr_round_trip MODE_UND
	spsr_round_trip MODE_SVC
	bx	lr
	.size exc_spsr, . - exc_spsr

/*
 * void exc_cps(uint32_t *out)
 * CPSR after each of a sequence of CPS forms, and the SP seen in SYS mode
 * (as an offset below the SYS stack top): 7 words. No interrupt source is
 * enabled, so unmasking here takes nothing.
 */
	.global exc_cps
	.type exc_cps, %function
exc_cps:
	mrs	r12, cpsr
	cpsie	i
	mrs	r2, cpsr
	str	r2, [r0], #4
	cpsie	f
	mrs	r2, cpsr
	str	r2, [r0], #4
	cpsid	if
	mrs	r2, cpsr
	str	r2, [r0], #4
	cpsie	a
	mrs	r2, cpsr
	str	r2, [r0], #4
	cpsid	a
	/* CPS with a mode change, into SYS and back: SP changes with the mode. */
	cps	#MODE_SYS
	mrs	r2, cpsr
	mov	r3, sp
	cps	#MODE_SVC
	str	r2, [r0], #4
	ldr	r1, =__stack_sys_top
	sub	r3, r1, r3
	str	r3, [r0], #4
	cpsid	i, #MODE_ABT
	mrs	r2, cpsr
	cps	#MODE_SVC
	str	r2, [r0], #4
	msr	cpsr_c, r12
	bx	lr
	.size exc_cps, . - exc_cps

/*
 * void exc_user(uint32_t *out)
 * Drops to user mode, tries privileged operations there, and comes back
 * through SVC #0x42 (exceptions.c's handler returns to SVC mode for it).
 * out gets the CPSR seen in user mode, after CPSID in user mode, and after an
 * MSR that tries to change the mode (each masked to the mode and mask bits).
 */
	.global exc_user
	.type exc_user, %function
exc_user:
	push	{r4-r11, lr}
	mov	r4, r0
	msr	cpsr_c, #MODE_USR
	mrs	r2, cpsr
	cpsid	if
	mrs	r3, cpsr
	msr	cpsr_c, #(MODE_SVC | MASK_IF)
	mrs	r5, cpsr
	/* Reading SCTLR from user mode is undefined: exceptions.c skips it. */
	mov	r6, #0x5C
	mrc	p15, 0, r6, c1, c0, 0
	stmia	r4, {r2, r3, r5, r6}
	mov	r0, #0
	mov	r1, #0
	svc	#0x42
	pop	{r4-r11, pc}
	.size exc_user, . - exc_user

/*
 * An alternative vector table: its SVC entry answers 0xA17 + the SVC number's
 * low byte in r0 without going through the runtime's dispatch; any other
 * exception through it is a failure and goes to the runtime's handlers.
 */
	.balign 32
	.global exc_alt_vectors
exc_alt_vectors:
	b	.
	b	alt_other
	b	alt_svc
	b	alt_other
	b	alt_other
	b	alt_other
	b	alt_other
	b	alt_other

alt_svc:
	push	{r1}
	ldr	r1, [lr, #-4]
	and	r1, r1, #0xFF
	movw	r0, #0xA17
	add	r0, r0, r1
	pop	{r1}
	movs	pc, lr

alt_other:
	/* Report through the runtime's table, as an exception the test never expects. */
	ldr	pc, =rt_vectors + 0x14

	.ltorg
