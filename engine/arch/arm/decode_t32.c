/*
 * T32 decoder (ARMv7-A ARM, chapter A6), as a Cortex-A9 without ThumbEE, the
 * Security, Virtualization or divide extensions and with NEON off sees it.
 * Decodes into the same struct arm_insn as A32 (decode.h): ARM_F_THUMB on
 * every record, ARM_F_WIDE on 32-bit ones; raw is hw1 << 16 | hw2 (hw2 = 0
 * for a 16-bit instruction). Where a T32 encoding is an A32 one with the
 * fields moved (media, multiplies, coprocessor space), it is rebuilt as the
 * A32 encoding and decoded by arm_decode_a32, so both sets share one
 * classification.
 *
 * The condition: 16-bit B<c> and 32-bit B<c>.W carry theirs in cond; every
 * other record is ARM_COND_AL and, inside an IT block, takes the IT block's
 * condition at run time (the exec loop applies ITSTATE; see arm_t32_in_it).
 *
 * UNPREDICTABLE encodings: our one behaviour for each, in addition to the A32
 * list in decode_a32.c (excluded from the differential generators):
 *  1. PC in a register field of a 32-bit data-processing, multiply, extend,
 *     bitfield, saturate or miscellaneous instruction where the encoding
 *     gives it no meaning -> UNDEFINED. SP there (BadReg) executes as a
 *     plain register.
 *  2. Stores of PC (Rt = 15) -> UNDEFINED; byte and halfword loads to PC in
 *     any addressing form are memory hints or unallocated hints -> NOP;
 *     LDRT to PC -> UNDEFINED.
 *  3. 16-bit ADD Rdn, Rm and CMP Rn, Rm with both registers PC -> UNDEFINED;
 *     CMP Rn, Rm with both low registers executes as CMP; the unallocated
 *     0100 0101 00xx xxxx -> UNDEFINED; BLX PC -> UNDEFINED.
 *  4. LDM/STM (incl. PUSH/POP) with fewer than two registers: executed as
 *     listed (an empty list -> UNDEFINED); the (0) bits of the register list
 *     (SP always, PC for STM) are ignored; LDM with both LR and PC listed ->
 *     UNDEFINED.
 *  5. LDRD with Rt = Rt2, and any PC in LDRD/STRD/exclusive register fields
 *     -> UNDEFINED; writeback with Rn = Rt (or Rt2): the loaded value wins,
 *     the original register is stored (as in A32).
 *  6. IT with firstcond 1111, or AL with more than one condition in the
 *     mask -> UNDEFINED.
 *  7. Instructions UNPREDICTABLE inside an IT block (IT, CBZ/CBNZ, B<c>,
 *     CPS, SETEND, a branch or PC write that is not the last of the block)
 *     execute under the IT block's condition (B<c> ignores its own); a taken
 *     branch ends the IT block.
 *  8. ThumbExpandImm with a zero byte in a replicated form yields 0.
 *  9. SUBS PC, LR and the (1)/(0) bits of MSR, MRS, CPS, BXJ, SRS: the
 *     fixed fields are ignored (LR is the source of SUBS PC whatever bits
 *     19:16 say).
 */
#include "engine/rt.h"
#include "arm/decode.h"

#define BITS(x, hi, lo) (((x) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1u))
#define BIT(x, n) (((x) >> (n)) & 1u)

static void undef(struct arm_insn *d)
{
	d->op = ARM_OP_UNDEF;
}

static uint32_t ror32(uint32_t v, unsigned n)
{
	n &= 31;
	return n ? (v >> n) | (v << (32 - n)) : v;
}

static uint32_t sext(uint32_t v, unsigned bits)
{
	return (uint32_t)((int32_t)(v << (32 - bits)) >> (32 - bits));
}

/* DecodeImmShift: LSR/ASR #0 mean #32, ROR #0 is RRX (our ROR #0). */
static uint8_t imm_shift(unsigned type, unsigned amount)
{
	if ((type == ARM_SHIFT_LSR || type == ARM_SHIFT_ASR) && amount == 0)
		amount = 32;
	return ARM_SHIFT(type, amount);
}

/* Decode the A32 equivalent of a T32 encoding, then make it a T32 record. */
static void via_a32(uint32_t a32, uint32_t raw, struct arm_insn *d)
{
	arm_decode_a32(a32, d);
	d->raw = raw;
	d->cond = ARM_COND_AL;
	d->flags |= ARM_F_THUMB | ARM_F_WIDE;
}

bool arm_t32_wide(uint32_t hw1)
{
	return (hw1 & 0xffffu) >= 0xe800u;
}

void arm_t32_in_it(struct arm_insn *d)
{
	if ((d->flags & (ARM_F_WIDE | ARM_F_S)) != ARM_F_S)
		return;
	if (d->op == ARM_OP_MUL) {
		d->flags &= (uint8_t)~ARM_F_S;
		return;
	}
	if (d->op >= ARM_OP_DP) {
		unsigned x = d->op - ARM_OP_DP, opc = x >> 3;
		if (opc >= ARM_DP_TST && opc <= ARM_DP_CMN)
			return;
		d->op = (uint8_t)ARM_DP_OP(opc, (x >> 1) & 3, 0);
		d->flags &= (uint8_t)~ARM_F_S;
	}
}

/* ---- 16-bit encodings (A6.2) ---- */

static void dp16(struct arm_insn *d, unsigned opc, unsigned form, unsigned s)
{
	if (s)
		d->flags |= ARM_F_S;
	d->op = (uint8_t)ARM_DP_OP(opc, form, s);
}

/* Shift (immediate), add, subtract, move and compare (A6.2.1). */
static void t16_shift_add(uint32_t hw, struct arm_insn *d)
{
	unsigned opc = BITS(hw, 13, 9), imm5 = BITS(hw, 10, 6);

	d->rd = BITS(hw, 2, 0);
	if (opc < 12) { /* LSL, LSR, ASR (immediate): MOVS Rd, Rm, <shift> */
		d->rm = BITS(hw, 5, 3);
		d->shift = imm_shift(opc >> 2, imm5);
		return dp16(d, ARM_DP_MOV, d->shift ? ARM_FORM_SHI : ARM_FORM_REG, 1);
	}
	if (opc < 16) { /* ADDS/SUBS Rd, Rn, Rm or #imm3 */
		unsigned dp = (opc & 1) ? ARM_DP_SUB : ARM_DP_ADD;
		d->rn = BITS(hw, 5, 3);
		if (opc & 2) {
			d->imm = BITS(hw, 8, 6);
			return dp16(d, dp, ARM_FORM_IMM, 1);
		}
		d->rm = BITS(hw, 8, 6);
		return dp16(d, dp, ARM_FORM_REG, 1);
	}
	static const uint8_t imm8_ops[4] = { ARM_DP_MOV, ARM_DP_CMP, ARM_DP_ADD, ARM_DP_SUB };
	unsigned dp = imm8_ops[(opc >> 2) & 3];
	d->imm = BITS(hw, 7, 0);
	d->rd = BITS(hw, 10, 8);
	if (dp != ARM_DP_MOV)
		d->rn = d->rd;
	if (dp == ARM_DP_CMP)
		d->rd = 0;
	dp16(d, dp, ARM_FORM_IMM, 1);
}

/* Data processing on low registers (A6.2.2). */
static void t16_dp(uint32_t hw, struct arm_insn *d)
{
	unsigned opc = BITS(hw, 9, 6), rdn = BITS(hw, 2, 0), rm = BITS(hw, 5, 3);

	d->rd = d->rn = (uint8_t)rdn;
	d->rm = (uint8_t)rm;
	switch (opc) {
	case 0x0: return dp16(d, ARM_DP_AND, ARM_FORM_REG, 1);
	case 0x1: return dp16(d, ARM_DP_EOR, ARM_FORM_REG, 1);
	case 0x2: case 0x3: case 0x4: case 0x7: { /* LSL, LSR, ASR, ROR (register) */
		static const uint8_t types[8] = { [2] = ARM_SHIFT_LSL, [3] = ARM_SHIFT_LSR,
						  [4] = ARM_SHIFT_ASR, [7] = ARM_SHIFT_ROR };
		d->rn = 0;
		d->rm = (uint8_t)rdn;
		d->rs = (uint8_t)rm;
		d->shift = ARM_SHIFT(types[opc], 0);
		return dp16(d, ARM_DP_MOV, ARM_FORM_SHR, 1);
	}
	case 0x5: return dp16(d, ARM_DP_ADC, ARM_FORM_REG, 1);
	case 0x6: return dp16(d, ARM_DP_SBC, ARM_FORM_REG, 1);
	case 0x8: d->rd = 0; return dp16(d, ARM_DP_TST, ARM_FORM_REG, 1);
	case 0x9: /* RSBS Rd, Rn, #0 */
		d->rn = (uint8_t)rm;
		d->rm = 0;
		return dp16(d, ARM_DP_RSB, ARM_FORM_IMM, 1);
	case 0xa: d->rd = 0; return dp16(d, ARM_DP_CMP, ARM_FORM_REG, 1);
	case 0xb: d->rd = 0; return dp16(d, ARM_DP_CMN, ARM_FORM_REG, 1);
	case 0xc: return dp16(d, ARM_DP_ORR, ARM_FORM_REG, 1);
	case 0xd: /* MULS Rdm, Rn, Rdm */
		d->rn = (uint8_t)rm;
		d->rm = (uint8_t)rdn;
		d->flags |= ARM_F_S;
		d->op = ARM_OP_MUL;
		return;
	case 0xe: return dp16(d, ARM_DP_BIC, ARM_FORM_REG, 1);
	default: d->rn = 0; return dp16(d, ARM_DP_MVN, ARM_FORM_REG, 1);
	}
}

/* Special data instructions and branch and exchange (A6.2.3). */
static void t16_special(uint32_t hw, struct arm_insn *d)
{
	unsigned opc = BITS(hw, 9, 6), rdn = (BIT(hw, 7) << 3) | BITS(hw, 2, 0), rm = BITS(hw, 6, 3);

	switch (opc >> 2) {
	case 0: /* ADD Rdn, Rm: ADD PC reads PC as Rm so that rn = 15 stays ADR */
		if (rdn == 15 && rm == 15)
			return undef(d);
		d->rd = (uint8_t)rdn;
		d->rn = (uint8_t)(rdn == 15 ? rm : rdn);
		d->rm = (uint8_t)(rdn == 15 ? 15 : rm);
		return dp16(d, ARM_DP_ADD, ARM_FORM_REG, 0);
	case 1:
		if (opc == 4 || rdn == 15 || rm == 15)
			return undef(d);
		d->rn = (uint8_t)rdn;
		d->rm = (uint8_t)rm;
		return dp16(d, ARM_DP_CMP, ARM_FORM_REG, 1);
	case 2:
		d->rd = (uint8_t)rdn;
		d->rm = (uint8_t)rm;
		return dp16(d, ARM_DP_MOV, ARM_FORM_REG, 0);
	default:
		d->rm = (uint8_t)rm;
		if (BIT(hw, 7)) {
			if (rm == 15)
				return undef(d);
			d->op = ARM_OP_BLX_REG;
			return;
		}
		d->op = ARM_OP_BX;
		return;
	}
}

/* Load/store single data item (A6.2.4), incl. LDR (literal). */
static void t16_ldst(uint32_t hw, struct arm_insn *d)
{
	unsigned opa = BITS(hw, 15, 12), opb = BITS(hw, 11, 9);

	d->flags |= ARM_F_P | ARM_F_U;
	d->rd = BITS(hw, 2, 0);
	d->rn = BITS(hw, 5, 3);
	if (opa == 4) { /* LDR (literal) */
		d->rd = BITS(hw, 10, 8);
		d->rn = 15;
		d->imm = BITS(hw, 7, 0) << 2;
		d->op = ARM_OP_LDR_I;
		return;
	}
	if (opa == 5) {
		static const uint8_t regops[8] = { ARM_OP_STR_R,   ARM_OP_STRH_R, ARM_OP_STRB_R,
						   ARM_OP_LDRSB_R, ARM_OP_LDR_R,  ARM_OP_LDRH_R,
						   ARM_OP_LDRB_R,  ARM_OP_LDRSH_R };
		d->rm = BITS(hw, 8, 6);
		d->op = regops[opb];
		return;
	}
	bool load = BIT(hw, 11);
	unsigned imm5 = BITS(hw, 10, 6);
	switch (opa) {
	case 6:
		d->imm = imm5 << 2;
		d->op = load ? ARM_OP_LDR_I : ARM_OP_STR_I;
		return;
	case 7:
		d->imm = imm5;
		d->op = load ? ARM_OP_LDRB_I : ARM_OP_STRB_I;
		return;
	case 8:
		d->imm = imm5 << 1;
		d->op = load ? ARM_OP_LDRH_I : ARM_OP_STRH_I;
		return;
	default: /* 9: SP-relative */
		d->rd = BITS(hw, 10, 8);
		d->rn = 13;
		d->imm = BITS(hw, 7, 0) << 2;
		d->op = load ? ARM_OP_LDR_I : ARM_OP_STR_I;
		return;
	}
}

/* IT and hints (A6.2.5, 1011 1111 xxxx xxxx). */
static void t16_it_hint(uint32_t hw, struct arm_insn *d)
{
	unsigned firstcond = BITS(hw, 7, 4), mask = BITS(hw, 3, 0);

	if (mask) {
		if (firstcond == 15 || (firstcond == 14 && __builtin_popcount(mask) != 1))
			return undef(d);
		d->imm = BITS(hw, 7, 0);
		d->op = ARM_OP_IT;
		return;
	}
	/* NOP, YIELD, WFE, SEV and unallocated hints: NOPs (as in A32). */
	d->op = firstcond == 3 ? ARM_OP_WFI : ARM_OP_NOP;
}

/* Miscellaneous 16-bit instructions (A6.2.5). */
static void t16_misc(uint32_t hw, struct arm_insn *d)
{
	unsigned opc = BITS(hw, 11, 5);

	if ((opc & 0x78) == 0x00) { /* ADD/SUB SP, SP, #imm7 */
		d->rd = d->rn = 13;
		d->imm = BITS(hw, 6, 0) << 2;
		return dp16(d, (opc & 4) ? ARM_DP_SUB : ARM_DP_ADD, ARM_FORM_IMM, 0);
	}
	if ((opc & 0x28) == 0x08) { /* CBZ, CBNZ: 0001xxx 0011xxx 1001xxx 1011xxx */
		d->rn = BITS(hw, 2, 0);
		d->imm = (BIT(hw, 9) << 6) | (BITS(hw, 7, 3) << 1);
		if (BIT(hw, 11))
			d->flags |= ARM_F_X;
		d->op = ARM_OP_CBZ;
		return;
	}
	if ((opc & 0x78) == 0x10) { /* SXTH, SXTB, UXTH, UXTB */
		static const uint8_t ext[4] = { ARM_OP_SXTH, ARM_OP_SXTB, ARM_OP_UXTH, ARM_OP_UXTB };
		d->rd = BITS(hw, 2, 0);
		d->rm = BITS(hw, 5, 3);
		d->rn = 15;
		d->op = ext[BITS(hw, 7, 6)];
		return;
	}
	if ((opc & 0x70) == 0x20 || (opc & 0x70) == 0x60) { /* PUSH, POP */
		bool pop = BIT(hw, 11);
		d->rn = 13;
		d->imm = BITS(hw, 7, 0) | (BIT(hw, 8) << (pop ? 15 : 14));
		d->flags |= ARM_F_W | (pop ? ARM_F_U : ARM_F_P);
		d->op = pop ? ARM_OP_LDM : ARM_OP_STM;
		if (!d->imm)
			undef(d);
		return;
	}
	if (opc == 0x32) { /* SETEND: the A32 encoding with E moved to bit 9 */
		uint32_t raw = d->raw;
		arm_decode_a32(0xf1010000u | (BIT(hw, 3) << 9), d);
		d->raw = raw;
		d->cond = ARM_COND_AL;
		d->flags |= ARM_F_THUMB;
		return;
	}
	if (opc == 0x33) { /* CPS (no mode change in 16 bits) */
		unsigned aif = (BIT(hw, 2) << 8) | (BIT(hw, 1) << 7) | (BIT(hw, 0) << 6);
		d->imm = aif;
		d->shift = BIT(hw, 4) ? 3 : 2;
		d->op = ARM_OP_CPS;
		return;
	}
	if ((opc & 0x7c) == 0x50) { /* REV 101000x, REV16 101001x */
		d->rd = BITS(hw, 2, 0);
		d->rm = BITS(hw, 5, 3);
		d->op = BIT(hw, 6) ? ARM_OP_REV16 : ARM_OP_REV;
		return;
	}
	if ((opc & 0x7e) == 0x56) { /* REVSH 101011x */
		d->rd = BITS(hw, 2, 0);
		d->rm = BITS(hw, 5, 3);
		d->op = ARM_OP_REVSH;
		return;
	}
	if ((opc & 0x78) == 0x70) { /* BKPT: unconditional even inside an IT block */
		d->imm = BITS(hw, 7, 0);
		d->op = ARM_OP_BKPT;
		return;
	}
	if ((opc & 0x78) == 0x78)
		return t16_it_hint(hw, d);
	undef(d);
}

static void t32_decode16(uint32_t hw, struct arm_insn *d)
{
	switch (BITS(hw, 15, 12)) {
	case 0x0: case 0x1: case 0x2: case 0x3:
		return t16_shift_add(hw, d);
	case 0x4:
		if (BIT(hw, 11))
			return t16_ldst(hw, d); /* LDR (literal) */
		if (BIT(hw, 10))
			return t16_special(hw, d);
		return t16_dp(hw, d);
	case 0x5: case 0x6: case 0x7: case 0x8: case 0x9:
		return t16_ldst(hw, d);
	case 0xa: /* ADR, ADD Rd, SP, #imm8 */
		d->rd = BITS(hw, 10, 8);
		d->rn = BIT(hw, 11) ? 13 : 15;
		d->imm = BITS(hw, 7, 0) << 2;
		return dp16(d, ARM_DP_ADD, ARM_FORM_IMM, 0);
	case 0xb:
		return t16_misc(hw, d);
	case 0xc: { /* STM Rn!, LDM Rn{!} (writeback unless Rn is loaded) */
		bool load = BIT(hw, 11);
		d->rn = BITS(hw, 10, 8);
		d->imm = BITS(hw, 7, 0);
		d->flags |= ARM_F_U;
		if (!load || !(d->imm & (1u << d->rn)))
			d->flags |= ARM_F_W;
		d->op = load ? ARM_OP_LDM : ARM_OP_STM;
		if (!d->imm)
			undef(d);
		return;
	}
	case 0xd: {
		unsigned cond = BITS(hw, 11, 8);
		if (cond == 14) /* UDF */
			return undef(d);
		if (cond == 15) {
			d->imm = BITS(hw, 7, 0);
			d->op = ARM_OP_SVC;
			return;
		}
		d->cond = (uint8_t)cond;
		d->imm = sext(BITS(hw, 7, 0) << 1, 9);
		d->op = ARM_OP_B;
		return;
	}
	default: /* 0xe: B (unconditional); 0xe8.. and up are 32-bit */
		d->imm = sext(BITS(hw, 10, 0) << 1, 12);
		d->op = ARM_OP_B;
		return;
	}
}

/* ---- 32-bit encodings (A6.3); raw = hw1:hw2, so hw1 bit n is bit n+16 ---- */

/* ThumbExpandImm: *rotated says whether the carry comes from bit 31. */
static uint32_t expand_imm(uint32_t imm12, bool *rotated)
{
	uint32_t v = imm12 & 0xff;

	*rotated = false;
	if (!(imm12 & 0xc00)) {
		switch ((imm12 >> 8) & 3) {
		case 0: return v;
		case 1: return v | (v << 16);
		case 2: return (v << 8) | (v << 24);
		default: return v * 0x01010101u;
		}
	}
	*rotated = true;
	return ror32(0x80u | (imm12 & 0x7f), imm12 >> 7);
}

/* The data-processing operations shared by the modified-immediate and the
 * shifted-register forms; op is the T32 opcode (bits 24:21). */
static void t32_dp(struct arm_insn *d, unsigned op, unsigned s, unsigned form)
{
	static const int8_t opcs[16] = { ARM_DP_AND, ARM_DP_BIC, ARM_DP_ORR, ARM_DP_ORN,
					 ARM_DP_EOR, -1,	 -1,	     -1,
					 ARM_DP_ADD, -1,	 ARM_DP_ADC, ARM_DP_SBC,
					 -1,	     ARM_DP_SUB, ARM_DP_RSB, -1 };
	int opc = opcs[op];

	if (opc < 0)
		return undef(d);
	if (d->rd == 15 && s) { /* TST, TEQ, CMN, CMP */
		switch (opc) {
		case ARM_DP_AND: opc = ARM_DP_TST; break;
		case ARM_DP_EOR: opc = ARM_DP_TEQ; break;
		case ARM_DP_ADD: opc = ARM_DP_CMN; break;
		case ARM_DP_SUB: opc = ARM_DP_CMP; break;
		default: return undef(d);
		}
		d->rd = 0;
	}
	if (d->rn == 15) { /* MOV, MVN */
		if (opc != ARM_DP_ORR && opc != ARM_DP_ORN)
			return undef(d);
		opc = opc == ARM_DP_ORR ? ARM_DP_MOV : ARM_DP_MVN;
		d->rn = 0;
	}
	if (d->rd == 15 || d->rm == 15)
		return undef(d);
	if (s)
		d->flags |= ARM_F_S;
	d->op = (uint8_t)ARM_DP_OP((unsigned)opc, form, s);
}

/* Data processing (modified immediate) (A6.3.1). */
static void t32_dp_modimm(uint32_t raw, struct arm_insn *d)
{
	uint32_t imm12 = (BIT(raw, 26) << 11) | (BITS(raw, 14, 12) << 8) | BITS(raw, 7, 0);
	bool rotated;

	d->rn = BITS(raw, 19, 16);
	d->rd = BITS(raw, 11, 8);
	d->imm = expand_imm(imm12, &rotated);
	if (rotated)
		d->flags |= ARM_F_X;
	t32_dp(d, BITS(raw, 24, 21), BIT(raw, 20), ARM_FORM_IMM);
}

/* Data processing (plain binary immediate) (A6.3.3). */
static void t32_dp_plain(uint32_t raw, struct arm_insn *d)
{
	unsigned op = BITS(raw, 24, 20), rn = BITS(raw, 19, 16), rd = BITS(raw, 11, 8);
	unsigned imm5 = (BITS(raw, 14, 12) << 2) | BITS(raw, 7, 6), sh = BIT(raw, 21);
	uint32_t imm12 = (BIT(raw, 26) << 11) | (BITS(raw, 14, 12) << 8) | BITS(raw, 7, 0);

	d->rd = (uint8_t)rd;
	d->rn = (uint8_t)rn;
	if (rd == 15)
		return undef(d);
	switch (op) {
	case 0x00: /* ADDW, ADR (rn = 15: Align(PC, 4) + imm) */
	case 0x0a: /* SUBW, ADR */
		d->imm = imm12;
		d->op = (uint8_t)ARM_DP_OP(op ? ARM_DP_SUB : ARM_DP_ADD, ARM_FORM_IMM, 0);
		return;
	case 0x04:
	case 0x0c:
		d->rn = 0;
		d->imm = (rn << 12) | imm12;
		d->op = op == 0x04 ? ARM_OP_MOVW : ARM_OP_MOVT;
		return;
	case 0x10: case 0x12: case 0x18: case 0x1a: { /* SSAT, SSAT16, USAT, USAT16 */
		bool sign = !(op & 8);
		if (rn == 15)
			return undef(d);
		if (sh && imm5 == 0) {
			d->imm = BITS(raw, 3, 0) + sign;
			d->op = sign ? ARM_OP_SSAT16 : ARM_OP_USAT16;
			return;
		}
		d->shift = imm_shift(sh ? ARM_SHIFT_ASR : ARM_SHIFT_LSL, imm5);
		d->imm = BITS(raw, 4, 0) + sign;
		d->op = sign ? ARM_OP_SSAT : ARM_OP_USAT;
		return;
	}
	case 0x14:
	case 0x1c: { /* SBFX, UBFX */
		unsigned width = BITS(raw, 4, 0) + 1;
		if (rn == 15 || imm5 + width > 32)
			return undef(d);
		d->shift = (uint8_t)imm5;
		d->imm = width;
		d->op = op == 0x14 ? ARM_OP_SBFX : ARM_OP_UBFX;
		return;
	}
	case 0x16: { /* BFI, BFC (rn = 15) */
		unsigned msb = BITS(raw, 4, 0);
		if (msb < imm5)
			return undef(d);
		d->shift = (uint8_t)imm5;
		d->imm = msb;
		if (rn == 15) {
			d->rn = 0;
			d->op = ARM_OP_BFC;
		} else {
			d->op = ARM_OP_BFI;
		}
		return;
	}
	default:
		return undef(d);
	}
}

/* Branches and miscellaneous control (A6.3.4). */
static void t32_branch_misc(uint32_t raw, struct arm_insn *d)
{
	unsigned op = BITS(raw, 26, 20), op1 = BITS(raw, 14, 12);
	uint32_t s = BIT(raw, 26), j1 = BIT(raw, 13), j2 = BIT(raw, 11);

	if (op1 & 1) { /* B.W (T4), BL */
		uint32_t i1 = !(j1 ^ s), i2 = !(j2 ^ s);
		d->imm = sext((s << 24) | (i1 << 23) | (i2 << 22) | (BITS(raw, 25, 16) << 12) |
				      (BITS(raw, 10, 0) << 1),
			      25);
		d->op = (op1 & 4) ? ARM_OP_BL : ARM_OP_B;
		return;
	}
	if (op1 & 4) { /* BLX (immediate): to A32, H must be 0 */
		uint32_t i1 = !(j1 ^ s), i2 = !(j2 ^ s);
		if (BIT(raw, 0))
			return undef(d);
		d->imm = sext((s << 24) | (i1 << 23) | (i2 << 22) | (BITS(raw, 25, 16) << 12) |
				      (BITS(raw, 10, 1) << 2),
			      25);
		d->op = ARM_OP_BLX_IMM;
		return;
	}
	if ((op & 0x38) != 0x38) { /* B<c>.W (T3) */
		d->cond = (uint8_t)BITS(raw, 25, 22);
		d->imm = sext((s << 20) | (j2 << 19) | (j1 << 18) | (BITS(raw, 21, 16) << 12) |
				      (BITS(raw, 10, 0) << 1),
			      21);
		d->op = ARM_OP_B;
		return;
	}
	switch (op) {
	case 0x38:
	case 0x39: /* MSR (register); bit 5 would be the banked form */
		d->rm = BITS(raw, 19, 16);
		d->shift = (uint8_t)BITS(raw, 11, 8);
		if (BIT(raw, 20))
			d->flags |= ARM_F_X;
		if (BIT(raw, 5) || d->rm == 13 || d->rm == 15)
			return undef(d);
		d->op = ARM_OP_MSR_REG;
		return;
	case 0x3a: /* CPS and hints */
		if (BITS(raw, 10, 8)) {
			unsigned imod = BITS(raw, 10, 9);
			d->shift = (uint8_t)(imod >= 2 ? imod : 0);
			if (d->shift)
				d->imm = BITS(raw, 7, 5) << 6;
			if (BIT(raw, 8)) {
				d->flags |= ARM_F_X;
				d->imm |= BITS(raw, 4, 0);
			}
			d->op = ARM_OP_CPS;
			return;
		}
		d->op = BITS(raw, 7, 0) == 3 ? ARM_OP_WFI : ARM_OP_NOP;
		return;
	case 0x3b: /* miscellaneous control; ENTERX/LEAVEX: no ThumbEE */
		switch (BITS(raw, 7, 4)) {
		case 2: d->op = ARM_OP_CLREX; return;
		case 4: case 5: d->op = ARM_OP_NOP; return; /* DSB, DMB: one core, in order */
		case 6: d->op = ARM_OP_SYNC; return;	     /* ISB */
		default: return undef(d);
		}
	case 0x3c: /* BXJ: trivial Jazelle, so it is BX */
		d->rm = BITS(raw, 19, 16);
		if (d->rm == 13 || d->rm == 15)
			return undef(d);
		d->op = ARM_OP_BX;
		return;
	case 0x3d: /* SUBS PC, LR, #imm8: exception return */
		d->rd = 15;
		d->rn = 14;
		d->imm = BITS(raw, 7, 0);
		return dp16(d, ARM_DP_SUB, ARM_FORM_IMM, 1);
	case 0x3e:
	case 0x3f: /* MRS; bit 5 would be the banked form */
		d->rd = BITS(raw, 11, 8);
		if (BIT(raw, 20))
			d->flags |= ARM_F_X;
		if (BIT(raw, 5) || d->rd == 13 || d->rd == 15)
			return undef(d);
		d->op = ARM_OP_MRS;
		return;
	default: /* HVC, SMC, UDF and unallocated */
		return undef(d);
	}
}

/* Load/store multiple, SRS, RFE (A6.3.5). */
static void t32_ldst_multiple(uint32_t raw, struct arm_insn *d)
{
	unsigned op = BITS(raw, 24, 23);
	bool load = BIT(raw, 20);

	d->rn = BITS(raw, 19, 16);
	if (BIT(raw, 21))
		d->flags |= ARM_F_W;
	if (op == 0 || op == 3) { /* SRSDB/RFEDB (00), SRSIA/RFEIA (11) */
		d->flags |= op == 0 ? ARM_F_P : ARM_F_U;
		if (!load) {
			d->rn = 0;
			d->imm = BITS(raw, 4, 0);
			d->op = ARM_OP_SRS;
			return;
		}
		d->op = ARM_OP_RFE;
		if (d->rn == 15)
			undef(d);
		return;
	}
	d->flags |= op == 1 ? ARM_F_U : ARM_F_P;
	d->imm = BITS(raw, 15, 0) & (load ? 0xdfffu : 0x5fffu);
	d->op = load ? ARM_OP_LDM : ARM_OP_STM;
	if (!d->imm || d->rn == 15 || (d->imm & 0xc000u) == 0xc000u)
		undef(d);
}

/* Load/store dual, exclusive, table branch (A6.3.6). */
static void t32_ldst_dual_excl(uint32_t raw, struct arm_insn *d)
{
	unsigned op1 = BITS(raw, 24, 23), op2 = BITS(raw, 21, 20), op3 = BITS(raw, 7, 4);
	unsigned rn = BITS(raw, 19, 16), rt = BITS(raw, 15, 12), rt2 = BITS(raw, 11, 8);
	static const uint8_t sizes[4] = { 1, 2, 0, 8 };

	d->rn = (uint8_t)rn;
	d->rd = (uint8_t)rt;
	if (op1 == 0 && op2 < 2) { /* STREX, LDREX with an imm8 << 2 offset */
		d->imm = BITS(raw, 7, 0) << 2;
		d->shift = 4;
		if (op2 == 0) {
			d->rs = (uint8_t)rt2;
			d->op = ARM_OP_STREX;
			if (rt2 == 15 || rt2 == rn || rt2 == rt)
				return undef(d);
		} else {
			d->op = ARM_OP_LDREX;
		}
		if (rn == 15 || rt == 15)
			undef(d);
		return;
	}
	if (op1 == 1 && op2 < 2) {
		if (op2 == 1 && op3 < 2) { /* TBB, TBH */
			d->rd = 0;
			d->rm = BITS(raw, 3, 0);
			if (op3)
				d->flags |= ARM_F_X;
			d->op = ARM_OP_TBB;
			if (rn == 13 || d->rm == 13 || d->rm == 15)
				undef(d);
			return;
		}
		if (op3 < 4 || op3 == 6 || op3 > 7)
			return undef(d);
		d->shift = sizes[op3 - 4];
		if (op2 == 0) { /* STREXB, STREXH, STREXD: status in bits 3:0 */
			d->rs = BITS(raw, 3, 0);
			d->op = ARM_OP_STREX;
			if (d->rs == 15 || d->rs == rn || d->rs == rt || (op3 == 7 && d->rs == rt2))
				return undef(d);
		} else {
			d->op = ARM_OP_LDREX;
		}
		if (op3 == 7) {
			d->rm = (uint8_t)rt2;
			if (rt2 == 15 || (op2 == 1 && rt2 == rt))
				return undef(d);
		}
		if (rn == 15 || rt == 15)
			undef(d);
		return;
	}
	/* LDRD, STRD (immediate, literal): P U W in bits 24 23 21, Rt2 free. */
	bool load = op2 & 1;
	d->rs = (uint8_t)rt2;
	d->imm = BITS(raw, 7, 0) << 2;
	d->flags |= (BIT(raw, 24) ? ARM_F_P : 0) | (BIT(raw, 23) ? ARM_F_U : 0) |
		    (BIT(raw, 21) ? ARM_F_W : 0);
	d->op = load ? ARM_OP_LDRD_I : ARM_OP_STRD_I;
	if (rt == 15 || rt2 == 15 || (load && rt == rt2) || (rn == 15 && (!load || BIT(raw, 21))))
		undef(d);
}

/* Load/store single data item, memory hints (A6.3.7 - A6.3.10). */
static void t32_ldst_single(uint32_t raw, struct arm_insn *d)
{
	unsigned size = BITS(raw, 22, 21), rn = BITS(raw, 19, 16), rt = BITS(raw, 15, 12);
	bool load = BIT(raw, 20), sign = BIT(raw, 24), reg = false;
	static const uint8_t lops[2][3] = { { ARM_OP_LDRB_I, ARM_OP_LDRH_I, ARM_OP_LDR_I },
					    { ARM_OP_LDRSB_I, ARM_OP_LDRSH_I, 0 } };
	static const uint8_t sops[3] = { ARM_OP_STRB_I, ARM_OP_STRH_I, ARM_OP_STR_I };

	d->rd = (uint8_t)rt;
	d->rn = (uint8_t)rn;
	if (size == 3 || (sign && (size == 2 || !load)))
		return undef(d);
	if (rn == 15) { /* literal, always offset addressing */
		if (!load)
			return undef(d);
		d->imm = BITS(raw, 11, 0);
		d->flags |= ARM_F_P | (BIT(raw, 23) ? ARM_F_U : 0);
	} else if (BIT(raw, 23)) { /* imm12 */
		d->imm = BITS(raw, 11, 0);
		d->flags |= ARM_F_P | ARM_F_U;
	} else if (BIT(raw, 11)) { /* imm8 with P U W */
		bool p = BIT(raw, 10), u = BIT(raw, 9), w = BIT(raw, 8);
		if (!p && !w)
			return undef(d);
		d->imm = BITS(raw, 7, 0);
		d->flags |= (p ? ARM_F_P : 0) | (u ? ARM_F_U : 0) | (w ? ARM_F_W : 0);
		if (p && u && !w) /* LDRT, STRT, ... */
			d->flags |= ARM_F_USER;
	} else if (BITS(raw, 10, 6) == 0) { /* register, LSL #0..3 */
		d->rm = BITS(raw, 3, 0);
		d->shift = ARM_SHIFT(ARM_SHIFT_LSL, BITS(raw, 5, 4));
		d->flags |= ARM_F_P | ARM_F_U;
		reg = true;
		if (d->rm == 13 || d->rm == 15)
			return undef(d);
	} else {
		return undef(d);
	}
	d->op = (uint8_t)((load ? lops[sign][size] : sops[size]) + reg);
	if (rt != 15)
		return;
	if (!load || (size == 2 && (d->flags & ARM_F_USER)))
		return undef(d);
	if (size < 2) { /* PLD, PLDW, PLI and unallocated hints */
		memset(d, 0, sizeof(*d));
		d->raw = raw;
		d->cond = ARM_COND_AL;
		d->flags = ARM_F_THUMB | ARM_F_WIDE;
		d->op = ARM_OP_NOP;
	}
}

/* DP (shifted register) (A6.3.11), incl. MOV/shift by immediate and PKH. */
static void t32_dp_shifted(uint32_t raw, struct arm_insn *d)
{
	unsigned op = BITS(raw, 24, 21), s = BIT(raw, 20);
	unsigned imm5 = (BITS(raw, 14, 12) << 2) | BITS(raw, 7, 6);

	d->rn = BITS(raw, 19, 16);
	d->rd = BITS(raw, 11, 8);
	d->rm = BITS(raw, 3, 0);
	if (op == 6) { /* PKHBT, PKHTB */
		if (s || BIT(raw, 4) || d->rd == 15 || d->rn == 15 || d->rm == 15)
			return undef(d);
		d->shift = imm_shift(BIT(raw, 5) ? ARM_SHIFT_ASR : ARM_SHIFT_LSL, imm5);
		d->op = ARM_OP_PKH;
		return;
	}
	d->shift = imm_shift(BITS(raw, 5, 4), imm5);
	t32_dp(d, op, s, d->shift ? ARM_FORM_SHI : ARM_FORM_REG);
}

/* Parallel add/subtract: rebuilt as the A32 encoding (A5.4.1). */
static void t32_parallel(uint32_t raw, struct arm_insn *d)
{
	/* T32 op1 (bits 22:20) -> A32 op2; 0xff: unallocated */
	static const uint8_t op2s[8] = { 4, 0, 1, 0xff, 7, 3, 2, 0xff };
	unsigned kind = BITS(raw, 5, 4), u = BIT(raw, 6), a32op2 = op2s[BITS(raw, 22, 20)];

	if (kind == 3 || a32op2 == 0xff)
		return undef(d);
	via_a32(0xe6000f10u | (((u << 2) | (kind + 1)) << 20) | (BITS(raw, 19, 16) << 16) |
			(BITS(raw, 11, 8) << 12) | (a32op2 << 5) | BITS(raw, 3, 0),
		raw, d);
}

/* Data processing (register) (A6.3.12), incl. the miscellaneous operations. */
static void t32_dp_register(uint32_t raw, struct arm_insn *d)
{
	unsigned op1 = BITS(raw, 23, 20), op2 = BITS(raw, 7, 4);
	unsigned rn = BITS(raw, 19, 16), rd = BITS(raw, 11, 8), rm = BITS(raw, 3, 0);

	if (BITS(raw, 15, 12) != 15)
		return undef(d);
	d->rd = (uint8_t)rd;
	d->rn = (uint8_t)rn;
	d->rm = (uint8_t)rm;
	if (!(op1 & 8) && op2 == 0) { /* LSL, LSR, ASR, ROR (register) */
		if (rd == 15 || rn == 15 || rm == 15)
			return undef(d);
		d->rn = 0;
		d->rm = (uint8_t)rn;
		d->rs = (uint8_t)rm;
		d->shift = ARM_SHIFT(op1 >> 1, 0);
		return dp16(d, ARM_DP_MOV, ARM_FORM_SHR, op1 & 1);
	}
	if (!(op1 & 8) && (op2 & 8)) { /* extends; rn = 15: no accumulate */
		static const uint8_t ext[8] = { ARM_OP_SXTH, ARM_OP_UXTH, ARM_OP_SXTB16,
						ARM_OP_UXTB16, ARM_OP_SXTB, ARM_OP_UXTB };
		if (!ext[op1] || rd == 15 || rm == 15)
			return undef(d);
		d->shift = (uint8_t)(BITS(raw, 5, 4) * 8);
		d->op = ext[op1];
		return;
	}
	if ((op1 & 8) && op2 < 8)
		return t32_parallel(raw, d);
	if ((op1 & 0xc) == 8 && (op2 & 0xc) == 8) {
		static const uint8_t misc[4][4] = {
			{ ARM_OP_QADD, ARM_OP_QDADD, ARM_OP_QSUB, ARM_OP_QDSUB },
			{ ARM_OP_REV, ARM_OP_REV16, ARM_OP_RBIT, ARM_OP_REVSH },
			{ ARM_OP_SEL, 0, 0, 0 },
			{ ARM_OP_CLZ, 0, 0, 0 },
		};
		uint8_t op = misc[op1 & 3][op2 & 3];
		if (!op || rd == 15 || rn == 15 || rm == 15)
			return undef(d);
		if (op1 & 1) /* one-operand forms repeat Rm in bits 19:16 */
			d->rn = 0;
		d->op = op;
		return;
	}
	undef(d);
}

/* Multiply, multiply accumulate, absolute difference (A6.3.16). */
static void t32_multiply(uint32_t raw, struct arm_insn *d)
{
	unsigned op1 = BITS(raw, 22, 20), op2 = BITS(raw, 5, 4);
	unsigned rn = BITS(raw, 19, 16), ra = BITS(raw, 15, 12), rd = BITS(raw, 11, 8),
		 rm = BITS(raw, 3, 0);

	if (BITS(raw, 7, 6) || rd == 15 || rn == 15 || rm == 15)
		return undef(d);
	d->rd = (uint8_t)rd;
	d->rn = (uint8_t)rn;
	d->rm = (uint8_t)rm;
	d->rs = (uint8_t)(ra == 15 ? 0 : ra);
	switch (op1) {
	case 0:
		if (op2 == 0) {
			d->op = ra == 15 ? ARM_OP_MUL : ARM_OP_MLA;
			return;
		}
		if (op2 == 1 && ra != 15) {
			d->op = ARM_OP_MLS;
			return;
		}
		return undef(d);
	case 1: /* SMLA<x><y>, SMUL<x><y>: N in bit 5, M in bit 4 */
		d->shift = (uint8_t)(BIT(raw, 5) | (BIT(raw, 4) << 1));
		d->op = ra == 15 ? ARM_OP_SMULXY : ARM_OP_SMLAXY;
		return;
	case 3: /* SMLAW<y>, SMULW<y> */
		if (op2 & 2)
			return undef(d);
		d->shift = (uint8_t)(BIT(raw, 4) << 1);
		d->op = ra == 15 ? ARM_OP_SMULWY : ARM_OP_SMLAWY;
		return;
	case 7: /* USAD8, USADA8 */
		if (op2)
			return undef(d);
		return via_a32(0xe7800010u | (rd << 16) | (ra << 12) | (rm << 8) | rn, raw, d);
	default: { /* SMLAD/SMUAD (2), SMLSD/SMUSD (4), SMMLA/SMMUL (5), SMMLS (6) */
		static const uint32_t a32[8] = { [2] = 0xe7000010u, [4] = 0xe7000050u,
						 [5] = 0xe7500010u, [6] = 0xe75000d0u };
		if (op2 & 2)
			return undef(d);
		return via_a32(a32[op1] | (rd << 16) | (ra << 12) | (rm << 8) | (BIT(raw, 4) << 5) | rn,
			       raw, d);
	}
	}
}

/* Long multiply, long multiply accumulate, divide (A6.3.17). */
static void t32_long_multiply(uint32_t raw, struct arm_insn *d)
{
	unsigned op1 = BITS(raw, 22, 20), op2 = BITS(raw, 7, 4);
	unsigned rn = BITS(raw, 19, 16), rdlo = BITS(raw, 15, 12), rdhi = BITS(raw, 11, 8),
		 rm = BITS(raw, 3, 0);

	if (rdlo == 15 || rdhi == 15 || rn == 15 || rm == 15)
		return undef(d);
	d->rd = (uint8_t)rdlo;
	d->rs = (uint8_t)rdhi;
	d->rn = (uint8_t)rn;
	d->rm = (uint8_t)rm;
	if (op2 == 0) {
		static const uint8_t ops[8] = { ARM_OP_SMULL, 0, ARM_OP_UMULL, 0,
						ARM_OP_SMLAL, 0, ARM_OP_UMLAL, 0 };
		d->op = ops[op1];
		if (!d->op)
			undef(d);
		return;
	}
	if (op1 == 6 && op2 == 6) {
		d->op = ARM_OP_UMAAL;
		return;
	}
	if (op1 == 4 && (op2 & 0xc) == 8) { /* SMLAL<x><y>: rd = RdHi, rs = RdLo */
		d->rd = (uint8_t)rdhi;
		d->rs = (uint8_t)rdlo;
		d->shift = (uint8_t)(BIT(raw, 5) | (BIT(raw, 4) << 1));
		d->op = ARM_OP_SMLALXY;
		return;
	}
	if ((op1 == 4 || op1 == 5) && (op2 & 0xe) == 0xc) /* SMLALD, SMLSLD */
		return via_a32((op1 == 4 ? 0xe7400010u : 0xe7400050u) | (rdhi << 16) | (rdlo << 12) |
				       (rm << 8) | (BIT(raw, 4) << 5) | rn,
			       raw, d);
	undef(d); /* SDIV, UDIV: not on a Cortex-A9 */
}

/* Coprocessor space: the T32 encodings with bit 28 clear are the A32 ones
 * with cond = 1110; with it set (the "2" forms) and 111x 1111 (Advanced
 * SIMD data processing) nothing exists on this core. */
static void t32_coproc(uint32_t raw, struct arm_insn *d)
{
	if (BIT(raw, 28) || BITS(raw, 25, 24) == 3 || BITS(raw, 25, 21) == 0)
		return undef(d);
	if ((BITS(raw, 11, 8) & 0xe) == 0xa)
		return arm_decode_vfp(raw & 0x0fffffffu, ARM_COND_AL, true, d);
	via_a32(raw, raw, d);
}

static void t32_decode32(uint32_t raw, struct arm_insn *d)
{
	unsigned op1 = BITS(raw, 28, 27), op2 = BITS(raw, 26, 20);

	switch (op1) {
	case 1:
		if ((op2 & 0x64) == 0x00)
			return t32_ldst_multiple(raw, d);
		if ((op2 & 0x64) == 0x04)
			return t32_ldst_dual_excl(raw, d);
		if ((op2 & 0x60) == 0x20)
			return t32_dp_shifted(raw, d);
		return t32_coproc(raw, d);
	case 2:
		if (BIT(raw, 15))
			return t32_branch_misc(raw, d);
		if (op2 & 0x20)
			return t32_dp_plain(raw, d);
		return t32_dp_modimm(raw, d);
	default:
		if ((op2 & 0x71) == 0x00 || (op2 & 0x67) == 0x01 || (op2 & 0x67) == 0x03 ||
		    (op2 & 0x67) == 0x05)
			return t32_ldst_single(raw, d);
		if ((op2 & 0x70) == 0x20)
			return t32_dp_register(raw, d);
		if ((op2 & 0x78) == 0x30)
			return t32_multiply(raw, d);
		if ((op2 & 0x78) == 0x38)
			return t32_long_multiply(raw, d);
		if (op2 & 0x40)
			return t32_coproc(raw, d);
		return undef(d); /* Advanced SIMD element load/store (NEON off), 00xx111 */
	}
}

void arm_decode_t32(uint32_t raw, struct arm_insn *d)
{
	memset(d, 0, sizeof(*d));
	d->cond = ARM_COND_AL;
	d->flags = ARM_F_THUMB;
	if (arm_t32_wide(raw >> 16)) {
		d->raw = raw;
		d->flags |= ARM_F_WIDE;
		return t32_decode32(raw, d);
	}
	d->raw = raw & 0xffff0000u;
	t32_decode16(raw >> 16, d);
}
