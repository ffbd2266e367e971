/*
 * Differential testing against Unicorn (CPU model Cortex-A9): random
 * instruction sequences run in every hosted engine build (every .so in
 * build/engine/process, driven through the in-process engine API) and in
 * Unicorn from the same registers, flags, VFP state and memory; registers,
 * the CPSR, D0-D31, FPSCR and the sandbox page must match afterwards.
 *
 * Three generators, one test case each:
 *   a32  A32 integer instructions (incl. forward conditional branches, small
 *        counted loops and indirect branches: BX and MOV pc)
 *   t32  T32 16- and 32-bit encodings, IT blocks, CBZ/CBNZ and forward
 *        branches, small counted loops and BX, starting in Thumb state
 *   vfp  VFPv3 arithmetic, conversions, moves, loads and stores on special
 *        values (zeros, denormals, infinities, quiet and signalling NaNs,
 *        extreme normals) under every rounding mode and FZ/DN setting, in
 *        A32 and T32 sequences
 * The generators emit only architecturally defined encodings (no
 * UNPREDICTABLE register combinations, no PC operands except where they are
 * meaningful, memory only inside the sandbox page; exclusives in matched
 * pairs), so any difference is a bug on one side; the ones that are
 * Unicorn's are listed in tests/unicorn-deviations.md and excluded here,
 * each exclusion naming its entry.
 *
 * Every sequence ends with a branch to itself; both sides stop there. A
 * differing sequence is shrunk before it is reported.
 *
 * Environment: CAPTIVE_DIFF_SEQS (sequences per generator and engine;
 * default 6000 A32, 5000 T32, 3000 VFP), CAPTIVE_DIFF_SEED (default fixed,
 * for reproducibility), CAPTIVE_DIFF_GEN (a32, t32 or vfp: run only that
 * one), CAPTIVE_DIFF_ENGINE (an engine build's name, e.g. softtlb-jit: run
 * only that one), CAPTIVE_DIFF_SHOW_SKIPPED (print that many of the
 * sequences Unicorn did not finish).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "engine_api.h"
#include "support/check_main.h"

#define CODE_PA 0x60000000u
#define CODE_SIZE 0x1000u
#define SANDBOX_PA 0x60100000u
#define SANDBOX_SIZE 0x1000u
#define RAM_SIZE (16u << 20)
#define SEQ_MAX 32
#define ITEMS_MAX (SEQ_MAX + 8)

/* CPSR bits compared: all but J (always 0) and the IT bits, which are 0 at
 * the end of every sequence anyway. */
#define CPSR_CMP 0xf80f03ffu
#define CPSR_E (1u << 9)
#define CPSR_T (1u << 5)

#define FPEXC_EN (1u << 30)
#define CPACR_CP10_11 0x00f00000u

static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

static uint32_t pick(uint32_t n)
{
	return rnd() % n;
}

/* ------------------------------------------------------------------------
 * Sequences: a list of items (one instruction each), laid out from CODE_PA,
 * then the end marker. Branch items get their offsets once the layout is
 * known.
 */

enum item_kind {
	IT_PLAIN,
	IT_A32_B,	/* A32 B<cond>: forward target fixed up */
	IT_T16_BCOND,	/* T32 B<cond> (T1) */
	IT_T16_B,	/* T32 B (T2) */
	IT_T16_CBZ,	/* CBZ/CBNZ */
	IT_T32_BCOND,	/* B<cond>.W (T3) */
	IT_T32_B,	/* B.W (T4) or BL */
};

struct item {
	uint32_t enc;	/* T32 32-bit: first halfword in bits 31:16; branches without offset */
	uint32_t out;	/* the encoding as laid out (branch offsets filled in) */
	uint8_t size;	/* bytes */
	uint8_t kind;	/* enum item_kind */
	uint8_t bound;	/* bound to the item before: inside an IT block, or the rest of a
			 * unit of several; not a branch target, never dropped alone */
	uint8_t target;	/* branches: index of the target item (n: the end marker) */
};

#define NO_TARGET 0xffu

struct seq {
	bool thumb;
	bool backward;	/* holds a backward branch (a counted loop) */
	bool indirect;	/* holds an indirect branch */
	unsigned repeats;	/* instructions a loop runs beyond its items */
	unsigned n;	/* items */
	struct item items[ITEMS_MAX];
	uint8_t code[CODE_SIZE];
	uint32_t end;	/* address of the end marker */
	uint32_t regs[16];
	uint32_t cpsr;
	uint32_t fpscr;
	uint64_t d[32];
	uint8_t sandbox[SANDBOX_SIZE];
};

struct outcome {
	uint32_t regs[16];
	uint32_t cpsr;
	uint32_t fpscr;
	uint64_t d[32];
	uint8_t sandbox[SANDBOX_SIZE];
};

static void add(struct seq *s, uint32_t enc, unsigned size, enum item_kind kind, bool bound)
{
	if (s->n >= ITEMS_MAX)
		return;
	s->items[s->n++] = (struct item){ .enc = enc, .size = (uint8_t)size, .kind = (uint8_t)kind,
					  .bound = bound, .target = NO_TARGET };
}

static void add32(struct seq *s, uint32_t enc)
{
	add(s, enc, 4, IT_PLAIN, false);
}

/* Item addresses; returns the end marker's. */
static uint32_t layout(const struct seq *s, uint32_t *addr)
{
	uint32_t a = CODE_PA;
	for (unsigned k = 0; k < s->n; k++) {
		addr[k] = a;
		a += s->items[k].size;
	}
	return a;
}

/*
 * A forward branch target for item k, at least `min` and at most `max` bytes
 * past the item's address: a later item that is not inside an IT block, or
 * the end marker. Returns NO_TARGET when there is none.
 */
static unsigned pick_target(const struct seq *s, const uint32_t *addr, uint32_t end, unsigned k,
			    uint32_t min, uint32_t max)
{
	uint8_t cands[ITEMS_MAX + 1];
	unsigned nc = 0;

	for (unsigned j = k + 1; j <= s->n; j++) {
		uint32_t t = j == s->n ? end : addr[j];
		if (j < s->n && s->items[j].bound)
			continue;
		if (t - addr[k] >= min && t - addr[k] <= max)
			cands[nc++] = (uint8_t)j;
	}
	return nc ? cands[pick(nc)] : NO_TARGET;
}

/* Branch offset limits by kind: min, max bytes past the branch. */
static void branch_range(unsigned kind, uint32_t *min, uint32_t *max)
{
	switch (kind) {
	case IT_A32_B: *min = 4; *max = 1u << 20; break;
	case IT_T16_BCOND: *min = 2; *max = 256; break;
	case IT_T16_B: *min = 2; *max = 2046; break;
	case IT_T16_CBZ: *min = 4; *max = 130; break;
	default: *min = 2; *max = 1u << 19; break;
	}
}

/* Choose branch targets (once: shrinking keeps them), fill in the offsets,
 * then write the code image. */
static void finish(struct seq *s)
{
	uint32_t addr[ITEMS_MAX];
	uint32_t end = layout(s, addr);

	for (unsigned k = 0; k < s->n; k++) {
		struct item *it = &s->items[k];
		uint32_t off, min, max;
		it->out = it->enc;
		if (it->kind == IT_PLAIN)
			continue;
		if (it->target == NO_TARGET) {
			branch_range(it->kind, &min, &max);
			it->target = (uint8_t)pick_target(s, addr, end, k, min, max);
			if (it->target == NO_TARGET) { /* nothing in reach (CBZ): a NOP */
				it->kind = IT_PLAIN;
				it->enc = it->out = 0xbf00;
				continue;
			}
		}
		off = (it->target == s->n ? end : addr[it->target]) - (addr[k] + 4);
		switch (it->kind) {
		case IT_A32_B:
			it->out |= ((off - 4) >> 2) & 0xffffff;
			break;
		case IT_T16_BCOND:
			it->out |= (off >> 1) & 0xff;
			break;
		case IT_T16_B:
			it->out |= (off >> 1) & 0x7ff;
			break;
		case IT_T16_CBZ:
			it->out |= ((off >> 6) & 1) << 9 | ((off >> 1) & 0x1f) << 3;
			break;
		case IT_T32_BCOND:
			/* imm20 = S:J2:J1:imm6:imm11:0, forward only: S = 0 */
			it->out |= ((off >> 12) & 0x3f) << 16 | ((off >> 18) & 1) << 13 |
				   ((off >> 19) & 1) << 11 | ((off >> 1) & 0x7ff);
			break;
		default:
			/* IT_T32_B: imm25 = S:I1:I2:imm10:imm11:0, J = !(I ^ S), S = 0 */
			it->out |= ((off >> 12) & 0x3ff) << 16 | (!((off >> 23) & 1)) << 13 |
				   (!((off >> 22) & 1)) << 11 | ((off >> 1) & 0x7ff);
			break;
		}
	}
	memset(s->code, 0, sizeof(s->code));
	for (unsigned k = 0; k < s->n; k++) {
		uint8_t *p = s->code + (addr[k] - CODE_PA);
		uint32_t e = s->items[k].out;
		if (s->items[k].size == 2) {
			p[0] = (uint8_t)e;
			p[1] = (uint8_t)(e >> 8);
		} else if (s->thumb) {
			p[0] = (uint8_t)(e >> 16);
			p[1] = (uint8_t)(e >> 24);
			p[2] = (uint8_t)e;
			p[3] = (uint8_t)(e >> 8);
		} else {
			memcpy(p, &e, 4);
		}
	}
	/* The end marker: a branch to itself (B . in either state). */
	uint8_t *p = s->code + (end - CODE_PA);
	if (s->thumb) {
		p[0] = 0xfe;
		p[1] = 0xe7;
	} else {
		uint32_t b = 0xeafffffeu;
		memcpy(p, &b, 4);
	}
	s->end = end;
}

/* Remove items [k, k + u), keeping branch targets on the same instructions
 * (a branch to a removed item goes to the one after). */
static void remove_items(struct seq *s, unsigned k, unsigned u)
{
	memmove(&s->items[k], &s->items[k + u], (s->n - k - u) * sizeof(s->items[0]));
	s->n -= u;
	for (unsigned j = 0; j < s->n; j++) {
		struct item *it = &s->items[j];
		if (it->target == NO_TARGET)
			continue;
		if (it->target >= k + u)
			it->target = (uint8_t)(it->target - u);
		else if (it->target > k)
			it->target = (uint8_t)k;
	}
}

/* ------------------------------------------------------------------------
 * A32. r0-r9 are free; r10 is a small index (0..0x3c); r11 is a fixed
 * pointer to the sandbox middle; r12 is a sandbox pointer that writeback
 * forms move.
 */

static uint32_t reg_free(void)
{
	return pick(10);
}

static uint32_t cond(void)
{
	return pick(4) ? 0xeu : pick(14);
}

/* A data-processing operation; compare ops always set flags. */
static uint32_t gen_dp(void)
{
	uint32_t op = pick(16);
	uint32_t s = (op >= 8 && op <= 11) ? 1 : pick(2);
	uint32_t rd = (op >= 8 && op <= 11) ? 0 : reg_free();
	uint32_t rn = (op == 13 || op == 15) ? 0 : pick(12);
	uint32_t base = cond() << 28 | op << 21 | s << 20 | rn << 16 | rd << 12;
	switch (pick(3)) {
	case 0:
		return base | 1u << 25 | pick(16) << 8 | (rnd() & 0xff);
	case 1:
		return base | (rnd() & 0x1f) << 7 | pick(4) << 5 | pick(12);
	default:
		return base | pick(12) << 8 | pick(4) << 5 | 1u << 4 | pick(12);
	}
}

static uint32_t gen_mul(void)
{
	uint32_t c = cond() << 28, rm = pick(12), rs = pick(12);
	switch (pick(4)) {
	case 0: { /* MUL/MLA (MUL's Ra field should be zero) */
		uint32_t a = pick(2);
		return c | a << 21 | pick(2) << 20 | reg_free() << 16 | (a ? pick(12) : 0) << 12 |
		       rs << 8 | 0x90 | rm;
	}
	case 1: /* MLS */
		return c | 0x00600090 | reg_free() << 16 | pick(12) << 12 | rs << 8 | rm;
	default: { /* UMULL UMLAL SMULL SMLAL UMAAL */
		uint32_t lo = reg_free(), hi;
		do
			hi = reg_free();
		while (hi == lo);
		uint32_t op = pick(5);
		uint32_t opc = op == 4 ? 0x2 : 0x4 | op;
		uint32_t s = op == 4 ? 0 : pick(2);
		return c | opc << 21 | s << 20 | hi << 16 | lo << 12 | rs << 8 | 0x90 | rm;
	}
	}
}

static uint32_t gen_misc(void)
{
	uint32_t c = cond() << 28, rd = reg_free(), rm = pick(12);
	switch (pick(9)) {
	case 0: /* CLZ */
		return c | 0x016f0f10 | rd << 12 | rm;
	case 1: /* REV REV16 RBIT REVSH */ {
		static const uint32_t ops[] = { 0x06bf0f30, 0x06bf0fb0, 0x06ff0f30, 0x06ff0fb0 };
		return c | ops[pick(4)] | rd << 12 | rm;
	}
	case 2: /* SXTB SXTH UXTB UXTH SXTB16 UXTB16, and the accumulate forms */ {
		static const uint32_t ops[] = { 0x06a00070, 0x06b00070, 0x06e00070,
						0x06f00070, 0x06800070, 0x06c00070 };
		uint32_t rn = pick(3) ? 15 : pick(12);
		return c | ops[pick(6)] | rn << 16 | rd << 12 | pick(4) << 10 | rm;
	}
	case 3: /* UBFX SBFX */ {
		uint32_t lsb = pick(32), width = 1 + pick(32 - lsb);
		return c | (pick(2) ? 0x07e00050 : 0x07a00050) | (width - 1) << 16 | rd << 12 |
		       lsb << 7 | rm;
	}
	case 4: /* BFI BFC */ {
		uint32_t lsb = pick(32), msb = lsb + pick(32 - lsb);
		return c | 0x07c00010 | msb << 16 | rd << 12 | lsb << 7 | (pick(4) ? rm : 15);
	}
	case 5: /* MOVW MOVT */
		return c | (pick(2) ? 0x03000000 : 0x03400000) | (rnd() & 0xf) << 16 | rd << 12 |
		       (rnd() & 0xfff);
	case 6: /* SSAT USAT */
		return c | (pick(2) ? 0x06a00010 : 0x06e00010) | pick(32) << 16 | rd << 12 |
		       pick(32) << 7 | pick(2) << 6 | rm;
	case 7: /* QADD QSUB QDADD QDSUB */
		return c | 0x01000050 | pick(4) << 21 | pick(12) << 16 | rd << 12 | rm;
	default: /* SMULxy SMLAxy SMULWy SMLAWy (Ra SBZ for the SMUL forms) */ {
		uint32_t op = pick(3);
		uint32_t ra = op == 1 ? pick(12) : 0;
		uint32_t bits = op == 0 ? 0x01600080 : op == 1 ? 0x01000080 : 0x012000a0;
		return c | bits | rd << 16 | ra << 12 | pick(12) << 8 | pick(4) << 5 | rm;
	}
	}
}

/* SIMD-in-GPR, dual multiplies, USAD8, SEL/PKH, halfword saturation, APSR. */
static uint32_t gen_media(void)
{
	static const uint32_t par_kinds[] = { 1, 2, 3, 5, 6, 7 }, par_ops[] = { 0, 1, 2, 3, 4, 7 };
	uint32_t c = cond() << 28, rd = reg_free(), rn = pick(12), rm = pick(12);
	switch (pick(10)) {
	case 0:
	case 1: /* SADD16 .. UHSUB8 */
		return c | 0x06000f10 | par_kinds[pick(6)] << 20 | rn << 16 | rd << 12 |
		       par_ops[pick(6)] << 5 | rm;
	case 2: /* SMLAD SMLADX SMLSD SMLSDX, SMUAD.. with Ra = 15 */
		return c | 0x07000010 | rd << 16 | (pick(3) ? pick(12) : 15) << 12 | rm << 8 |
		       pick(4) << 5 | rn;
	case 3: { /* SMLALD SMLSLD (X) */
		uint32_t hi;
		do
			hi = reg_free();
		while (hi == rd);
		return c | 0x07400010 | hi << 16 | rd << 12 | rm << 8 | pick(4) << 5 | rn;
	}
	case 4: { /* SMMUL SMMLA SMMLS (R) */
		uint32_t op2 = (uint32_t[]){ 0, 1, 6, 7 }[pick(4)];
		uint32_t ra = (op2 >= 6 || pick(2)) ? pick(12) : 15;
		return c | 0x07500010 | rd << 16 | ra << 12 | rm << 8 | op2 << 5 | rn;
	}
	case 5: /* USAD8 USADA8 */
		return c | 0x07800010 | rd << 16 | (pick(2) ? pick(12) : 15) << 12 | rm << 8 | rn;
	case 6: /* SEL, PKHBT, PKHTB */
		if (pick(2))
			return c | 0x06800fb0 | rn << 16 | rd << 12 | rm;
		return c | 0x06800010 | rn << 16 | rd << 12 | pick(32) << 7 | pick(2) << 6 | rm;
	case 7: /* SSAT16 USAT16 */
		return c | (pick(2) ? 0x06a00f30 : 0x06e00f30) | pick(16) << 16 | rd << 12 | rm;
	case 8: /* MRS Rd, APSR */
		return c | 0x010f0000 | rd << 12;
	default: /* MSR APSR_nzcvq / _g / _nzcvqg, register or immediate */ {
		uint32_t mask = 1 + pick(3);
		if (pick(2))
			return c | 0x0120f000 | mask << 18 | rm;
		return c | 0x0320f000 | mask << 18 | pick(16) << 8 | (rnd() & 0xff);
	}
	}
}

/* Loads and stores inside the sandbox. */
static uint32_t gen_mem(void)
{
	uint32_t c = cond() << 28, rt = reg_free(), l = pick(2);
	switch (pick(5)) {
	case 0: /* LDR/STR/LDRB/STRB, immediate offset from r11 */
		return c | 0x05000000 | pick(2) << 23 | pick(2) << 22 | l << 20 | 11u << 16 |
		       rt << 12 | pick(0x7fc);
	case 1: /* register offset r11 +/- r10 LSL #0..2 */
		return c | 0x07000000 | pick(2) << 23 | pick(2) << 22 | l << 20 | 11u << 16 |
		       rt << 12 | pick(3) << 7 | 10u;
	case 2: { /* pre/post-indexed with writeback on r12, small steps */
		uint32_t p = pick(2), w = p ? 1 : 0;
		/* word steps: r12 is also an LDM/STM base, which must stay aligned */
		return c | 0x04000000 | p << 24 | pick(2) << 23 | pick(2) << 22 | w << 21 |
		       l << 20 | 12u << 16 | rt << 12 | 4 * pick(8);
	}
	case 3: { /* halfword and signed forms, immediate offset from r11 */
		uint32_t sh = l ? 1 + pick(3) : 1;
		uint32_t off = pick(0x100);
		return c | 0x01400090 | pick(2) << 23 | l << 20 | 11u << 16 | rt << 12 |
		       (off >> 4) << 8 | sh << 5 | (off & 0xf);
	}
	default: { /* LDRD/STRD (even Rt, word-aligned offset) or LDM/STM */
		if (pick(2)) {
			uint32_t t = 2 * pick(5), off = 4 * pick(0x40);
			return c | 0x014000d0 | pick(2) << 23 | (pick(2) ? 0 : 0x20) | 11u << 16 |
			       t << 12 | (off >> 4) << 8 | (off & 0xf);
		}
		uint32_t list = (rnd() & 0x3ff) | 1u << reg_free();
		uint32_t mode = pick(4), wb = pick(2);
		uint32_t base = wb ? 12u : 11u;
		return c | 0x08000000 | mode << 23 | wb << 21 | l << 20 | base << 16 | list;
	}
	}
}

/* SWP/SWPB, exclusives in matched pairs, CLREX, PLD/PLI, barriers, SETEND
 * (with big-endian loads and stores after it). May add several items. */
static void gen_a32_sys(struct seq *s)
{
	uint32_t c = cond() << 28, rt = reg_free(), rt2 = reg_free();
	/* the exclusive pair is unconditional: a STREX whose LDREX was skipped
	 * would meet a monitor of another size, which is UNPREDICTABLE */
	switch (pick(6)) {
	case 0: /* SWP, SWPB [r11] (word aligned) */
		add32(s, c | 0x01000090 | pick(2) << 22 | 11u << 16 | rt << 12 | rt2);
		break;
	case 1: { /* LDREX{B,H,D} [r11] ... STREX{B,H,D} [r11] of the same size */
		uint32_t sz = pick(4); /* 0 word, 1 doubleword, 2 byte, 3 halfword */
		uint32_t rs;
		if (sz == 1) {
			rt = 2 * pick(5);
			do
				rs = reg_free();
			while (rs == rt || rs == rt + 1);
		} else {
			do
				rs = reg_free();
			while (rs == rt);
		}
		uint32_t ld = 0xe1900f9fu | sz << 21 | 11u << 16 | rt << 12;
		uint32_t st = 0xe1800f90u | sz << 21 | 11u << 16 | rs << 12 | rt;
		if (pick(4))
			add32(s, ld);
		if (!pick(4))
			add32(s, gen_dp());
		if (!pick(8))
			add32(s, 0xf57ff01fu); /* CLREX: the STREX fails */
		add32(s, st);
		break;
	}
	case 2: /* PLD, PLDW, PLI [r11, #imm]: hints */
		add32(s, (uint32_t[]){ 0xf5dbf000u, 0xf59bf000u, 0xf4dbf000u }[pick(3)] | pick(0x800));
		break;
	case 3: /* DMB, DSB, ISB */
		add32(s, (uint32_t[]){ 0xf57ff05fu, 0xf57ff04fu, 0xf57ff06fu }[pick(3)]);
		break;
	default: { /* SETEND BE; loads and stores; SETEND LE (or not) */
		add32(s, 0xf1010200u);
		for (unsigned k = 1 + pick(4); k; k--)
			add32(s, pick(3) ? gen_mem() : gen_dp());
		if (pick(4))
			add32(s, 0xf1010000u);
		break;
	}
	}
}

/*
 * Units of several items (the rest bound to the first, so a branch never
 * lands inside one and shrinking drops it whole):
 *   loop      MOV rX, #k; SUBS rX, rX, #1; BNE back to the SUBS (k = 1..4)
 *   indirect  ADD rX, PC, #0 (the address after the next instruction);
 *             BX rX or MOV PC, rX
 */
static void gen_a32_loop(struct seq *s)
{
	uint32_t r = reg_free();
	add32(s, 0xe3a00000u | r << 12 | (1 + pick(4)));
	add(s, 0xe2500001u | r << 16 | r << 12, 4, IT_PLAIN, true);
	add(s, 0x1afffffdu, 4, IT_PLAIN, true); /* BNE -12: back to the SUBS */
	s->backward = true;
	s->repeats += 2 * 3;
}

static void gen_a32_indirect(struct seq *s)
{
	uint32_t r = reg_free();
	add32(s, 0xe28f0000u | r << 12);
	add(s, pick(2) ? 0xe12fff10u | r : 0xe1a0f000u | r, 4, IT_PLAIN, true);
	s->indirect = true;
}

static void gen_a32_item(struct seq *s)
{
	switch (pick(14)) {
	case 12:
		gen_a32_loop(s);
		break;
	case 13:
		gen_a32_indirect(s);
		break;
	case 0:
	case 1:
	case 2:
		add32(s, gen_dp());
		break;
	case 3:
		add32(s, gen_mul());
		break;
	case 4:
	case 5:
		add32(s, gen_misc());
		break;
	case 6:
	case 7:
		add32(s, gen_media());
		break;
	case 8:
		if (pick(3)) {
			add32(s, gen_mem());
			break;
		}
		gen_a32_sys(s);
		break;
	case 9:
		if (!pick(3)) { /* B<cond> forward */
			add(s, cond() << 28 | 0x0a000000, 4, IT_A32_B, false);
			break;
		}
		add32(s, gen_mem());
		break;
	default:
		add32(s, gen_mem());
		break;
	}
}

static uint32_t interesting(void)
{
	static const uint32_t v[] = { 0, 1, 0x80000000u, 0xffffffffu, 0x7fffffffu,
				      0x8000u, 0x7fff8000u, 0x80808080u, 0x7f7f7f7fu };
	return pick(4) ? rnd() : v[pick(CAPTIVE_ARRAY_SIZE(v))];
}

static void init_state(struct seq *s)
{
	for (int i = 0; i < 15; i++)
		s->regs[i] = interesting();
	s->regs[15] = CODE_PA;
	s->cpsr = (rnd() & 0xf80f0000u) | 0x1d3u;
	s->fpscr = 0;
	memset(s->d, 0, sizeof(s->d));
	for (unsigned i = 0; i < SANDBOX_SIZE; i++)
		s->sandbox[i] = (uint8_t)rnd();
}

static void gen_a32_seq(struct seq *s)
{
	memset(s, 0, offsetof(struct seq, items));
	unsigned want = 1 + pick(SEQ_MAX);
	while (s->n < want)
		gen_a32_item(s);
	init_state(s);
	s->regs[10] = 4 * pick(16);
	s->regs[11] = SANDBOX_PA + 0x800;
	s->regs[12] = SANDBOX_PA + 0x800;
	finish(s);
}

/* ------------------------------------------------------------------------
 * T32. r0-r5 free (low); r6 a small index (0..0x3c); r7 the low sandbox
 * pointer (16-bit loads and stores; LDM/STM move it in word steps); r8-r10
 * and r14 free (high); r11 a fixed sandbox pointer; r12 a sandbox pointer
 * that writeback forms move; SP in the sandbox (PUSH/POP, SP-relative).
 */

static uint32_t t_lowd(void)
{
	return pick(6);
}

static uint32_t t_lows(void)
{
	return pick(8);
}

/* A destination for 32-bit encodings: never SP, PC or a pointer. */
static uint32_t t_dst(void)
{
	static const uint32_t r[] = { 0, 1, 2, 3, 4, 5, 8, 9, 10, 14 };
	return r[pick(CAPTIVE_ARRAY_SIZE(r))];
}

/* A source for 32-bit encodings: anything but SP and PC. */
static uint32_t t_src(void)
{
	uint32_t r = pick(14);
	return r == 13 ? 14 : r;
}

static uint32_t t32(uint32_t hw1, uint32_t hw2)
{
	return hw1 << 16 | hw2;
}

/* ThumbExpandImm's i:imm3:imm8, avoiding the UNPREDICTABLE zero patterns. */
static uint32_t t_modimm(void)
{
	uint32_t imm12 = rnd() & 0xfff;
	if (!(imm12 & 0xc00) && (imm12 & 0x300) && !(imm12 & 0xff))
		imm12 |= 1 + pick(255);
	return (imm12 >> 11) << 26 | ((imm12 >> 8) & 7) << 12 | (imm12 & 0xff);
}

/* 16-bit data processing that may stand inside an IT block (and outside). */
static void gen_t16_dp(struct seq *s, bool in_it)
{
	uint32_t d = t_lowd(), n = t_lows(), m = t_lows();
	uint32_t e;

	switch (pick(8)) {
	case 0: { /* LSL/LSR/ASR #imm (LSL #0 is MOVS: not inside IT) */
		uint32_t op = pick(3), imm = pick(32);
		if (op == 0 && imm == 0 && in_it)
			imm = 1;
		e = op << 11 | imm << 6 | m << 3 | d;
		break;
	}
	case 1: /* ADD/SUB register, ADD/SUB #imm3 */
		e = 0x1800 | pick(4) << 9 | pick(8) << 6 | n << 3 | d;
		break;
	case 2: /* MOV/CMP/ADD/SUB #imm8 */
		e = 0x2000 | pick(4) << 11 | d << 8 | (rnd() & 0xff);
		break;
	case 3:
	case 4: /* data processing, register: AND .. MVN */
		e = 0x4000 | pick(16) << 6 | m << 3 | d;
		break;
	case 5: { /* ADD/MOV high registers, CMP high */
		uint32_t op = pick(3), dd = t_dst(), mm = t_src();
		if (op == 1) { /* CMP: at least one high register */
			dd = t_src();
			if (dd < 8 && mm < 8)
				mm = 8 + pick(5);
		}
		e = 0x4400 | op << 8 | (dd >> 3) << 7 | mm << 3 | (dd & 7);
		break;
	}
	case 6: /* SXTH SXTB UXTH UXTB, REV REV16 REVSH */
		if (pick(2))
			e = 0xb200 | pick(4) << 6 | m << 3 | d;
		else
			e = 0xba00 | (uint32_t[]){ 0, 1, 3 }[pick(3)] << 6 | m << 3 | d;
		break;
	default: /* ADR, ADD Rd, SP, #imm */
		e = (pick(2) ? 0xa000 : 0xa800) | d << 8 | (rnd() & 0xff);
		break;
	}
	add(s, e, 2, IT_PLAIN, in_it);
}

/* 16-bit loads and stores. */
static void gen_t16_mem(struct seq *s, bool in_it)
{
	uint32_t t = t_lowd(), e;

	switch (pick(6)) {
	case 0: /* register offset [r7, r6] */
		e = 0x5000 | pick(8) << 9 | 6u << 6 | 7u << 3 | t;
		break;
	case 1: /* STR/LDR/STRB/LDRB #imm5 */
		e = 0x6000 | pick(4) << 11 | pick(32) << 6 | 7u << 3 | t;
		break;
	case 2: /* STRH/LDRH #imm5 */
		e = 0x8000 | pick(2) << 11 | pick(32) << 6 | 7u << 3 | t;
		break;
	case 3: /* STR/LDR [SP, #imm8] */
		e = 0x9000 | pick(2) << 11 | t << 8 | (rnd() & 0xff);
		break;
	case 4: /* LDR literal (PC-relative, from the code page) */
		e = 0x4800 | t << 8 | pick(128);
		break;
	default: { /* PUSH, POP (low registers and LR / not r6, r7) */
		if (in_it || pick(2)) {
			uint32_t list = (rnd() & 0xff) | 1u << pick(8);
			e = 0xb400 | pick(2) << 8 | list;
		} else {
			e = 0xbc00 | (rnd() & 0x3f) | 1u << t;
		}
		break;
	}
	}
	add(s, e, 2, IT_PLAIN, in_it);
}

/* 32-bit data processing (modified immediate, plain immediate, shifted
 * register, register, media, multiplies). */
static uint32_t gen_t32_dp(void)
{
	uint32_t d = t_dst(), n = t_src(), m = t_src(), sflag = pick(2);

	switch (pick(14)) {
	case 0:
	case 1: { /* modified immediate: AND BIC ORR ORN EOR ADD ADC SBC SUB RSB, and
		   * TST TEQ CMN CMP, MOV MVN */
		static const uint32_t ops[] = { 0, 1, 2, 3, 4, 8, 10, 11, 13, 14 };
		uint32_t op = ops[pick(CAPTIVE_ARRAY_SIZE(ops))];
		if (!pick(4) && (op == 0 || op == 4 || op == 8 || op == 13)) {
			d = 15; /* TST TEQ CMN CMP */
			sflag = 1;
		} else if (!pick(4) && (op == 2 || op == 3)) {
			n = 15; /* MOV MVN */
		}
		return t32(0xf000 | op << 5 | sflag << 4 | n, d << 8) | t_modimm();
	}
	case 2: /* ADDW SUBW #imm12, MOVW MOVT #imm16 */
		switch (pick(4)) {
		case 0:
			return t32(0xf200 | n, d << 8) | t_modimm();
		case 1:
			return t32(0xf2a0 | n, d << 8) | t_modimm();
		default:
			return t32((pick(2) ? 0xf240 : 0xf2c0) | pick(16), d << 8) | t_modimm();
		}
	case 3: { /* SSAT USAT (LSL/ASR #imm), SSAT16 USAT16, SBFX UBFX, BFI BFC */
		uint32_t lsb = pick(32);
		switch (pick(4)) {
		case 0: {
			uint32_t sh = pick(2), imm5 = pick(32);
			if (sh && !imm5)
				imm5 = 1; /* ASR #0 would be SSAT16 */
			return t32((pick(2) ? 0xf300 : 0xf380) | sh << 5 | n,
				   (imm5 >> 2) << 12 | d << 8 | (imm5 & 3) << 6 | pick(32));
		}
		case 1:
			return t32((pick(2) ? 0xf320 : 0xf3a0) | n, d << 8 | pick(16));
		case 2: {
			uint32_t w = 1 + pick(32 - lsb);
			return t32((pick(2) ? 0xf340 : 0xf3c0) | n,
				   (lsb >> 2) << 12 | d << 8 | (lsb & 3) << 6 | (w - 1));
		}
		default: {
			uint32_t msb = lsb + pick(32 - lsb);
			return t32(0xf360 | (pick(4) ? n : 15), (lsb >> 2) << 12 | d << 8 |
				   (lsb & 3) << 6 | msb);
		}
		}
	}
	case 4:
	case 5: { /* shifted register: AND .. RSB, compares, MOV/shift forms, PKH */
		static const uint32_t ops[] = { 0, 1, 2, 3, 4, 8, 10, 11, 13, 14, 6 };
		uint32_t op = ops[pick(CAPTIVE_ARRAY_SIZE(ops))];
		uint32_t imm5 = pick(32), type = pick(4);
		if (op == 6) { /* PKHBT / PKHTB: no S, type LSL or ASR */
			sflag = 0;
			type = pick(2) << 1;
		} else if (!pick(4) && (op == 0 || op == 4 || op == 8 || op == 13)) {
			d = 15;
			sflag = 1;
		} else if (!pick(4) && (op == 2 || op == 3)) {
			n = 15;
		}
		return t32(0xea00 | op << 5 | sflag << 4 | n,
			   (imm5 >> 2) << 12 | d << 8 | (imm5 & 3) << 6 | type << 4 | m);
	}
	case 6: /* LSL LSR ASR ROR by register */
		return t32(0xfa00 | pick(4) << 5 | sflag << 4 | n, 0xf000 | d << 8 | m);
	case 7: /* SXTAH .. UXTB with rotation (Rn = 15: no accumulate) */
		return t32(0xfa00 | (uint32_t[]){ 0, 1, 2, 3, 4, 5 }[pick(6)] << 4 |
				   (pick(2) ? 15 : n),
			   0xf080 | d << 8 | pick(4) << 4 | m);
	case 8: { /* parallel add/subtract, signed and unsigned */
		static const uint32_t op1[] = { 1, 2, 6, 5, 0, 4 }; /* ADD16 ASX SAX SUB16 ADD8 SUB8 */
		uint32_t kind = pick(6); /* S Q SH U UQ UH */
		return t32(0xfa80 | op1[pick(6)] << 4 | n,
			   0xf000 | d << 8 | (kind >= 3) << 6 | (kind % 3) << 4 | m);
	}
	case 9: /* QADD QDADD QSUB QDSUB, REV REV16 RBIT REVSH, SEL, CLZ */
		switch (pick(4)) {
		case 0:
			return t32(0xfa80 | n, 0xf080 | d << 8 | pick(4) << 4 | m);
		case 1:
			return t32(0xfa90 | m, 0xf080 | d << 8 | pick(4) << 4 | m);
		case 2:
			return t32(0xfaa0 | n, 0xf080 | d << 8 | m);
		default:
			return t32(0xfab0 | m, 0xf080 | d << 8 | m);
		}
	case 10: /* MUL MLA MLS, SMULxy SMLAxy, SMUAD SMLAD, SMULWy SMLAWy, SMUSD
		  * SMLSD, SMMUL SMMLA SMMLS, USAD8 USADA8 */
		switch (pick(8)) {
		case 0:
			return t32(0xfb00 | n, (pick(2) ? t_src() : 15) << 12 | d << 8 | m);
		case 1:
			return t32(0xfb00 | n, t_src() << 12 | d << 8 | 0x10 | m);
		case 2:
			return t32(0xfb10 | n, (pick(2) ? t_src() : 15) << 12 | d << 8 | pick(4) << 4 | m);
		case 3:
			return t32(0xfb20 | n, (pick(2) ? t_src() : 15) << 12 | d << 8 | pick(2) << 4 | m);
		case 4:
			return t32(0xfb30 | n, (pick(2) ? t_src() : 15) << 12 | d << 8 | pick(2) << 4 | m);
		case 5:
			return t32(0xfb40 | n, (pick(2) ? t_src() : 15) << 12 | d << 8 | pick(2) << 4 | m);
		case 6:
			if (pick(2))
				return t32(0xfb50 | n, (pick(2) ? t_src() : 15) << 12 | d << 8 |
						       pick(2) << 4 | m);
			return t32(0xfb60 | n, t_src() << 12 | d << 8 | pick(2) << 4 | m);
		default:
			return t32(0xfb70 | n, (pick(2) ? t_src() : 15) << 12 | d << 8 | m);
		}
	case 11: { /* SMULL UMULL SMLAL UMLAL UMAAL, SMLALxy, SMLALD SMLSLD */
		uint32_t hi;
		do
			hi = t_dst();
		while (hi == d);
		switch (pick(4)) {
		case 0:
			return t32(0xfb80 | (uint32_t[]){ 0, 2, 4, 6 }[pick(4)] << 4 | n,
				   d << 12 | hi << 8 | m);
		case 1:
			return t32(0xfbe0 | n, d << 12 | hi << 8 | 0x60 | m);
		case 2:
			return t32(0xfbc0 | n, d << 12 | hi << 8 | 0x80 | pick(4) << 4 | m);
		default:
			return t32((pick(2) ? 0xfbc0 : 0xfbd0) | n, d << 12 | hi << 8 | 0xc0 |
				   pick(2) << 4 | m);
		}
	}
	case 12: /* MRS APSR, MSR APSR_nzcvq/_g/_nzcvqg */
		if (pick(2))
			return t32(0xf3ef, 0x8000 | d << 8);
		return t32(0xf380 | n, 0x8000 | (1 + pick(3)) << 10);
	default: /* NOP.W (not YIELD: deviations.md U1); barriers; CLREX */
		switch (pick(3)) {
		case 0:
			return t32(0xf3af, 0x8000);
		case 1:
			return t32(0xf3bf, (uint32_t[]){ 0x8f4f, 0x8f5f, 0x8f6f }[pick(3)]);
		default:
			return t32(0xf3bf, 0x8f2f);
		}
	}
}

/* 32-bit loads and stores: single (all addressing modes, T variants, PLD),
 * dual, multiple, exclusives are separate (gen_t32_excl). */
static uint32_t gen_t32_mem(void)
{
	uint32_t t = t_dst(), l = pick(2);
	/* size:sign: 0 STRB/LDRB, 1 STRH/LDRH, 2 STR/LDR, 4 LDRSB, 5 LDRSH */
	uint32_t sz = l ? (uint32_t[]){ 0, 1, 2, 4, 5 }[pick(5)] : pick(3);
	uint32_t op = (sz & 4) << 6 | (sz & 3) << 5 | l << 4;

	switch (pick(7)) {
	case 0: /* [r11, #imm12] */
		return t32(0xf880 | op | 11u, t << 12 | pick(0x800));
	case 1: { /* [r11, #-imm8], or T variant [r11, #imm8] */
		uint32_t pu = pick(2) ? 0xc00 : 0xe00;
		return t32(0xf800 | op | 11u, t << 12 | 0x800 | pu | (rnd() & 0xff));
	}
	case 2: { /* pre/post-indexed with writeback on r12, word steps */
		uint32_t p = pick(2), u = pick(2);
		return t32(0xf800 | op | 12u, t << 12 | 0x800 | p << 10 | u << 9 | 0x100 | 4 * pick(8));
	}
	case 3: /* register offset [r11, r6, LSL #0..3] */
		return t32(0xf800 | op | 11u, t << 12 | pick(4) << 4 | 6u);
	case 4: { /* LDRD/STRD [r11, #+/-imm8*4]{!} or post-indexed on r12 */
		uint32_t t2;
		do
			t2 = t_dst();
		while (t2 == t);
		if (pick(2))
			return t32(0xe940 | pick(2) << 7 | l << 4 | 11u, t << 12 | t2 << 8 | pick(256));
		return t32(0xe860 | pick(2) << 8 | pick(2) << 7 | l << 4 | 12u,
			   t << 12 | t2 << 8 | pick(8));
	}
	case 5: { /* LDM/STM (IA, DB), PUSH.W/POP.W */
		uint32_t list = 0;
		while (__builtin_popcount(list) < 2)
			list |= 1u << t_dst();
		switch (pick(3)) {
		case 0:
			return t32((pick(2) ? 0xe880 : 0xe900) | l << 4 | 11u, list);
		case 1:
			return t32((pick(2) ? 0xe8a0 : 0xe920) | l << 4 | 12u, list);
		default:
			return l ? t32(0xe8bd, list) : t32(0xe92d, list);
		}
	}
	default: /* PLD, PLDW, PLI [r11, #imm12] */
		return t32((uint32_t[]){ 0xf89b, 0xf8bb, 0xf99b }[pick(3)], 0xf000 | pick(0x800));
	}
}

/* LDREX/STREX pairs (word, byte, halfword, doubleword) on [r11]. */
static void gen_t32_excl(struct seq *s)
{
	uint32_t t = t_dst(), t2, st;
	uint32_t rd;

	do
		t2 = t_dst();
	while (t2 == t);
	do
		rd = t_dst();
	while (rd == t || rd == t2);
	switch (pick(3)) {
	case 0: /* word, imm8 = 0 */
		add32(s, t32(0xe85b, t << 12 | 0xf00));
		st = t32(0xe84b, t << 12 | rd << 8);
		break;
	case 1: { /* byte, halfword */
		uint32_t h = pick(2);
		add32(s, t32(0xe8db, t << 12 | 0xf4f | h << 4));
		st = t32(0xe8cb, t << 12 | 0xf40 | h << 4 | rd);
		break;
	}
	default: /* doubleword */
		add32(s, t32(0xe8db, t << 12 | t2 << 8 | 0x7f));
		st = t32(0xe8cb, t << 12 | t2 << 8 | 0x70 | rd);
		break;
	}
	if (!pick(8))
		add32(s, t32(0xf3bf, 0x8f2f)); /* CLREX */
	add32(s, st);
}

/* An IT block of 1-4 instructions, the last possibly a forward branch. */
static void gen_t32_it(struct seq *s)
{
	uint32_t c = pick(15), n = 1 + pick(4);
	uint32_t mask = 1u << (4 - n);

	if (c == 14) /* AL: every instruction must be "then" */
		mask = 1u << (4 - n);
	else
		for (unsigned k = 1; k < n; k++)
			mask |= (pick(2) ? (c & 1) : !(c & 1)) << (4 - k);
	add(s, 0xbf00 | c << 4 | mask, 2, IT_PLAIN, false);
	for (unsigned k = 0; k < n; k++) {
		if (k == n - 1 && !pick(6)) {
			if (pick(2))
				add(s, 0xe000, 2, IT_T16_B, true);
			else
				add(s, t32(0xf000, 0x9000), 4, IT_T32_B, true);
			break;
		}
		switch (pick(4)) {
		case 0:
			gen_t16_dp(s, true);
			break;
		case 1:
			gen_t16_mem(s, true);
			break;
		case 2: {
			uint32_t e;
			do /* no ISB inside IT blocks: deviations.md U2 */
				e = gen_t32_dp();
			while (e == 0xf3bf8f6fu);
			add(s, e, 4, IT_PLAIN, true);
			break;
		}
		default:
			add(s, gen_t32_mem(), 4, IT_PLAIN, true);
			break;
		}
	}
}

static void gen_t32_item(struct seq *s)
{
	switch (pick(16)) {
	case 0:
	case 1:
	case 2:
		gen_t16_dp(s, false);
		break;
	case 3:
	case 4:
		gen_t16_mem(s, false);
		break;
	case 5:
	case 6:
	case 7:
	case 8:
		add32(s, gen_t32_dp());
		break;
	case 9:
	case 10:
		add32(s, gen_t32_mem());
		break;
	case 11:
	case 12:
		gen_t32_it(s);
		break;
	case 13: /* forward branches: B<c>, B, CBZ/CBNZ, B<c>.W, B.W, BL */
		switch (pick(6)) {
		case 0:
			add(s, 0xd000 | pick(14) << 8, 2, IT_T16_BCOND, false);
			break;
		case 1:
			add(s, 0xe000, 2, IT_T16_B, false);
			break;
		case 2:
			add(s, 0xb100 | pick(2) << 11 | t_lows(), 2, IT_T16_CBZ, false);
			break;
		case 3:
			add(s, t32(0xf000 | pick(14) << 6, 0x8000), 4, IT_T32_BCOND, false);
			break;
		case 4:
			add(s, t32(0xf000, 0x9000), 4, IT_T32_B, false);
			break;
		default:
			add(s, t32(0xf000, 0xd000), 4, IT_T32_B, false);
			break;
		}
		break;
	case 14:
		gen_t32_excl(s);
		break;
	default: /* SETEND around loads and stores, NOP */
		if (pick(2)) {
			add(s, 0xb658, 2, IT_PLAIN, false);
			for (unsigned k = 1 + pick(3); k; k--)
				if (pick(2))
					gen_t16_mem(s, false);
				else
					add32(s, gen_t32_mem());
			if (pick(4))
				add(s, 0xb650, 2, IT_PLAIN, false);
		} else {
			add(s, 0xbf00, 2, IT_PLAIN, false);
		}
		break;
	}
}

static void init_t32_state(struct seq *s)
{
	init_state(s);
	s->regs[6] = 4 * pick(16);
	s->regs[7] = SANDBOX_PA + 0x800;
	s->regs[11] = SANDBOX_PA + 0x800;
	s->regs[12] = SANDBOX_PA + 0x800;
	s->regs[13] = SANDBOX_PA + 0x600;
	s->regs[15] = CODE_PA | 1;
	s->cpsr |= CPSR_T;
}

static void gen_t32_seq(struct seq *s)
{
	memset(s, 0, offsetof(struct seq, items));
	s->thumb = true;
	unsigned want = 1 + pick(SEQ_MAX);
	while (s->n < want) {
		uint32_t r = t_lowd();
		switch (pick(16)) {
		case 0: /* loop: MOVS rX, #k; SUBS rX, #1; BNE back to the SUBS */
			add(s, 0x2000u | r << 8 | (1 + pick(4)), 2, IT_PLAIN, false);
			add(s, 0x3801u | r << 8, 2, IT_PLAIN, true);
			add(s, 0xd1fdu, 2, IT_PLAIN, true);
			s->backward = true;
			s->repeats += 2 * 3;
			break;
		case 1: /* indirect: MOV rX, PC; ADDS rX, #3; BX rX (to the next
			 * instruction, bit 0 set: stays in Thumb) */
			add(s, 0x4678u | r, 2, IT_PLAIN, false);
			add(s, 0x3003u | r << 8, 2, IT_PLAIN, true);
			add(s, 0x4700u | r << 3, 2, IT_PLAIN, true);
			s->indirect = true;
			break;
		default:
			gen_t32_item(s);
			break;
		}
	}
	init_t32_state(s);
	finish(s);
}

/* ------------------------------------------------------------------------
 * VFP. Encodings are built in A32 form (cond in 31:28) and converted for
 * T32 (cond 1110). Registers: S0-S31 / D0-D31 are all free.
 */

static uint32_t f32_special(void)
{
	static const uint32_t v[] = {
		0x00000000u, 0x80000000u,		/* +-0 */
		0x00000001u, 0x807fffffu, 0x00400000u,	/* denormals */
		0x7f800000u, 0xff800000u,		/* +-inf */
		0x7fc00000u, 0xffc00001u,		/* quiet NaNs */
		0x7f800001u, 0xffa00000u,		/* signalling NaNs */
		0x7f7fffffu, 0xff7fffffu,		/* +-max normal */
		0x00800000u, 0x80800000u,		/* +-min normal */
		0x3f800000u, 0xbf800000u, 0x40490fdbu,	/* 1, -1, pi */
		0x4f000000u, 0xcf000000u, 0x4f800000u,	/* around the int32/uint32 limits */
		0x3f000000u, 0x3fc00000u, 0x40200000u,	/* 0.5, 1.5, 2.5: ties */
		0x33800000u, 0x0c800000u,		/* tiny: underflow after products */
	};
	switch (pick(4)) {
	case 0:
		return v[pick(CAPTIVE_ARRAY_SIZE(v))];
	case 1: /* exponent within 2^+-28 of 1, random mantissa */
		return (rnd() & 0x80000000u) | (100u + pick(56)) << 23 | (rnd() & 0x7fffff);
	case 2: { /* small integers */
		float f = (float)((int)pick(2001) - 1000);
		uint32_t u;
		memcpy(&u, &f, 4);
		return u;
	}
	default:
		return rnd();
	}
}

static uint64_t f64_special(void)
{
	static const uint64_t v[] = {
		0, 0x8000000000000000ull,
		1, 0x800fffffffffffffull, 0x0008000000000000ull,
		0x7ff0000000000000ull, 0xfff0000000000000ull,
		0x7ff8000000000000ull, 0xfff8000000000001ull,
		0x7ff0000000000001ull, 0xfff4000000000000ull,
		0x7fefffffffffffffull, 0xffefffffffffffffull,
		0x0010000000000000ull, 0x8010000000000000ull,
		0x3ff0000000000000ull, 0xbff0000000000000ull, 0x400921fb54442d18ull,
		0x41e0000000000000ull, 0xc1e0000000000000ull, 0x41f0000000000000ull,
		0x3fe0000000000000ull, 0x3ff8000000000000ull, 0x4004000000000000ull,
		0x36a0000000000000ull, 0x47efffffe0000000ull, 0x3810000000000000ull,
	};
	switch (pick(4)) {
	case 0:
		return v[pick(CAPTIVE_ARRAY_SIZE(v))];
	case 1:
		return (uint64_t)(rnd() & 0x80000000u) << 32 |
		       (uint64_t)(0x3c0u + pick(0x80)) << 52 |
		       (((uint64_t)rnd() << 21 ^ rnd()) & 0x000fffffffffffffull);
	case 2: /* singles widened: exact conversions, near the float limits */
		return (uint64_t)(0x380u + pick(0x100)) << 52 | (uint64_t)(rnd() & 0xfff) << 29;
	default:
		return (uint64_t)rnd() << 32 | rnd();
	}
}

/* Sd/Dd field splits (Vd:D for singles, D:Vd for doubles). */
static uint32_t vd(uint32_t r, bool dp)
{
	return dp ? (r & 15) << 12 | (r >> 4) << 22 : (r >> 1) << 12 | (r & 1) << 22;
}

static uint32_t vn(uint32_t r, bool dp)
{
	return dp ? (r & 15) << 16 | (r >> 4) << 7 : (r >> 1) << 16 | (r & 1) << 7;
}

static uint32_t vm(uint32_t r, bool dp)
{
	return dp ? (r & 15) | (r >> 4) << 5 : (r >> 1) | (r & 1) << 5;
}

/* One VFP data-processing or transfer instruction, A32 form with cond c;
 * `nearest`: FPSCR rounds to nearest when it runs. */
static uint32_t gen_vfp_insn(uint32_t c, bool nearest)
{
	bool dp = pick(2);
	uint32_t sz = dp ? 0x100 : 0, d = pick(32), n = pick(32), m = pick(32);
	uint32_t base = c << 28 | 0x0e000a00 | sz;

	switch (pick(12)) {
	case 0:
	case 1:
	case 2: { /* VMLA VMLS VNMLS VNMLA VMUL VNMUL VADD VSUB VDIV */
		static const uint32_t ops[] = { 0x000000, 0x000040, 0x100000, 0x100040, 0x200000,
						0x200040, 0x300000, 0x300040, 0x800000 };
		return base | ops[pick(CAPTIVE_ARRAY_SIZE(ops))] | vd(d, dp) | vn(n, dp) | vm(m, dp);
	}
	case 3: /* VMOV #imm */
		return base | 0xb00000 | (rnd() & 0xf) << 16 | vd(d, dp) | (rnd() & 0xf);
	case 4: { /* VMOV VABS VNEG VSQRT */
		static const uint32_t ops[] = { 0x0040, 0x00c0, 0x10040, 0x100c0 };
		return base | 0xb00000 | ops[pick(4)] | vd(d, dp) | vm(m, dp);
	}
	case 5: /* VCMP VCMPE (register or #0) */
		if (pick(2))
			return base | 0xb40040 | pick(2) << 7 | vd(d, dp) | vm(m, dp);
		return base | 0xb50040 | pick(2) << 7 | vd(d, dp);
	case 6: /* VCVT between precisions: Dd from Sm or Sd from Dm */
		return base | 0xb700c0 | vd(d, !dp) | vm(m, dp);
	case 7: /* VCVT(R) to integer, VCVT from integer */
		if (pick(2))
			return base | 0xbc0040 | pick(2) << 16 | pick(2) << 7 | vd(d, false) | vm(m, dp);
		return base | 0xb80040 | pick(2) << 7 | vd(d, dp) | vm(m, false);
	case 8: { /* VCVT fixed point: op (to fixed), U, sx (32-bit), fbits; from
		   * fixed only when rounding to nearest: deviations.md U3 */
		uint32_t sx = pick(2), size = sx ? 32 : 16, fbits = pick(size) + (sx ? 1 : 0);
		uint32_t to_fixed = nearest ? pick(2) : 1;
		if (fbits > size)
			fbits = size;
		uint32_t imm = size - fbits;
		return base | 0xba0040 | to_fixed << 18 | pick(2) << 16 | sx << 7 | vd(d, dp) |
		       (imm & 1) << 5 | imm >> 1;
	}
	case 9: /* VCVTB VCVTT half <-> single */
		return (base & ~0x100u) | 0xb20040 | pick(2) << 16 | pick(2) << 7 | vd(d, false) |
		       vm(m, false);
	default: /* transfers between core and VFP registers */
		switch (pick(5)) {
		case 0: /* VMOV Sn, Rt / Rt, Sn */
			return c << 28 | 0x0e000a10 | pick(2) << 20 | vn(n, false) | reg_free() << 12;
		case 1: /* VMOV.32 Dd[x], Rt / Rt, Dn[x] */
			return c << 28 | 0x0e000b10 | pick(2) << 20 | pick(2) << 21 | vn(n, true) |
			       reg_free() << 12;
		case 2: { /* VMOV Dm, Rt, Rt2 / Rt, Rt2, Dm; VMOV Sm, Sm1, ... */
			uint32_t t = reg_free(), t2, l = pick(2);
			do
				t2 = reg_free();
			while (l && t2 == t);
			if (pick(2))
				return c << 28 | 0x0c400b10 | l << 20 | t2 << 16 | t << 12 | vm(m, true);
			m = pick(31);
			return c << 28 | 0x0c400a10 | l << 20 | t2 << 16 | t << 12 | vm(m, false);
		}
		case 3: /* VMRS APSR_nzcv, FPSCR */
			return c << 28 | 0x0ef1fa10;
		default: /* VMRS Rt, FPSCR */
			return c << 28 | 0x0ef10a10 | reg_free() << 12;
		}
	}
}

/* VLDR/VSTR, VLDM/VSTM (IA, DB!) on r11 / r12, VPUSH/VPOP not used: SP is
 * not a sandbox pointer in A32 sequences. */
static uint32_t gen_vfp_mem(uint32_t c)
{
	bool dp = pick(2);
	uint32_t l = pick(2), d = pick(32);

	if (pick(2)) /* VLDR/VSTR [r11, #+/-imm8*4] */
		return c << 28 | 0x0d000a00 | (dp ? 0x100 : 0) | pick(2) << 23 | l << 20 | 11u << 16 |
		       vd(d, dp) | pick(256);
	uint32_t cnt = 1 + pick(dp ? 8 : 16);
	if (d + cnt > 32)
		d = 32 - cnt;
	uint32_t imm8 = dp ? 2 * cnt : cnt;
	if (pick(2)) /* IA, no writeback, r11 */
		return c << 28 | 0x0c800a00 | (dp ? 0x100 : 0) | l << 20 | 11u << 16 | vd(d, dp) | imm8;
	/* IA! or DB! on r12 */
	uint32_t pu = pick(2) ? 0x0c800000 : 0x0d000000;
	return c << 28 | pu | 0x200a00 | (dp ? 0x100 : 0) | l << 20 | 12u << 16 | vd(d, dp) | imm8;
}

/* MOVW/MOVT r0 and VMSR FPSCR, r0: a new rounding mode, FZ, DN and flags. */
static void gen_vfp_fpscr(struct seq *s, uint32_t v)
{
	bool t = s->thumb;
	uint32_t lo = v & 0xffff, hi = v >> 16;
	uint32_t movw = t ? t32(0xf240 | (lo >> 12) | ((lo >> 11) & 1) << 10, ((lo >> 8) & 7) << 12 | (lo & 0xff))
			  : 0xe3000000u | (lo >> 12) << 16 | (lo & 0xfff);
	uint32_t movt = t ? t32(0xf2c0 | (hi >> 12) | ((hi >> 11) & 1) << 10, ((hi >> 8) & 7) << 12 | (hi & 0xff))
			  : 0xe3400000u | (hi >> 12) << 16 | (hi & 0xfff);
	uint32_t vmsr = 0xeee10a10u;

	add32(s, movw);
	add(s, movt, 4, IT_PLAIN, true);
	add(s, t ? t32(vmsr >> 16, vmsr & 0xffff) : vmsr, 4, IT_PLAIN, true);
}

static uint32_t random_fpscr(void)
{
	/* NZCV, AHP, DN, FZ, RMode and the cumulative flags; LEN/STRIDE stay 0. */
	return rnd() & 0xf7c0009fu;
}

static void add_vfp(struct seq *s, uint32_t a32, bool in_it)
{
	if (s->thumb)
		add(s, t32(0xe000 | ((a32 >> 16) & 0x0fff), a32 & 0xffff), 4, IT_PLAIN, in_it);
	else
		add32(s, a32);
}

static void gen_vfp_seq(struct seq *s)
{
	memset(s, 0, offsetof(struct seq, items));
	s->thumb = !pick(3);
	unsigned want = 1 + pick(SEQ_MAX);
	uint32_t fpscr = random_fpscr(), now = fpscr;
	while (s->n < want) {
		uint32_t c = s->thumb ? 0xe : cond();
		bool nearest = !(now & 0x00c00000u);
		switch (pick(16)) {
		case 0:
			now = random_fpscr();
			gen_vfp_fpscr(s, now);
			break;
		case 1:
		case 2:
			add_vfp(s, gen_vfp_mem(c), false);
			break;
		case 3:
			if (s->thumb) { /* VFP inside an IT block */
				uint32_t ic = pick(14);
				add(s, 0xbf08 | ic << 4, 2, IT_PLAIN, false);
				add_vfp(s, gen_vfp_insn(0xe, nearest), true);
			} else {
				add32(s, gen_dp());
			}
			break;
		default:
			add_vfp(s, gen_vfp_insn(c, nearest), false);
			break;
		}
	}
	if (s->thumb)
		init_t32_state(s);
	else
		init_state(s);
	if (!s->thumb) {
		s->regs[10] = 4 * pick(16);
		s->regs[11] = SANDBOX_PA + 0x800;
		s->regs[12] = SANDBOX_PA + 0x800;
	}
	s->fpscr = fpscr;
	for (int i = 0; i < 32; i++)
		s->d[i] = pick(2) ? f64_special() : (uint64_t)f32_special() << 32 | f32_special();
	finish(s);
}

/* ------------------------------------------------------------------------
 * Running a sequence on both sides.
 */

static const int uc_regs[16] = {
	UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2,  UC_ARM_REG_R3,
	UC_ARM_REG_R4, UC_ARM_REG_R5, UC_ARM_REG_R6,  UC_ARM_REG_R7,
	UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
	UC_ARM_REG_R12, UC_ARM_REG_R13, UC_ARM_REG_R14, UC_ARM_REG_R15,
};

/* Unicorn's error for the last sequence it did not finish. */
static uc_err uc_last_err;

static int run_unicorn(const struct seq *s, struct outcome *o)
{
	uc_engine *uc;
	if (uc_open(UC_ARCH_ARM, s->thumb ? UC_MODE_THUMB : UC_MODE_ARM, &uc) != UC_ERR_OK)
		return -1;
	uc_ctl_set_cpu_model(uc, UC_CPU_ARM_CORTEX_A9);
	uc_mem_map(uc, CODE_PA, CODE_SIZE, UC_PROT_ALL);
	uc_mem_map(uc, SANDBOX_PA, SANDBOX_SIZE, UC_PROT_READ | UC_PROT_WRITE);
	uc_mem_write(uc, CODE_PA, s->code, CODE_SIZE);
	uc_mem_write(uc, SANDBOX_PA, s->sandbox, SANDBOX_SIZE);
	uint32_t cpsr = s->cpsr, v = CPACR_CP10_11;
	uc_reg_write(uc, UC_ARM_REG_CPSR, &cpsr);
	uc_reg_write(uc, UC_ARM_REG_C1_C0_2, &v);
	v = FPEXC_EN;
	uc_reg_write(uc, UC_ARM_REG_FPEXC, &v);
	v = s->fpscr;
	uc_reg_write(uc, UC_ARM_REG_FPSCR, &v);
	for (int i = 0; i < 32; i++)
		uc_reg_write(uc, UC_ARM_REG_D0 + i, &s->d[i]);
	for (int i = 0; i < 15; i++)
		uc_reg_write(uc, uc_regs[i], &s->regs[i]);
	uc_err err = uc_emu_start(uc, s->regs[15], s->end, 0, 0);
	for (int i = 0; i < 16; i++)
		uc_reg_read(uc, uc_regs[i], &o->regs[i]);
	uc_reg_read(uc, UC_ARM_REG_CPSR, &o->cpsr);
	uc_reg_read(uc, UC_ARM_REG_FPSCR, &o->fpscr);
	for (int i = 0; i < 32; i++)
		uc_reg_read(uc, UC_ARM_REG_D0 + i, &o->d[i]);
	uc_mem_read(uc, SANDBOX_PA, o->sandbox, SANDBOX_SIZE);
	uc_close(uc);
	uc_last_err = err;
	return err == UC_ERR_OK && o->regs[15] == s->end ? 0 : -1;
}

static int run_engine(struct engine_inst *ei, const struct seq *s, struct outcome *o)
{
	struct captive_shared *sh = engine_api_shared(ei);
	uint8_t *ram = engine_api_ram(ei);
	memcpy(ram, s->code, CODE_SIZE);
	memcpy(ram + (SANDBOX_PA - CODE_PA), s->sandbox, SANDBOX_SIZE);
	memset(&sh->boot, 0, sizeof(sh->boot));
	memcpy(sh->boot.r, s->regs, sizeof(s->regs));
	sh->boot.cpsr = s->cpsr;
	sh->boot.fpscr = s->fpscr;
	sh->boot.fpexc = FPEXC_EN;
	sh->boot.cpacr = CPACR_CP10_11;
	memcpy(sh->boot.d, s->d, sizeof(s->d));
	/* Every item runs at most once but for the loops' repeats, then the
	 * end marker spins: the engine stops on the limit or as hung, at the
	 * end (a shrunk sequence keeps an upper bound of its repeats). */
	int reason = engine_api_run(ei, s->n + 1 + s->repeats);
	memcpy(o->regs, sh->state.r, sizeof(o->regs));
	o->cpsr = sh->state.cpsr;
	o->fpscr = sh->state.fpscr;
	memcpy(o->d, sh->state.d, sizeof(o->d));
	memcpy(o->sandbox, ram + (SANDBOX_PA - CODE_PA), SANDBOX_SIZE);
	return (reason == CAPTIVE_STOP_INSN_LIMIT || reason == CAPTIVE_STOP_HUNG) ? 0 : -1;
}

static bool same(const struct outcome *a, const struct outcome *b)
{
	return !memcmp(a->regs, b->regs, sizeof(a->regs)) && !((a->cpsr ^ b->cpsr) & CPSR_CMP) &&
	       a->fpscr == b->fpscr && !memcmp(a->d, b->d, sizeof(a->d)) &&
	       !memcmp(a->sandbox, b->sandbox, SANDBOX_SIZE);
}

static void print_seq(const struct seq *s)
{
	uint32_t addr[ITEMS_MAX];
	layout(s, addr);
	for (unsigned i = 0; i < s->n; i++) {
		uint32_t e = s->items[i].out;
		if (s->items[i].size == 2)
			fprintf(stderr, "  %08x: %04x\n", addr[i], e);
		else if (s->thumb)
			fprintf(stderr, "  %08x: %04x %04x\n", addr[i], e >> 16, e & 0xffff);
		else
			fprintf(stderr, "  %08x: %08x\n", addr[i], e);
	}
	fprintf(stderr, "  %08x: (end)\n  initial cpsr %08x fpscr %08x", s->end, s->cpsr, s->fpscr);
	for (int i = 0; i < 16; i++)
		fprintf(stderr, "%s r%d=%08x", i % 6 ? "" : "\n ", i, s->regs[i]);
	fprintf(stderr, "\n");
}

static void report(const char *engine, const struct seq *s, const struct outcome *a,
		   const struct outcome *b)
{
	fprintf(stderr, "difference in %s for %s sequence:\n", engine, s->thumb ? "T32" : "A32");
	print_seq(s);
	fprintf(stderr, "  reg   captive   unicorn\n");
	for (int i = 0; i < 16; i++)
		if (a->regs[i] != b->regs[i])
			fprintf(stderr, "  r%-3d %08x  %08x\n", i, a->regs[i], b->regs[i]);
	if ((a->cpsr ^ b->cpsr) & CPSR_CMP)
		fprintf(stderr, "  cpsr %08x  %08x\n", a->cpsr, b->cpsr);
	if (a->fpscr != b->fpscr)
		fprintf(stderr, "  fpscr %08x  %08x\n", a->fpscr, b->fpscr);
	for (int i = 0; i < 32; i++)
		if (a->d[i] != b->d[i])
			fprintf(stderr, "  d%-3d %016llx  %016llx (initial %016llx)\n", i,
				(unsigned long long)a->d[i], (unsigned long long)b->d[i],
				(unsigned long long)s->d[i]);
	for (unsigned i = 0; i < SANDBOX_SIZE; i++)
		if (a->sandbox[i] != b->sandbox[i]) {
			fprintf(stderr, "  mem[%08x] %02x  %02x (first difference)\n", SANDBOX_PA + i,
				a->sandbox[i], b->sandbox[i]);
			break;
		}
}

static unsigned env_uint(const char *name, unsigned def)
{
	const char *v = getenv(name);
	return v && *v ? (unsigned)strtoul(v, NULL, 0) : def;
}

/* Whether the sequence runs to its end in Unicorn and differs in the engine. */
static bool differs(struct engine_inst *ei, const struct seq *s, struct outcome *a,
		    struct outcome *b)
{
	if (run_unicorn(s, b))
		return false;
	return run_engine(ei, s, a) || !same(a, b);
}

/*
 * Make a differing sequence as short as it stays differing: drop single
 * instructions, IT blocks and other units as a whole (an instruction inside
 * an IT block dropped alone could leave a branch that is not the last; a
 * VMSR without its MOVW/MOVT would write reserved FPSCR bits).
 */
static void shrink(struct engine_inst *ei, struct seq *s)
{
	static struct seq t;
	static struct outcome a, b;

	for (unsigned k = 0; k < s->n;) {
		unsigned u = 1;
		if (s->items[k].bound) {
			k++;
			continue;
		}
		while (k + u < s->n && s->items[k + u].bound)
			u++;
		t = *s;
		remove_items(&t, k, u);
		finish(&t);
		if (differs(ei, &t, &a, &b))
			*s = t;
		else
			k++;
	}
}

struct generator {
	const char *name;
	void (*gen)(struct seq *s);
	unsigned default_seqs;
};

static const struct generator generators[] = {
	{ .name = "a32", .gen = gen_a32_seq, .default_seqs = 6000 },
	{ .name = "t32", .gen = gen_t32_seq, .default_seqs = 5000 },
	{ .name = "vfp", .gen = gen_vfp_seq, .default_seqs = 3000 },
};

static void diff_engine(const char *path, const struct generator *g)
{
	struct engine_inst *ei;
	ck_assert_int_eq(engine_api_open(&ei, path, CODE_PA, RAM_SIZE, -1), 0);
	unsigned nseq = env_uint("CAPTIVE_DIFF_SEQS", g->default_seqs);
	unsigned seed = env_uint("CAPTIVE_DIFF_SEED", 0x5eed);
	rng_state = (((uint64_t)seed * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)(g - generators) << 40)) | 1;
	unsigned diffs = 0, insns = 0, skipped = 0, compared = 0, backward = 0, indirect = 0;
	unsigned show_skipped = env_uint("CAPTIVE_DIFF_SHOW_SKIPPED", 0);
	static struct seq s;
	static struct outcome a, b;
	for (unsigned k = 0; k < nseq && diffs < 5; k++) {
		g->gen(&s);
		if (run_unicorn(&s, &b)) {
			if (skipped++ < show_skipped) {
				fprintf(stderr, "skipped (Unicorn: %s, pc %08x):\n", uc_strerror(uc_last_err),
					b.regs[15]);
				print_seq(&s);
			}
			continue;
		}
		int er = run_engine(ei, &s, &a);
		insns += s.n;
		compared++;
		backward += s.backward;
		indirect += s.indirect;
		if (er || !same(&a, &b)) {
			shrink(ei, &s);
			run_unicorn(&s, &b);
			if (run_engine(ei, &s, &a))
				fprintf(stderr, "engine %s did not run the sequence to its end (stop %u: %s)\n",
					path, engine_api_shared(ei)->exit.reason,
					engine_api_shared(ei)->exit.msg);
			report(path, &s, &a, &b);
			diffs++;
		}
	}
	printf("diff-unicorn %s (seed %u): %s: %u instructions compared, %u differing sequences, "
	       "%u skipped (Unicorn faulted); of %u sequences %.1f%% hold a backward branch, "
	       "%.1f%% an indirect one\n",
	       g->name, seed, path, insns, diffs, skipped, compared,
	       compared ? 100.0 * backward / compared : 0.0,
	       compared ? 100.0 * indirect / compared : 0.0);
	engine_api_close(ei);
	ck_assert_uint_eq(diffs, 0);
}

START_TEST(every_hosted_engine_matches_unicorn)
{
	const struct generator *g = &generators[_i];
	const char *only = getenv("CAPTIVE_DIFF_GEN");
	if (only && *only && strcmp(only, g->name))
		return;
	const char *only_engine = getenv("CAPTIVE_DIFF_ENGINE");
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/engine/process", check_build_dir());
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	struct dirent *e;
	unsigned engines = 0;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 4 || strcmp(e->d_name + n - 3, ".so"))
			continue;
		if (only_engine && *only_engine &&
		    (strlen(only_engine) != n - 3 || strncmp(e->d_name, only_engine, n - 3)))
			continue;
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		diff_engine(path, g);
		engines++;
	}
	closedir(d);
	ck_assert_uint_gt(engines, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("diff-unicorn");
	TCase *tc = tcase_create("sequences");
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, every_hosted_engine_matches_unicorn, 0,
			    (int)CAPTIVE_ARRAY_SIZE(generators));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
