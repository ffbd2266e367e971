/*
 * Load/store multiple, exclusives and branch forms for the isa program:
 * cases that need fixed registers or control flow inline asm cannot express.
 * Results go to an out[] array that isa.c prints; addresses are stored as
 * offsets from the buffer so the output does not depend on the link layout.
 */
	.syntax unified
	.arm
	.text

/*
 * void isa_ldm_stm(uint32_t *buf, uint32_t *out)
 * buf[0..15] hold a known pattern and are only read; buf[16..31] are written.
 */
	.global isa_ldm_stm
	.type isa_ldm_stm, %function
isa_ldm_stm:
	push	{r4-r11, lr}
	mov	r12, r1

	/* Four addressing modes with writeback; base starts at buf + 16. */
	add	r2, r0, #16
	ldmia	r2!, {r3-r6}
	stmia	r12!, {r3-r6}
	sub	r2, r2, r0
	str	r2, [r12], #4

	add	r2, r0, #16
	ldmib	r2!, {r3-r6}
	stmia	r12!, {r3-r6}
	sub	r2, r2, r0
	str	r2, [r12], #4

	add	r2, r0, #16
	ldmda	r2!, {r3-r6}
	stmia	r12!, {r3-r6}
	sub	r2, r2, r0
	str	r2, [r12], #4

	add	r2, r0, #16
	ldmdb	r2!, {r3-r6}
	stmia	r12!, {r3-r6}
	sub	r2, r2, r0
	str	r2, [r12], #4

	/* Base in the list, no writeback: the base register gets the loaded value. */
	add	r3, r0, #32
	ldmia	r3, {r2, r3}
	stmia	r12!, {r2, r3}

	/* Non-contiguous list and a single register. */
	add	r2, r0, #4
	ldmia	r2, {r4, r7, r9, r11}
	stmia	r12!, {r4, r7, r9, r11}
	ldmdb	r2, {r10}
	str	r10, [r12], #4

	/* Stores into buf[16..31], each variant with writeback. */
	movw	r3, #0xA0A0
	movw	r4, #0xA1A1
	movw	r5, #0xA2A2
	movw	r6, #0xA3A3
	add	r2, r0, #64
	stmia	r2!, {r3, r4}
	sub	r2, r2, r0
	str	r2, [r12], #4

	movw	r3, #0xB0B0
	movw	r4, #0xB1B1
	add	r2, r0, #80
	stmib	r2!, {r3, r4}
	sub	r2, r2, r0
	str	r2, [r12], #4

	movw	r3, #0xC0C0
	movw	r4, #0xC1C1
	add	r2, r0, #104
	stmda	r2!, {r3, r4}
	sub	r2, r2, r0
	str	r2, [r12], #4

	movw	r3, #0xD0D0
	movw	r4, #0xD1D1
	add	r2, r0, #124
	stmdb	r2!, {r3-r6}
	sub	r2, r2, r0
	str	r2, [r12], #4

	/* Base lowest in the list with writeback: the original base is stored. */
	add	r3, r0, #124
	stmia	r3!, {r3}
	ldr	r4, [r0, #124]
	sub	r4, r4, r0
	str	r4, [r0, #124]
	sub	r3, r3, r0
	stmia	r12!, {r3, r4}

	/* push/pop move data between registers through the stack. */
	movw	r3, #0x3333
	movw	r4, #0x4444
	movw	r5, #0x5555
	movw	r6, #0x6666
	push	{r3-r6}
	pop	{r7-r10}
	stmia	r12!, {r7-r10}
	push	{r3}
	pop	{r11}
	str	r11, [r12], #4

	/* Post-indexed LDR/STR with immediate through the stack pointer. */
	str	r6, [sp, #-8]!
	ldr	r7, [sp], #8
	str	r7, [r12], #4

	pop	{r4-r11, pc}
	.size isa_ldm_stm, . - isa_ldm_stm

/* void isa_exclusive(uint32_t *buf, uint32_t *out) */
	.global isa_exclusive
	.type isa_exclusive, %function
isa_exclusive:
	ldrex	r2, [r0]
	str	r2, [r1, #0]
	add	r2, r2, #1
	strex	r3, r2, [r0]
	str	r3, [r1, #4]
	ldrex	r2, [r0]
	str	r2, [r1, #8]
	clrex
	strex	r3, r2, [r0]
	str	r3, [r1, #12]
	ldrexb	r2, [r0]
	add	r2, r2, #0x10
	strexb	r3, r2, [r0]
	orr	r2, r2, r3, lsl #16
	str	r2, [r1, #16]
	ldrexh	r2, [r0]
	add	r2, r2, #0x100
	strexh	r3, r2, [r0]
	orr	r2, r2, r3, lsl #20
	str	r2, [r1, #20]
	bx	lr
	.size isa_exclusive, . - isa_exclusive

/*
 * uint32_t isa_branches(uint32_t sel): dispatch through an ADD-to-PC jump
 * table, then exercise one branch form per case.
 */
	.global isa_branches
	.type isa_branches, %function
isa_branches:
	push	{r4, lr}
	cmp	r0, #5
	addls	pc, pc, r0, lsl #2
	b	br_default
	b	br_case0
	b	br_case1
	b	br_case2
	b	br_case3
	b	br_case4
	b	br_case5

br_case0:
	bl	br_leaf
	pop	{r4, pc}

br_case1:
	adr	r1, br_leaf_b1
	blx	r1
	pop	{r4, pc}

br_case2:
	ldr	pc, =br_literal_target
br_literal_target:
	mov	r0, #0xB2
	pop	{r4, pc}

/* Conditional branches: one result bit per branch that went the right way. */
br_case3:
	mov	r0, #0
	mov	r1, #5
	cmp	r1, #5
	bne	1f
	orr	r0, r0, #1
1:	cmp	r1, #6
	bge	2f
	orr	r0, r0, #2
2:	cmp	r1, #4
	bhi	3f
	orr	r0, r0, #0x80
3:	mvn	r2, #0
	cmp	r2, #1
	blt	4f
	orr	r0, r0, #0x40
	b	5f
4:	orr	r0, r0, #4
5:	cmn	r2, #1
	bcs	6f
	orr	r0, r0, #0x20
	b	7f
6:	orr	r0, r0, #8
7:	orr	r0, r0, #0xB300
	pop	{r4, pc}

br_case4:
	bl	br_nested
	add	r0, r0, #0xB0
	pop	{r4, pc}

br_case5:
	adr	r1, 1f
	mov	pc, r1
	mov	r0, #0xBAD
	pop	{r4, pc}
1:	adr	r2, 2f
	push	{r2}
	ldr	pc, [sp], #4
	mov	r0, #0xBAD
	pop	{r4, pc}
2:	mov	r0, #0xB5
	pop	{r4, pc}

br_default:
	movw	r0, #0xBAD
	pop	{r4, pc}

br_leaf:
	mov	r0, #0xB0
	bx	lr

br_leaf_b1:
	mov	r0, #0xB1
	mov	pc, lr

/* A non-leaf function that returns with an LDM loading the PC. */
br_nested:
	push	{r4, lr}
	mov	r4, #1
	bl	br_leaf
	sub	r0, r0, #0xAC
	pop	{r4, pc}
	.size isa_branches, . - isa_branches

	.ltorg
