/*
 * The timed loops of the mechanism benchmarks that are not about code
 * layout (branches.S has those). Each is uint32_t f(uint32_t n, ...): n
 * iterations of one mechanism, returning a checksum folded from every value
 * the mechanism produced, so a wrong or skipped result changes it. n = 0 runs
 * no iteration.
 *
 * Each routine lives in its own section so a program links only its own.
 * The checksum fold is always "add sum, value, sum, ror #27".
 */
	.syntax unified
	.arm

#define MODE_SVC 0x13
#define MODE_SYS 0x1F
#define MASK_IF 0xC0

	.macro fn name
	.section .text.\name, "ax"
	.global \name
	.type \name, %function
	.balign 32
\name:
	.endm

/*
 * Vectors for exc-return: the SVC entry folds r1 into r3 and returns at
 * once; every other entry goes on to the runtime's vectors.
 */
	.section .text.mech_fast_vectors, "ax"
	.balign 32
	.global mech_fast_vectors
mech_fast_vectors:
	b	rt_vectors + 0x00
	b	rt_vectors + 0x04
	b	1f
	b	rt_vectors + 0x0C
	b	rt_vectors + 0x10
	b	rt_vectors + 0x14
	b	rt_vectors + 0x18
	b	rt_vectors + 0x1C
1:	add	r3, r1, r3, ror #27
	movs	pc, lr

/* uint32_t mech_exc_return_loop(uint32_t n): SVC from SYS mode to the bare entry above. */
	fn mech_exc_return_loop
	push	{r4-r5, lr}
	mrc	p15, 0, r5, c12, c0, 0
	ldr	r4, =mech_fast_vectors
	mcr	p15, 0, r4, c12, c0, 0
	isb
	mov	r3, #0
	movs	r1, r0
	beq	2f
	msr	cpsr_c, #(MODE_SYS | MASK_IF)
1:	svc	#0
	subs	r1, r1, #1
	bne	1b
	msr	cpsr_c, #(MODE_SVC | MASK_IF)
2:	mcr	p15, 0, r5, c12, c0, 0
	isb
	mov	r0, r3
	pop	{r4-r5, pc}
	.ltorg

/*
 * uint32_t mech_svc_loop(uint32_t n): SVC #0x42 from SYS mode through the
 * runtime's dispatch to svc.c's handler, which returns a value in r0.
 */
	fn mech_svc_loop
	push	{r4-r5, lr}
	mov	r5, #0
	movs	r4, r0
	beq	2f
	msr	cpsr_c, #(MODE_SYS | MASK_IF)
1:	mov	r0, r4
	svc	#0x42
	add	r5, r0, r5, ror #27
	subs	r4, r4, #1
	bne	1b
	msr	cpsr_c, #(MODE_SVC | MASK_IF)
2:	mov	r0, r5
	pop	{r4-r5, pc}

/* uint32_t mech_undef_loop(uint32_t n): UDF, which undef.c's handler skips. */
	fn mech_undef_loop
	push	{r4-r5, lr}
	mov	r5, #0
	movs	r4, r0
	beq	2f
1:	mov	r0, r4
	udf	#0x5A
	add	r5, r0, r5, ror #27
	subs	r4, r4, #1
	bne	1b
2:	mov	r0, r5
	pop	{r4-r5, pc}

/*
 * uint32_t mech_dabt_loop(uint32_t n, uint32_t bad_va): a load from an
 * unmapped address; dabt.c's handler puts a value in r0 and skips the load.
 */
	fn mech_dabt_loop
	push	{r4-r6, lr}
	mov	r5, #0
	mov	r6, r1
	movs	r4, r0
	beq	2f
1:	mov	r0, r4
	ldr	r0, [r6]
	add	r5, r0, r5, ror #27
	subs	r4, r4, #1
	bne	1b
2:	mov	r0, r5
	pop	{r4-r6, pc}

/*
 * uint32_t mech_pabt_loop(uint32_t n, uint32_t xn_va): a call into an
 * execute-never page; pabt.c's handler puts a value in r0 and resumes at r7.
 */
	fn mech_pabt_loop
	push	{r4-r7, lr}
	mov	r5, #0
	mov	r6, r1
	movs	r4, r0
	beq	2f
1:	mov	r0, r4
	adr	r7, 3f
	blx	r6
3:	add	r5, r0, r5, ror #27
	subs	r4, r4, #1
	bne	1b
2:	mov	r0, r5
	pop	{r4-r7, pc}

/*
 * uint32_t mech_sgi_loop(uint32_t n, volatile uint32_t *count): with IRQs
 * unmasked, send SGI 1 to this CPU and wait until irq-sgi.c's handler has
 * counted it. The checksum is the handler's; this returns the final count.
 */
	fn mech_sgi_loop
	push	{r4-r8, lr}
	mov	r6, r1
	ldr	r7, =0x1E001F00		/* GICD_SGIR */
	ldr	r8, =0x02000001		/* this CPU only, SGI 1 */
	movs	r4, r0
	beq	2f
	cpsie	i
1:	ldr	r5, [r6]
	str	r8, [r7]
3:	ldr	r0, [r6]
	cmp	r0, r5
	beq	3b
	subs	r4, r4, #1
	bne	1b
	cpsid	i
2:	ldr	r0, [r6]
	pop	{r4-r8, pc}
	.ltorg

/*
 * uint32_t mech_mem_loop(uint32_t n, uint32_t *buf, uint32_t words): add the
 * iteration number to each word of buf in turn; words is a power of two.
 */
	fn mech_mem_loop
	push	{r4-r5, lr}
	mov	r5, #0
	sub	r4, r2, #1
	mov	r2, #0
	cmp	r0, #0
	beq	2f
1:	ldr	r3, [r1, r2, lsl #2]
	add	r3, r3, r0
	str	r3, [r1, r2, lsl #2]
	add	r5, r3, r5, ror #27
	add	r2, r2, #1
	and	r2, r2, r4
	subs	r0, r0, #1
	bne	1b
2:	mov	r0, r5
	pop	{r4-r5, pc}

/*
 * uint32_t mech_cold_loop(uint32_t n, uint32_t base, uint32_t pages): one
 * word per 4 KiB page, page after page over pages pages (a power of two),
 * each at a different 64-byte line of its page, read, added to and written.
 */
	fn mech_cold_loop
	push	{r4-r5, lr}
	mov	r5, #0
	sub	r4, r2, #1
	mov	r2, #0
	cmp	r0, #0
	beq	2f
1:	add	r3, r1, r2, lsl #12
	and	ip, r2, #63
	add	r3, r3, ip, lsl #6
	ldr	ip, [r3]
	add	ip, ip, r0
	str	ip, [r3]
	add	r5, ip, r5, ror #27
	add	r2, r2, #1
	and	r2, r2, r4
	subs	r0, r0, #1
	bne	1b
2:	mov	r0, r5
	pop	{r4-r5, pc}

/*
 * uint32_t mech_ldrt_loop(uint32_t n, uint32_t *buf, uint32_t words): as
 * mech_mem_loop, with unprivileged LDRT/STRT (post-indexed, as ARM state has them).
 */
	fn mech_ldrt_loop
	push	{r4-r6, lr}
	mov	r5, #0
	mov	r6, r1
	mov	r4, r2
	cmp	r0, #0
	beq	2f
1:	ldrt	r3, [r1]
	add	r3, r3, r0
	strt	r3, [r1], #4
	add	r5, r3, r5, ror #27
	subs	r4, r4, #1
	moveq	r1, r6
	moveq	r4, r2
	subs	r0, r0, #1
	bne	1b
2:	mov	r0, r5
	pop	{r4-r6, pc}

/* uint32_t mech_device_loop(uint32_t n, uint32_t addr): read a device register. */
	fn mech_device_loop
	mov	r2, #0
	cmp	r0, #0
	beq	2f
1:	ldr	r3, [r1]
	add	r2, r3, r2, ror #27
	subs	r0, r0, #1
	bne	1b
2:	mov	r0, r2
	bx	lr

/* uint32_t mech_cp15_loop(uint32_t n): write TPIDRURW, read it back. */
	fn mech_cp15_loop
	mov	r2, #0
	cmp	r0, #0
	beq	2f
1:	mcr	p15, 0, r0, c13, c0, 2
	mrc	p15, 0, r3, c13, c0, 2
	add	r2, r3, r2, ror #27
	subs	r0, r0, #1
	bne	1b
2:	mov	r0, r2
	bx	lr

/*
 * uint32_t mech_smc_data_loop(uint32_t n): mech_mem_loop on one word that
 * shares a 4 KiB page with this loop's code (the 128-byte alignment keeps
 * both in one page): stores to a code page that change no code.
 */
	.section .text.mech_smc_data_loop, "ax"
	.global mech_smc_data_loop
	.type mech_smc_data_loop, %function
	.balign 128
mech_smc_data_loop:
	adr	r1, 3f
	mov	r2, #0
	cmp	r0, #0
	beq	2f
1:	ldr	r3, [r1]
	add	r3, r3, r0
	str	r3, [r1]
	add	r2, r3, r2, ror #27
	subs	r0, r0, #1
	bne	1b
2:	mov	r0, r2
	bx	lr
3:	.word	0x5EED
