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
