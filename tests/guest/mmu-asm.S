/*
 * Helpers for the mmu program that need control over modes and returns.
 */
	.syntax unified
	.arm
	.text

/*
 * uint32_t mmu_call(uint32_t addr)
 * Calls the code at addr and returns its r0. If fetching it aborts, the
 * prefetch abort handler resumes at mmu_call_recover, which returns 0xFA17.
 */
	.global mmu_call
	.type mmu_call, %function
mmu_call:
	push	{r4, lr}
	blx	r0
	pop	{r4, pc}
	.global mmu_call_recover
mmu_call_recover:
	movw	r0, #0xFA17
	pop	{r4, pc}
	.size mmu_call, . - mmu_call

/*
 * mmu_call_ic, mmu_call_dual: mmu_call again, each its own indirect call
 * site, made only by the tests that use it, so that a translating exec's
 * cache of a site's last target holds theirs (mmu_call's sees every call).
 * Aborts recover through mmu_call_recover, whose frame is the same.
 */
	.global mmu_call_ic
	.type mmu_call_ic, %function
mmu_call_ic:
	push	{r4, lr}
	blx	r0
	pop	{r4, pc}
	.size mmu_call_ic, . - mmu_call_ic

	.global mmu_call_dual
	.type mmu_call_dual, %function
mmu_call_dual:
	push	{r4, lr}
	blx	r0
	pop	{r4, pc}
	.size mmu_call_dual, . - mmu_call_dual

/*
 * uint32_t mmu_load_loop(uint32_t addr, uint32_t n, uint32_t init)
 * n >= 1 loads of addr by one instruction in a loop; returns the last
 * value loaded, or init if they all aborted (the handler skips a load).
 * void mmu_store_loop(uint32_t addr, uint32_t v, uint32_t n)
 * n >= 1 stores of v to addr by one instruction in a loop.
 * A translating exec may keep per-instruction state in a loop's body:
 * each must see every maintenance, ASID, DACR and code change between calls.
 */
	.global mmu_load_loop
	.type mmu_load_loop, %function
mmu_load_loop:
1:	ldr	r2, [r0]
	subs	r1, r1, #1
	bne	1b
	mov	r0, r2
	bx	lr
	.size mmu_load_loop, . - mmu_load_loop

	.global mmu_store_loop
	.type mmu_store_loop, %function
mmu_store_loop:
1:	str	r1, [r0]
	subs	r2, r2, #1
	bne	1b
	bx	lr
	.size mmu_store_loop, . - mmu_store_loop

/*
 * uint32_t mmu_user_access(uint32_t addr, uint32_t write)
 * In user mode, loads a word from addr (write == 0) or stores 0x55 to it,
 * then returns to SVC mode through SVC #0 (mmu.c's handler does that).
 * Returns the loaded word, 0 after a store, or 0xDEAD if a load aborted.
 */
	.global mmu_user_access
	.type mmu_user_access, %function
mmu_user_access:
	push	{r4-r11, lr}
	mov	r2, r0
	movw	r0, #0xDEAD
	msr	cpsr_c, #0x10
	cmp	r1, #0
	ldreq	r0, [r2]
	movne	r3, #0x55
	strne	r3, [r2]
	movne	r0, #0
	svc	#0
	pop	{r4-r11, pc}
	.size mmu_user_access, . - mmu_user_access

/*
 * Position-independent code that mmu.c copies into its code page, which is
 * mapped at two virtual addresses: entered with r0 = its own address, it
 * returns what its pc-relative values say about where it runs, so it must
 * return the same at both (translations shared between the mappings of one
 * physical page must not keep the first one's addresses):
 *   bits 0-7   adr of its start, minus the entry address (0)
 *   bits 8-15  BL's return address, minus the entry address
 *   bits 16-23 a literal loaded pc-relative (0x5A)
 *   bit 24     set after a jump through add pc, pc, ... (a computed branch)
 */
	.global alias_code
	.global alias_ret
	.global alias_code_end
	.type alias_code, %function
alias_code:
	push	{r4-r6, lr}
	mov	r4, r0
	adr	r1, alias_code
	sub	r1, r1, r4
	bl	alias_leaf
alias_ret:
	sub	r2, r2, r4
	ldr	r3, alias_lit
	mov	r5, #1
	mov	r6, #0
	add	pc, pc, r5, lsl #2
	nop
	b	alias_out
	mov	r6, #1
alias_out:
	add	r0, r1, r2, lsl #8
	orr	r0, r0, r3, lsl #16
	orr	r0, r0, r6, lsl #24
	pop	{r4-r6, pc}
alias_leaf:
	mov	r2, lr
	bx	lr
alias_lit:
	.word	0x5A
alias_code_end:
	.size alias_code, . - alias_code
