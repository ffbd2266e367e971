/*
 * Hand-written pieces of the Thumb-2 program: interworking in both directions
 * by every route (BL/BLX immediate, BLX and BX register, POP and LDR to PC,
 * LDM with PC from ARM), and an IT-dense routine the timer interrupts.
 */
	.syntax unified

/* ---- ARM-state routines ------------------------------------------------ */
	.arm

/* uint32_t arm_add3(uint32_t a, uint32_t b, uint32_t c): called from Thumb. */
	.global arm_add3
	.type arm_add3, %function
arm_add3:
	add	r0, r0, r1
	add	r0, r0, r2
	bx	lr
	.size arm_add3, . - arm_add3

/* uint32_t arm_call_reg(uint32_t (*fn)(uint32_t), uint32_t x): BLX register
 * to fn (a Thumb function), then fn(x) + 1 back through BX LR. */
	.global arm_call_reg
	.type arm_call_reg, %function
arm_call_reg:
	push	{r4, lr}
	mov	r4, r0
	mov	r0, r1
	blx	r4
	add	r0, r0, #1
	pop	{r4, pc}
	.size arm_call_reg, . - arm_call_reg

/* uint32_t arm_call_pop(uint32_t x): BL (immediate, so BLX) to a Thumb
 * routine that returns with POP {pc}; then x * 3 + 5. */
	.global arm_call_pop
	.type arm_call_pop, %function
arm_call_pop:
	push	{r4, lr}
	blx	t_times3_pop
	add	r0, r0, #5
	pop	{r4, pc}
	.size arm_call_pop, . - arm_call_pop

/* uint32_t arm_ldr_pc(uint32_t x): enter a Thumb routine by LDR PC from a
 * table holding its address with bit 0 set, return by LDM {pc} from the
 * stack (the return address is ARM). */
	.global arm_ldr_pc
	.type arm_ldr_pc, %function
arm_ldr_pc:
	push	{r4, lr}
	adr	lr, 1f
	ldr	pc, 2f
1:	pop	{r4, pc}
2:	.word	t_xor_bx	/* a Thumb function: bit 0 comes set */
	.size arm_ldr_pc, . - arm_ldr_pc

/* uint32_t arm_ldm_to_thumb(uint32_t x): a hand-built frame {r0, pc} whose
 * pc is a Thumb address, popped by LDM. */
	.global arm_ldm_to_thumb
	.type arm_ldm_to_thumb, %function
arm_ldm_to_thumb:
	push	{r4, lr}
	ldr	r1, =t_neg_bx
	adr	lr, 1f
	push	{r0, r1}
	ldm	sp!, {r0, pc}
1:	pop	{r4, pc}
	.size arm_ldm_to_thumb, . - arm_ldm_to_thumb

/* The ARM target of a Thumb BLX immediate: x + 0x100. */
	.type a_add_100, %function
a_add_100:
	add	r0, r0, #0x100
	bx	lr
	.size a_add_100, . - a_add_100

	.ltorg

/* ---- Thumb-state routines ---------------------------------------------- */
	.thumb

	.type t_times3_pop, %function
	.thumb_func
t_times3_pop:
	push	{r4, lr}
	add	r0, r0, r0, lsl #1
	pop	{r4, pc}
	.size t_times3_pop, . - t_times3_pop

	.type t_xor_bx, %function
	.thumb_func
t_xor_bx:
	eor	r0, r0, #0x5a5a5a5a
	bx	lr
	.size t_xor_bx, . - t_xor_bx

	.type t_neg_bx, %function
	.thumb_func
t_neg_bx:
	rsbs	r0, r0, #0
	bx	lr
	.size t_neg_bx, . - t_neg_bx

/* uint32_t t_blx_imm(uint32_t x): Thumb BLX immediate to ARM code and back,
 * then return by loading PC from the stack (LDR PC, [sp], #4). */
	.global t_blx_imm
	.type t_blx_imm, %function
	.thumb_func
t_blx_imm:
	push	{r4, lr}
	blx	a_add_100
	pop	{r4}
	ldr	pc, [sp], #4
	.size t_blx_imm, . - t_blx_imm

/*
 * uint32_t t_it_work(uint32_t x): 64 rounds of a mix whose every step is
 * conditional inside an IT block (ITE, ITT, ITET, ITTEE, and a conditional
 * branch out of one); deterministic, so an interrupt anywhere inside, IT
 * blocks included, must not change the result.
 */
	.global t_it_work
	.type t_it_work, %function
	.thumb_func
t_it_work:
	push	{r4-r6, lr}
	movs	r1, #64
	ldr	r4, =0x04c11db7
	ldr	r5, =0x9e3779b9
1:	lsls	r3, r0, #1
	ite	cs
	eorcs	r0, r3, r4
	movcc	r0, r3
	tst	r0, #0x10
	itt	ne
	addne	r0, r0, #3
	rorne	r0, r0, #5
	cmp	r0, r5
	itet	hi
	subhi	r0, r0, r5
	addls	r0, r0, #1
	eorhi	r0, r0, r1
	ands	r6, r0, #3
	ittee	eq
	addeq	r0, r0, r1, lsl #2
	eoreq	r0, r0, #0x80000000
	subne	r0, r0, r6
	rsbne	r6, r6, #7
	cmp	r6, #5
	it	gt
	bgt	2f
	add	r0, r0, r6
2:	subs	r1, r1, #1
	bne	1b
	pop	{r4-r6, pc}
	.size t_it_work, . - t_it_work

	.ltorg
