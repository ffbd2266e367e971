/*
 * A32 decoder (ARMv7-A ARM, chapter A5), as a Cortex-A9 without the Security,
 * Virtualization or divide extensions and with NEON off sees it.
 *
 * UNPREDICTABLE encodings: our one behaviour for each (Unicorn and QEMU may
 * differ; the differential tests exclude these encodings):
 *  1. PC as the destination of an instruction that is not a branch on the
 *     architecture's terms (MOVW/MOVT, multiplies, CLZ/REV/RBIT, extends,
 *     bitfields, saturation, Q-arithmetic, SEL/PKH, MRS, byte/halfword/dual
 *     loads, exclusives, SWP, MCR source) -> UNDEFINED.
 *  2. PC as a source operand (register-shifted-register operands, index
 *     registers, STR of PC, ...) reads as the instruction's address + 8.
 *  3. Writeback with Rn = PC -> UNDEFINED. Writeback with Rn = Rt on a load:
 *     the loaded value wins; on a store: the original Rt is stored.
 *  4. LDM/STM with an empty register list -> UNDEFINED. LDM writeback with Rn
 *     in the list: the loaded value wins; STM: the original Rn is stored.
 *     The user-register (^) forms: writeback is done to the current mode's
 *     Rn; in User or System mode they behave as the plain forms.
 *  5. LDRD/STRD/LDREXD/STREXD with an odd Rt or Rt = r14 -> UNDEFINED.
 *     LDRD/STRD in the unprivileged (P=0, W=1) form -> UNDEFINED.
 *  6. BX/BLX/load to PC of an ARM-state address with bit 1 set: branch to the
 *     address with bits 1:0 cleared.
 *  7. MSR with an empty mask writes nothing; a write of an invalid mode keeps
 *     the current mode; CPS with imod = 0x changes no mask bits.
 *  8. SPSR access (MRS/MSR SPSR, SRS) in User or System mode -> UNDEFINED;
 *     RFE in User mode -> UNDEFINED; exception return (SUBS PC / LDM ^ with PC)
 *     in User or System mode: a plain branch, CPSR unchanged.
 *  9. A conditional UNDEFINED (or not implemented) encoding whose condition
 *     fails is a NOP, as in QEMU. Encodings that must be unconditional (BKPT)
 *     execute regardless of the condition field.
 * 10. Bits that the encoding fixes as (0) or (1) are ignored.
 * 11. Multiplies with RdHi = RdLo: RdHi is written last and wins.
 * 12. Unallocated or UNPREDICTABLE hint and barrier encodings are NOPs.
 * 13. Bitfield instructions with lsb + width > 32 (or msb < lsb) -> UNDEFINED.
 * 14. SMMLS with Ra = PC: no accumulator (as SMMUL), as QEMU does.
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

/* Immediate shift as encoded (type, imm5) -> our shift byte; LSR/ASR #0 mean #32. */
static uint8_t imm_shift(uint32_t raw)
{
	unsigned type = BITS(raw, 6, 5), amount = BITS(raw, 11, 7);
	if ((type == ARM_SHIFT_LSR || type == ARM_SHIFT_ASR) && amount == 0)
		amount = 32;
	return ARM_SHIFT(type, amount);
}

static void decode_dp(uint32_t raw, struct arm_insn *d, bool imm)
{
	unsigned opc = BITS(raw, 24, 21), s = BIT(raw, 20);
	unsigned form;

	d->rd = BITS(raw, 15, 12);
	d->rn = BITS(raw, 19, 16);
	if (opc >= ARM_DP_TST && opc <= ARM_DP_CMN)
		d->rd = 0;
	if (opc == ARM_DP_MOV || opc == ARM_DP_MVN)
		d->rn = 0;
	if (imm) {
		unsigned rot = BITS(raw, 11, 8) * 2;
		d->imm = ror32(BITS(raw, 7, 0), rot);
		if (rot)
			d->flags |= ARM_F_X;
		form = ARM_FORM_IMM;
	} else if (!BIT(raw, 4)) {
		d->rm = BITS(raw, 3, 0);
		d->shift = imm_shift(raw);
		form = d->shift == ARM_SHIFT(ARM_SHIFT_LSL, 0) ? ARM_FORM_REG : ARM_FORM_SHI;
	} else {
		d->rm = BITS(raw, 3, 0);
		d->rs = BITS(raw, 11, 8);
		d->shift = ARM_SHIFT(BITS(raw, 6, 5), 0);
		form = ARM_FORM_SHR;
	}
	if (s)
		d->flags |= ARM_F_S;
	d->op = ARM_DP_OP(opc, form, s);
}

/* Miscellaneous instructions (A5.2.12). */
static void decode_misc(uint32_t raw, struct arm_insn *d)
{
	unsigned op = BITS(raw, 22, 21), op2 = BITS(raw, 6, 4);

	d->rd = BITS(raw, 15, 12);
	d->rn = BITS(raw, 19, 16);
	d->rm = BITS(raw, 3, 0);
	switch (op2) {
	case 0:
		if (BIT(raw, 9)) /* banked MRS/MSR: Virtualization Extensions */
			return undef(d);
		if (BIT(raw, 22))
			d->flags |= ARM_F_X;
		if (!(op & 1)) {
			d->rn = d->rm = 0;
			if (d->rd == 15)
				return undef(d);
			d->op = ARM_OP_MRS;
			return;
		}
		d->rd = d->rn = 0;
		d->shift = BITS(raw, 19, 16);
		d->op = ARM_OP_MSR_REG;
		return;
	case 1:
		if (op == 1) {
			d->rd = d->rn = 0;
			d->op = ARM_OP_BX;
			return;
		}
		if (op == 3) {
			d->rn = 0;
			if (d->rd == 15)
				return undef(d);
			d->op = ARM_OP_CLZ;
			return;
		}
		return undef(d);
	case 2: /* BXJ: trivial Jazelle, so it is BX */
	case 3:
		if (op != 1)
			return undef(d);
		d->rd = d->rn = 0;
		d->op = op2 == 3 ? ARM_OP_BLX_REG : ARM_OP_BX;
		return;
	case 5: {
		static const uint8_t qops[4] = { ARM_OP_QADD, ARM_OP_QSUB, ARM_OP_QDADD, ARM_OP_QDSUB };
		if (d->rd == 15)
			return undef(d);
		d->op = qops[op];
		return;
	}
	case 7:
		if (op != 1) /* HVC (virtualization), SMC (no Security Extensions) */
			return undef(d);
		d->rd = d->rn = d->rm = 0;
		d->imm = (BITS(raw, 19, 8) << 4) | BITS(raw, 3, 0);
		d->cond = ARM_COND_AL;
		d->op = ARM_OP_BKPT;
		return;
	default: /* ERET (virtualization) and unallocated */
		return undef(d);
	}
}

/* Halfword multiply and multiply accumulate (A5.2.7). */
static void decode_halfmul(uint32_t raw, struct arm_insn *d)
{
	unsigned op1 = BITS(raw, 22, 21);

	d->rd = BITS(raw, 19, 16);
	d->rs = BITS(raw, 15, 12);
	d->rm = BITS(raw, 11, 8);
	d->rn = BITS(raw, 3, 0);
	d->shift = (uint8_t)(BIT(raw, 5) | (BIT(raw, 6) << 1));
	if (d->rd == 15 || ((op1 == 2) && d->rs == 15))
		return undef(d);
	switch (op1) {
	case 0: d->op = ARM_OP_SMLAXY; break;
	case 1:
		d->shift &= 2;
		d->op = BIT(raw, 5) ? ARM_OP_SMULWY : ARM_OP_SMLAWY;
		break;
	case 2: d->op = ARM_OP_SMLALXY; break;
	default: d->op = ARM_OP_SMULXY; break;
	}
	if (d->op == ARM_OP_SMULXY || d->op == ARM_OP_SMULWY)
		d->rs = 0;
}

/* Multiply and multiply accumulate (A5.2.5). */
static void decode_mul(uint32_t raw, struct arm_insn *d)
{
	unsigned op = BITS(raw, 23, 21), s = BIT(raw, 20);

	d->rd = BITS(raw, 19, 16);
	d->rm = BITS(raw, 11, 8);
	d->rn = BITS(raw, 3, 0);
	if (s)
		d->flags |= ARM_F_S;
	switch (op) {
	case 0: d->op = ARM_OP_MUL; break;
	case 1: d->op = ARM_OP_MLA; d->rs = BITS(raw, 15, 12); break;
	case 2:
	case 3:
		if (s)
			return undef(d);
		if (op == 3) {
			d->op = ARM_OP_MLS;
			d->rs = BITS(raw, 15, 12);
			break;
		}
		d->op = ARM_OP_UMAAL;
		break;
	case 4: d->op = ARM_OP_UMULL; break;
	case 5: d->op = ARM_OP_UMLAL; break;
	case 6: d->op = ARM_OP_SMULL; break;
	default: d->op = ARM_OP_SMLAL; break;
	}
	if (op == 2 || op >= 4) { /* long: rd = RdLo, rs = RdHi */
		d->rs = d->rd;
		d->rd = BITS(raw, 15, 12);
		if (d->rd == 15 || d->rs == 15)
			return undef(d);
	}
	if (d->rd == 15)
		undef(d);
}

/* Synchronization primitives (A5.2.10). */
static void decode_sync(uint32_t raw, struct arm_insn *d)
{
	unsigned op = BITS(raw, 23, 20);
	static const uint8_t sizes[4] = { 4, 8, 1, 2 };

	d->rn = BITS(raw, 19, 16);
	if ((op & 0xb) == 0) {
		/* SWP/SWPB run whatever SCTLR.SW says, as in QEMU: the A9's
		 * multiprocessing extensions make them UNDEFINED while SW is 0, but
		 * Linux either sets SW or emulates them with the same result. */
		d->rd = BITS(raw, 15, 12);
		d->rm = BITS(raw, 3, 0);
		d->shift = BIT(raw, 22) ? 1 : 4;
		if (d->rd == 15 || d->rm == 15 || d->rn == 15)
			return undef(d);
		d->op = ARM_OP_SWP;
		return;
	}
	if (!(op & 8))
		return undef(d);
	d->shift = sizes[BITS(op, 2, 1)];
	if (op & 1) {
		d->op = ARM_OP_LDREX;
		d->rd = BITS(raw, 15, 12);
	} else {
		d->op = ARM_OP_STREX;
		d->rs = BITS(raw, 15, 12);
		d->rd = BITS(raw, 3, 0);
		if (d->rs == 15 || d->rs == d->rn || d->rs == d->rd)
			return undef(d);
	}
	if (d->shift == 8) {
		if ((d->rd & 1) || d->rd == 14)
			return undef(d);
		d->rm = d->rd + 1;
		if (d->op == ARM_OP_STREX && d->rs == d->rm)
			return undef(d);
	}
	if (d->rn == 15 || d->rd == 15)
		undef(d);
}

/* Extra load/store, incl. the unprivileged forms (A5.2.8, A5.2.9). */
static void decode_extra_ldst(uint32_t raw, struct arm_insn *d)
{
	unsigned op2 = BITS(raw, 6, 5), l = BIT(raw, 20);
	bool p = BIT(raw, 24), w = BIT(raw, 21), regoff = !BIT(raw, 22);
	bool user = !p && w, dual = false, load = l;
	unsigned base;

	d->rd = BITS(raw, 15, 12);
	d->rn = BITS(raw, 19, 16);
	switch (op2) {
	case 1: base = l ? ARM_OP_LDRH_I : ARM_OP_STRH_I; break;
	case 2: base = l ? ARM_OP_LDRSB_I : ARM_OP_LDRD_I; dual = !l; load = true; break;
	default: base = l ? ARM_OP_LDRSH_I : ARM_OP_STRD_I; dual = !l; break;
	}
	if (regoff)
		d->rm = BITS(raw, 3, 0);
	else
		d->imm = (BITS(raw, 11, 8) << 4) | BITS(raw, 3, 0);
	d->op = (uint8_t)(base + regoff);
	d->flags |= (p ? ARM_F_P : 0) | (BIT(raw, 23) ? ARM_F_U : 0) | ((!p || w) ? ARM_F_W : 0) |
		    (user ? ARM_F_USER : 0);
	if (dual) {
		if (user || (d->rd & 1) || d->rd == 14)
			return undef(d);
		d->rs = d->rd + 1;
	}
	if (load && d->rd == 15)
		return undef(d);
	if ((d->flags & ARM_F_W) && d->rn == 15)
		undef(d);
}

/* Load/store word and unsigned byte (A5.3). */
static void decode_ldst(uint32_t raw, struct arm_insn *d)
{
	bool regoff = BIT(raw, 25), p = BIT(raw, 24), b = BIT(raw, 22), w = BIT(raw, 21);
	bool l = BIT(raw, 20);
	unsigned base;

	d->rd = BITS(raw, 15, 12);
	d->rn = BITS(raw, 19, 16);
	if (regoff) {
		d->rm = BITS(raw, 3, 0);
		d->shift = imm_shift(raw);
	} else {
		d->imm = BITS(raw, 11, 0);
	}
	if (l)
		base = b ? ARM_OP_LDRB_I : ARM_OP_LDR_I;
	else
		base = b ? ARM_OP_STRB_I : ARM_OP_STR_I;
	d->op = (uint8_t)(base + regoff);
	d->flags |= (p ? ARM_F_P : 0) | (BIT(raw, 23) ? ARM_F_U : 0) | ((!p || w) ? ARM_F_W : 0) |
		    ((!p && w) ? ARM_F_USER : 0);
	if (l && b && d->rd == 15)
		return undef(d);
	if ((d->flags & ARM_F_W) && d->rn == 15)
		undef(d);
}

/* Packing, unpacking, saturation and reversal (A5.4.3). */
static void decode_pack(uint32_t raw, struct arm_insn *d)
{
	unsigned op1 = BITS(raw, 22, 20), op2 = BITS(raw, 7, 5);

	d->rd = BITS(raw, 15, 12);
	d->rn = BITS(raw, 19, 16);
	d->rm = BITS(raw, 3, 0);
	if (d->rd == 15)
		return undef(d);
	if ((op1 & 2) && !(op2 & 1)) { /* SSAT (01x) / USAT (11x) */
		d->rn = d->rm;
		d->rm = 0;
		d->shift = imm_shift(raw); /* bits 6:5 = sh:0, so LSL or ASR */
		if (op1 & 4) {
			d->imm = BITS(raw, 20, 16);
			d->op = ARM_OP_USAT;
		} else {
			d->imm = BITS(raw, 20, 16) + 1;
			d->op = ARM_OP_SSAT;
		}
		return;
	}
	if (op2 == 3) { /* extends; rn = 15: no accumulate */
		static const uint8_t ext[8] = { ARM_OP_SXTB16, 0, ARM_OP_SXTB, ARM_OP_SXTH,
						ARM_OP_UXTB16, 0, ARM_OP_UXTB, ARM_OP_UXTH };
		if (!ext[op1])
			return undef(d);
		d->shift = (uint8_t)(BITS(raw, 11, 10) * 8);
		d->op = ext[op1];
		return;
	}
	switch (op1) {
	case 0:
		if (!(op2 & 1)) {
			d->shift = imm_shift(raw); /* bits 6:5 = tb:0: PKHBT LSL, PKHTB ASR */
			d->op = ARM_OP_PKH;
			return;
		}
		if (op2 == 5) {
			d->op = ARM_OP_SEL;
			return;
		}
		break;
	case 2:
	case 6:
		if (op2 == 1) {
			d->rn = d->rm;
			d->rm = 0;
			d->imm = BITS(raw, 19, 16) + (op1 == 2);
			d->op = op1 == 2 ? ARM_OP_SSAT16 : ARM_OP_USAT16;
			return;
		}
		break;
	case 3:
		if (op2 == 1 || op2 == 5) {
			d->rn = 0;
			d->op = op2 == 1 ? ARM_OP_REV : ARM_OP_REV16;
			return;
		}
		break;
	case 7:
		if (op2 == 1 || op2 == 5) {
			d->rn = 0;
			d->op = op2 == 1 ? ARM_OP_RBIT : ARM_OP_REVSH;
			return;
		}
		break;
	default:
		break;
	}
	undef(d);
}

/* Signed multiplies, divides (A5.4.4): Rd in 19:16, Ra in 15:12. */
static void decode_media_mul(uint32_t raw, struct arm_insn *d)
{
	unsigned op1 = BITS(raw, 22, 20), op2 = BITS(raw, 7, 5);

	d->rd = BITS(raw, 19, 16);
	d->rs = BITS(raw, 15, 12);
	d->rm = BITS(raw, 11, 8);
	d->rn = BITS(raw, 3, 0);
	d->shift = (uint8_t)BIT(raw, 5);
	switch (op1) {
	case 0: /* SMLAD, SMUAD (Ra = 15), SMLSD, SMUSD */
	case 4: /* SMLALD, SMLSLD */
		if (op2 >= 4)
			return undef(d);
		if (op2 & 2)
			d->flags |= ARM_F_X;
		if (op1 == 4) {
			d->imm = ARM_DMUL_LONG;
			unsigned hi = d->rd;
			d->rd = d->rs;
			d->rs = (uint8_t)hi;
			if (d->rd == 15)
				return undef(d);
		} else {
			d->imm = ARM_DMUL_DUAL;
		}
		break;
	case 5: /* SMMLA, SMMUL (Ra = 15), SMMLS */
		if (op2 >= 2 && op2 < 6)
			return undef(d);
		if (op2 >= 6)
			d->flags |= ARM_F_X;
		d->imm = ARM_DMUL_MSW;
		break;
	default: /* SDIV and UDIV: the A9 has no divide instructions */
		return undef(d);
	}
	if (d->rd == 15)
		return undef(d);
	d->op = ARM_OP_DMUL;
}

/* Media instructions (A5.4). */
static void decode_media(uint32_t raw, struct arm_insn *d)
{
	unsigned op1 = BITS(raw, 24, 20), op2 = BITS(raw, 7, 5);

	switch (op1 >> 3) {
	case 0: /* parallel add/subtract, signed (000xx) and unsigned (001xx) */
		if ((op1 & 3) == 0 || op2 == 5 || op2 == 6)
			return undef(d);
		d->rd = BITS(raw, 15, 12);
		d->rn = BITS(raw, 19, 16);
		d->rm = BITS(raw, 3, 0);
		if (d->rd == 15)
			return undef(d);
		d->imm = ARM_PAR(BITS(raw, 22, 20), op2);
		d->op = ARM_OP_PAR;
		return;
	case 1:
		return decode_pack(raw, d);
	case 2: /* signed multiplies; SDIV/UDIV do not exist on the A9 */
		return decode_media_mul(raw, d);
	default:
		break;
	}
	if (op1 == 0x18) {
		if (op2 != 0 || BITS(raw, 19, 16) == 15)
			return undef(d);
		d->rd = BITS(raw, 19, 16);
		d->rs = BITS(raw, 15, 12);
		d->rm = BITS(raw, 11, 8);
		d->rn = BITS(raw, 3, 0);
		d->op = ARM_OP_USAD8;
		return;
	}
	d->rd = BITS(raw, 15, 12);
	d->rn = BITS(raw, 3, 0);
	if (op1 == 0x1f && op2 == 7) { /* UDF: permanently undefined */
		d->rd = d->rn = 0;
		return undef(d);
	}
	if ((op1 & 0x1a) == 0x1a && (op2 & 3) == 2) { /* SBFX 1101x, UBFX 1111x */
		unsigned lsb = BITS(raw, 11, 7), width = BITS(raw, 20, 16) + 1;
		if (lsb + width > 32 || d->rd == 15)
			return undef(d);
		d->shift = (uint8_t)lsb;
		d->imm = width;
		d->op = (op1 & 4) ? ARM_OP_UBFX : ARM_OP_SBFX;
		return;
	}
	if ((op1 & 0x1e) == 0x1c && (op2 & 3) == 0) { /* BFC / BFI */
		unsigned lsb = BITS(raw, 11, 7), msb = BITS(raw, 20, 16);
		if (msb < lsb || d->rd == 15)
			return undef(d);
		d->shift = (uint8_t)lsb;
		d->imm = msb;
		if (d->rn == 15) {
			d->rn = 0;
			d->op = ARM_OP_BFC;
		} else {
			d->op = ARM_OP_BFI;
		}
		return;
	}
	d->rd = d->rn = 0;
	undef(d);
}

/* Branch, branch with link, and block data transfer (A5.5). */
static void decode_branch_block(uint32_t raw, struct arm_insn *d)
{
	if (BIT(raw, 25)) {
		d->imm = (uint32_t)(((int32_t)(raw << 8)) >> 6);
		d->op = BIT(raw, 24) ? ARM_OP_BL : ARM_OP_B;
		return;
	}
	d->rn = BITS(raw, 19, 16);
	d->imm = BITS(raw, 15, 0);
	d->flags |= (BIT(raw, 24) ? ARM_F_P : 0) | (BIT(raw, 23) ? ARM_F_U : 0) |
		    (BIT(raw, 21) ? ARM_F_W : 0) | (BIT(raw, 22) ? ARM_F_USER : 0);
	d->op = BIT(raw, 20) ? ARM_OP_LDM : ARM_OP_STM;
	if (d->imm == 0 || d->rn == 15)
		undef(d);
}

/* Coprocessor instructions and SVC (A5.6). */
static void decode_coproc(uint32_t raw, struct arm_insn *d)
{
	unsigned op1 = BITS(raw, 25, 20), coproc = BITS(raw, 11, 8);

	if ((op1 & 0x30) == 0x30) {
		d->imm = BITS(raw, 23, 0);
		d->op = ARM_OP_SVC;
		return;
	}
	if ((op1 & 0x3e) == 0)
		return undef(d);
	if ((coproc & 0xe) == 0xa)
		return arm_decode_vfp(raw & 0x0fffffffu, d->cond, false, d);
	/* CP15 and the CP14 debug registers have MCR/MRC only on the A9 (no
	 * MCRR/MRRC without LPAE, no CDP, LDC or STC; CP14's ThumbEE and
	 * Jazelle registers, opc1 6 and 7, are absent); no other coprocessor. */
	if ((coproc == 15 || (coproc == 14 && BITS(raw, 23, 21) == 0)) && (op1 & 0x30) == 0x20 &&
	    BIT(raw, 4)) {
		d->rd = BITS(raw, 15, 12);
		if (op1 & 1) {
			d->op = ARM_OP_MRC;
			return;
		}
		if (d->rd == 15)
			return undef(d);
		d->op = ARM_OP_MCR;
		return;
	}
	undef(d);
}

/* MSR (immediate) and hints (A5.2.11). */
static void decode_msr_imm_hints(uint32_t raw, struct arm_insn *d)
{
	unsigned mask = BITS(raw, 19, 16), op2 = BITS(raw, 7, 0);

	if (!BIT(raw, 22) && mask == 0) {
		/* NOP, YIELD, WFE, SEV, DBG and unallocated hints: NOPs. WFE
		 * without another core to signal it is a hint we may ignore. */
		d->op = op2 == 3 ? ARM_OP_WFI : ARM_OP_NOP;
		return;
	}
	d->imm = ror32(BITS(raw, 7, 0), BITS(raw, 11, 8) * 2);
	d->shift = (uint8_t)mask;
	if (BIT(raw, 22))
		d->flags |= ARM_F_X;
	d->op = ARM_OP_MSR_IMM;
}

/* Memory hints, Advanced SIMD and miscellaneous (A5.7.1). */
static void decode_uncond_misc(uint32_t raw, struct arm_insn *d)
{
	unsigned op1 = BITS(raw, 26, 20), op2 = BITS(raw, 7, 4);

	if (op1 == 0x10) {
		if (!(op2 & 2) && !BIT(raw, 16)) {
			unsigned imod = BITS(raw, 19, 18);
			d->imm = (BIT(raw, 8) ? (1u << 8) : 0) | (BIT(raw, 7) ? (1u << 7) : 0) |
				 (BIT(raw, 6) ? (1u << 6) : 0);
			d->shift = (uint8_t)(imod >= 2 ? imod : 0);
			if (!d->shift)
				d->imm = 0;
			if (BIT(raw, 17)) {
				d->flags |= ARM_F_X;
				d->imm |= BITS(raw, 4, 0);
			}
			d->op = ARM_OP_CPS;
			return;
		}
		if (op2 == 0 && BIT(raw, 16)) {
			d->imm = BIT(raw, 9);
			d->op = ARM_OP_SETEND;
			return;
		}
		return undef(d);
	}
	if ((op1 & 0x60) == 0x20 || (op1 & 0x71) == 0x40) /* Advanced SIMD: NEON is off */
		return undef(d);
	if ((op1 & 0x77) == 0x41 || (op1 & 0x77) == 0x45 || (op1 & 0x73) == 0x51 || op1 == 0x53 ||
	    (op1 & 0x7b) == 0x5b) {
		d->op = ARM_OP_NOP; /* PLD, PLDW, PLI, unallocated hints */
		return;
	}
	if (op1 == 0x57) {
		switch (op2) {
		case 1: d->op = ARM_OP_CLREX; return;
		case 6: d->op = ARM_OP_SYNC; return; /* ISB */
		default: d->op = ARM_OP_NOP; return; /* DSB, DMB: one core, in order */
		}
	}
	if (!(op2 & 1) && ((op1 & 0x77) == 0x61 || (op1 & 0x77) == 0x65 || (op1 & 0x73) == 0x71 ||
			   (op1 & 0x63) == 0x63)) {
		d->op = ARM_OP_NOP;
		return;
	}
	undef(d);
}

/* Unconditional instructions (A5.7). */
static void decode_uncond(uint32_t raw, struct arm_insn *d)
{
	unsigned op1 = BITS(raw, 27, 20);

	d->cond = ARM_COND_AL;
	if (!(op1 & 0x80))
		return decode_uncond_misc(raw, d);
	if ((op1 & 0xe5) == 0x84 || (op1 & 0xe5) == 0x81) {
		d->flags |= (BIT(raw, 24) ? ARM_F_P : 0) | (BIT(raw, 23) ? ARM_F_U : 0) |
			    (BIT(raw, 21) ? ARM_F_W : 0);
		if (op1 & 4) {
			d->imm = BITS(raw, 4, 0);
			d->op = ARM_OP_SRS;
			return;
		}
		d->rn = BITS(raw, 19, 16);
		d->op = ARM_OP_RFE;
		if (d->rn == 15)
			undef(d);
		return;
	}
	if ((op1 & 0xe0) == 0xa0) {
		d->imm = (uint32_t)((((int32_t)(raw << 8)) >> 6) | (int32_t)(BIT(raw, 24) << 1));
		d->op = ARM_OP_BLX_IMM;
		return;
	}
	/* STC2/LDC2/MCR2/MRC2/MCRR2/MRRC2/CDP2: no coprocessor of the A9 has them. */
	undef(d);
}

void arm_decode_a32(uint32_t raw, struct arm_insn *d)
{
	memset(d, 0, sizeof(*d));
	d->raw = raw;
	d->cond = (uint8_t)(raw >> 28);
	if (d->cond == 0xf)
		return decode_uncond(raw, d);

	unsigned op1 = BITS(raw, 24, 20), op2 = BITS(raw, 7, 4);
	switch (BITS(raw, 27, 25)) {
	case 0:
		if ((op1 & 0x19) != 0x10) {
			if (!(op2 & 1) || !(op2 & 8))
				return decode_dp(raw, d, false);
		} else {
			if (!(op2 & 8))
				return decode_misc(raw, d);
			if (!(op2 & 1))
				return decode_halfmul(raw, d);
		}
		if (op2 == 9)
			return (op1 & 0x10) ? decode_sync(raw, d) : decode_mul(raw, d);
		return decode_extra_ldst(raw, d);
	case 1:
		if ((op1 & 0x19) != 0x10)
			return decode_dp(raw, d, true);
		if (op1 == 0x10 || op1 == 0x14) {
			d->rd = BITS(raw, 15, 12);
			d->imm = (BITS(raw, 19, 16) << 12) | BITS(raw, 11, 0);
			d->op = op1 == 0x10 ? ARM_OP_MOVW : ARM_OP_MOVT;
			if (d->rd == 15)
				undef(d);
			return;
		}
		return decode_msr_imm_hints(raw, d);
	case 2:
		return decode_ldst(raw, d);
	case 3:
		return BIT(raw, 4) ? decode_media(raw, d) : decode_ldst(raw, d);
	case 4:
	case 5:
		return decode_branch_block(raw, d);
	default:
		return decode_coproc(raw, d);
	}
}
