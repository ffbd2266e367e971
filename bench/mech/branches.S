/*
 * Code-layout loops of the mechanism benchmarks: block sizes and branches
 * within and across 4 KiB pages. Each is uint32_t f(uint32_t passes); every
 * unit of work is the same data-dependent step
 *
 *	add r0, r1, r0, ror #31		(r1 a constant)
 *
 * followed by how the code gets to the next step, and the checksum is r0, so
 * a step executed twice or skipped changes it. mech.h gives the steps per pass.
 *
 * Slots are 64 bytes apart (never-executed padding between them); code that
 * must lie within one page is page aligned, since translators end blocks and
 * chain differently at page boundaries.
 */
	.syntax unified
	.arm

	.macro step
	add	r0, r1, r0, ror #31
	.endm

/* Entry: r2 = passes, r1 = the constant, r0 = 0; no pass at all when passes is 0. */
	.macro entry name, first, out
	.section .text.\name, "ax"
	.global \name
	.type \name, %function
	.balign 32
\name:
	push	{r4, lr}
	movs	r2, r0
	ldr	r1, =0x9E3779B9
	mov	r0, #0
	bne	\first
\out:	pop	{r4, pc}
	.ltorg
	.endm

/*
 * An indirect jump to target, of form 0 BX LR, 1 POP {pc}, 2 LDR pc (from a
 * literal), 3 MOV pc.
 */
	.macro ijump form, target
	.if \form == 0
	movw	lr, #:lower16:(\target)
	movt	lr, #:upper16:(\target)
	bx	lr
	.elseif \form == 1
	movw	ip, #:lower16:(\target)
	movt	ip, #:upper16:(\target)
	push	{ip}
	pop	{pc}
	.elseif \form == 2
	ldr	pc, [pc, #-4]
	.word	\target
	.else
	movw	ip, #:lower16:(\target)
	movt	ip, #:upper16:(\target)
	mov	pc, ip
	.endif
	.endm

/* Small blocks: MECH_SMALL_BLOCKS steps per pass, a branch after each. */
	entry mech_block_small_loop, bs_top, bs_out
	.balignl 4096, 0xE320F000
bs_top:
	.rept 63
	step
	b	1f
1:
	.endr
	step
	subs	r2, r2, #1
	bne	bs_top
	b	bs_out

/* A large block: MECH_LARGE_BLOCK steps straight through, within one page. */
	entry mech_block_large_loop, bl_top, bl_out
	.balignl 4096, 0xE320F000
bl_top:
	.rept 1000
	step
	.endr
	subs	r2, r2, #1
	bne	bl_top
	b	bl_out

/*
 * Direct branches within a page: MECH_BR_SLOTS slots filling one page, each
 * a step and a branch to the next slot; the last slot loops.
 */
	entry mech_br_direct_page_loop, dp_base, dp_out
	.balignl 4096, 0xE320F000
dp_base:
	.rept 63
	step
	b	1f
	.balignl 64, 0xE320F000
1:
	.endr
	step
	subs	r2, r2, #1
	bne	dp_base
	b	dp_out

/* Indirect branches within a page: as above, the four forms in turn. */
	entry mech_br_indirect_page_loop, ip_base, ip_out
	.balignl 4096, 0xE320F000
ip_base:
	.set k, 0
	.rept 63
	step
	ijump (k & 3), ip_base + (k + 1) * 64
	.balignl 64, 0xE320F000
	.set k, k + 1
	.endr
	step
	subs	r2, r2, #1
	ldrne	pc, 1f
	b	ip_out
1:	.word	ip_base

/*
 * Across pages: 16 pages of 4 slots; slot j sits in page j % 16 at line
 * j / 16, so every branch leaves its page. The last slot loops as above.
 * kind 0: direct branches, kind 1: indirect, the four forms in turn. Every
 * slot has a label base_P_S, since a MOVW/MOVT addend cannot reach across
 * 16 pages; xslot gets its own and the next slot's numbers as values.
 */
	.altmacro
	.macro xslot kind, base, out, p, s, np, ns, last
\base\()_\p\()_\s:
	step
	.if \last
	subs	r2, r2, #1
	.if \kind == 0
	bne	\base
	.else
	ldrne	pc, [pc, #0]
	.endif
	b	\out
	.word	\base
	.elseif \kind == 0
	b	\base\()_\np\()_\ns
	.else
	ijump %((\s * 16 + \p) & 3), \base\()_\np\()_\ns
	.endif
	.balignl 64, 0xE320F000
	.endm

	.macro xpages kind, base, out
	.balignl 4096, 0xE320F000
\base:
	.set p, 0
	.rept 16
	.set s, 0
	.rept 4
	.if p < 15
	xslot \kind, \base, \out, %(p), %(s), %(p + 1), %(s), 0
	.elseif s < 3
	xslot \kind, \base, \out, %(p), %(s), 0, %(s + 1), 0
	.else
	xslot \kind, \base, \out, %(p), %(s), 0, 0, 1
	.endif
	.set s, s + 1
	.endr
	.balignl 4096, 0xE320F000
	.set p, p + 1
	.endr
	.endm

	entry mech_br_direct_xpage_loop, dx_base, dx_out
	xpages 0, dx_base, dx_out

	entry mech_br_indirect_xpage_loop, ix_base, ix_out
	xpages 1, ix_base, ix_out
	.noaltmacro
