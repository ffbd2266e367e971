/*
 * Decoder of the VFP (CP10/CP11) space, ARMv7-A ARM A7.5-A7.9, shared by the
 * A32 and T32 decoders: the T32 encodings are the A32 ones with 0xE in the
 * top nibble where A32 has the condition. Advanced SIMD is absent (neon=off),
 * so its forms in this space (VDUP, 8- and 16-bit scalar transfers) are
 * UNDEFINED, as are the VFPv4 fused multiplies and the half <-> double
 * conversions of later architectures.
 *
 * UNPREDICTABLE encodings: our one behaviour for each (excluded from the
 * differential generators):
 *  V1. PC (and in T32 also SP) as a core register of VMOV, VMRS (except
 *      VMRS APSR_nzcv, FPSCR) or VMSR; VMOV to two core registers that are
 *      the same; VMOV of S31 and the non-existent S32 -> UNDEFINED.
 *  V2. VLDM/VSTM of no registers, of more than 16 doubles, or past S31/D31;
 *      with writeback and Rn = PC; any PC-based form in T32 but VLDR ->
 *      UNDEFINED.
 *  V3. VCVT to/from fixed point with more fraction bits than the size ->
 *      UNDEFINED.
 *  V4. FLDMX/FSTMX (VLDM/VSTM of doubles with an odd word count): the
 *      doubles are transferred, the extra word is neither read nor written
 *      (its store is UNKNOWN), the base moves past it.
 *  V5. Bits that the encoding fixes as (0) or (1) are ignored.
 */
#include "arm/decode.h"
#include "arm/vfp.h"

#define BITS(x, hi, lo) (((x) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1u))
#define BIT(x, n) (((x) >> (n)) & 1u)

/* UNDEFINED: the record keeps only raw, cond and the T32 flags. */
static void vfp_undef(struct arm_insn *d)
{
	d->op = ARM_OP_UNDEF;
	d->imm = 0;
	d->shift = 0;
	d->flags &= ARM_F_THUMB | ARM_F_WIDE;
	d->rd = d->rn = d->rm = d->rs = 0;
}

/* Register numbers: a single is Vx:bit, a double bit:Vx. */
static uint8_t vfp_reg(bool dp, unsigned v, unsigned bit)
{
	return (uint8_t)(dp ? (bit << 4) | v : (v << 1) | bit);
}

/* A core register that is UNPREDICTABLE as a transfer operand. */
static bool bad_core(unsigned r, bool thumb)
{
	return r == 15 || (thumb && r == 13);
}

static void decode_vfp_dp(uint32_t w, struct arm_insn *d)
{
	bool dp = BIT(w, 8), b6 = BIT(w, 6), b7 = BIT(w, 7);
	unsigned opc1 = (BIT(w, 23) << 2) | BITS(w, 21, 20), opc2 = BITS(w, 19, 16);
	unsigned vd = BITS(w, 15, 12), vn = BITS(w, 19, 16), vm = BITS(w, 3, 0);
	unsigned prec = dp ? VFP_OP_DP : 0, op;

	d->op = ARM_OP_VFP_DP;
	d->rd = vfp_reg(dp, vd, BIT(w, 22));
	d->rn = vfp_reg(dp, vn, BIT(w, 7));
	d->rm = vfp_reg(dp, vm, BIT(w, 5));
	switch (opc1) {
	case 0: op = b6 ? VFP_MLS : VFP_MLA; break;
	case 1: op = b6 ? VFP_NMLA : VFP_NMLS; break;
	case 2: op = b6 ? VFP_NMUL : VFP_MUL; break;
	case 3: op = b6 ? VFP_SUB : VFP_ADD; break;
	case 4:
		if (b6)
			return vfp_undef(d);
		op = VFP_DIV;
		break;
	case 7:
		goto other;
	default: /* VFNMA/VFNMS/VFMA/VFMS: VFPv4 */
		return vfp_undef(d);
	}
	d->shift = (uint8_t)(op | prec);
	return;

other:
	d->rn = 0;
	if (!b6) {
		d->imm = vfp_expand_imm((opc2 << 4) | vm, dp);
		d->rm = 0;
		d->shift = (uint8_t)(VFP_MOV_IMM | prec);
		return;
	}
	switch (opc2) {
	case 0: op = b7 ? VFP_ABS : VFP_MOV; break;
	case 1: op = b7 ? VFP_SQRT : VFP_NEG; break;
	case 2: /* VCVTB/VCVTT: ARM_F_X selects the top half */
	case 3:
		if (dp)
			return vfp_undef(d);
		if (b7)
			d->flags |= ARM_F_X;
		d->shift = (uint8_t)(opc2 == 2 ? VFP_H_TO_S : VFP_S_TO_H);
		return;
	case 4:
	case 5: /* VCMP{E}; with zero: ARM_F_X */
		op = b7 ? VFP_CMPE : VFP_CMP;
		if (opc2 == 5) {
			d->flags |= ARM_F_X;
			d->rm = 0;
		}
		break;
	case 7: /* VCVT between double and single: rd/rm in their own sizes */
		if (!b7)
			return vfp_undef(d);
		d->rd = vfp_reg(!dp, vd, BIT(w, 22));
		op = VFP_CVT_FD;
		break;
	case 8: /* integer (a single register) to float */
		d->rm = vfp_reg(false, vm, BIT(w, 5));
		op = b7 ? VFP_FROM_SINT : VFP_FROM_UINT;
		break;
	case 12:
	case 13: /* float to integer (into a single register) */
		d->rd = vfp_reg(false, vd, BIT(w, 22));
		if (opc2 == 13)
			op = b7 ? VFP_TO_SINT_Z : VFP_TO_SINT;
		else
			op = b7 ? VFP_TO_UINT_Z : VFP_TO_UINT;
		break;
	case 10:
	case 11:
	case 14:
	case 15: { /* fixed point, in place: imm = fraction bits, rs = size */
		unsigned size = b7 ? 32 : 16, imm5 = (vm << 1) | BIT(w, 5);
		bool to_fixed = opc2 >= 14, is_unsigned = opc2 & 1;
		if (imm5 > size)
			return vfp_undef(d);
		d->imm = size - imm5;
		d->rs = (uint8_t)size;
		d->rm = d->rd;
		if (to_fixed)
			op = is_unsigned ? VFP_TO_UFIX : VFP_TO_SFIX;
		else
			op = is_unsigned ? VFP_FROM_UFIX : VFP_FROM_SFIX;
		break;
	}
	default:
		return vfp_undef(d);
	}
	d->shift = (uint8_t)(op | prec);
}

/* 8-, 16- and 32-bit transfers between core and extension registers (A7.8). */
static void decode_vfp_xfer32(uint32_t w, struct arm_insn *d, bool thumb)
{
	unsigned a = BITS(w, 23, 21), rt = BITS(w, 15, 12);
	bool l = BIT(w, 20);

	d->rd = (uint8_t)rt;
	d->op = ARM_OP_VFP_XFER;
	if (!BIT(w, 8)) {
		if (a == 0) {
			if (bad_core(rt, thumb))
				return vfp_undef(d);
			d->rm = vfp_reg(false, BITS(w, 19, 16), BIT(w, 7));
			d->shift = l ? VFP_X_FROM_S : VFP_X_TO_S;
			return;
		}
		if (a != 7)
			return vfp_undef(d);
		d->imm = BITS(w, 19, 16);
		if (bad_core(rt, thumb) && !(l && rt == 15 && d->imm == VFP_SYS_FPSCR))
			return vfp_undef(d);
		/* Other register numbers are sub-architecture defined: the A9
		 * has none (and MVFR0/1 are read-only). */
		switch (d->imm) {
		case VFP_SYS_FPSID:
		case VFP_SYS_FPSCR:
		case VFP_SYS_FPEXC:
			break;
		case VFP_SYS_MVFR0:
		case VFP_SYS_MVFR1:
			if (!l)
				return vfp_undef(d);
			break;
		default:
			return vfp_undef(d);
		}
		d->shift = l ? VFP_X_VMRS : VFP_X_VMSR;
		return;
	}
	/* Only the 32-bit scalar forms are VFP; VDUP and the 8/16-bit forms are
	 * Advanced SIMD. */
	if (BIT(w, 23) || BIT(w, 22) || BITS(w, 6, 5) != 0 || bad_core(rt, thumb))
		return vfp_undef(d);
	d->rm = vfp_reg(true, BITS(w, 19, 16), BIT(w, 7));
	d->imm = BIT(w, 21);
	d->shift = l ? VFP_X_FROM_DHALF : VFP_X_TO_DHALF;
}

/* 64-bit transfers between core and extension registers (A7.9). */
static void decode_vfp_xfer64(uint32_t w, struct arm_insn *d, bool thumb)
{
	unsigned rt = BITS(w, 15, 12), rt2 = BITS(w, 19, 16);
	bool to_core = BIT(w, 20), dreg = BIT(w, 8);

	if (BITS(w, 7, 6) != 0 || !BIT(w, 4) || bad_core(rt, thumb) || bad_core(rt2, thumb) ||
	    (to_core && rt == rt2))
		return vfp_undef(d);
	d->op = ARM_OP_VFP_XFER;
	d->rd = (uint8_t)rt;
	d->rs = (uint8_t)rt2;
	d->rm = vfp_reg(dreg, BITS(w, 3, 0), BIT(w, 5));
	if (!dreg && d->rm == 31)
		return vfp_undef(d);
	if (dreg)
		d->shift = to_core ? VFP_X_FROM_D : VFP_X_TO_D;
	else
		d->shift = to_core ? VFP_X_FROM_SS : VFP_X_TO_SS;
}

/* Extension register loads and stores (A7.6). */
static void decode_vfp_ldst(uint32_t w, struct arm_insn *d, bool thumb)
{
	bool p = BIT(w, 24), u = BIT(w, 23), wb = BIT(w, 21), load = BIT(w, 20), dp = BIT(w, 8);
	unsigned rn = BITS(w, 19, 16), imm8 = BITS(w, 7, 0);

	if (BITS(w, 24, 21) == 2)
		return decode_vfp_xfer64(w, d, thumb);
	d->op = ARM_OP_VFP_LDST;
	d->rn = (uint8_t)rn;
	d->rd = vfp_reg(dp, BITS(w, 15, 12), BIT(w, 22));
	d->flags |= (p ? ARM_F_P : 0) | (u ? ARM_F_U : 0) | (wb ? ARM_F_W : 0) | (dp ? ARM_F_X : 0);
	d->shift = (uint8_t)(load ? VFP_LS_LOAD : 0);
	if (p && !wb) { /* VLDR, VSTR */
		if (thumb && rn == 15 && !load)
			return vfp_undef(d);
		d->imm = imm8 << 2;
		return;
	}
	if (p == u) /* 0b00xxx other than the 64-bit transfers, 0b11x1x */
		return vfp_undef(d);
	unsigned regs = dp ? imm8 / 2 : imm8;
	if (regs == 0 || (dp && regs > 16) || d->rd + regs > 32 || (rn == 15 && (wb || thumb)))
		return vfp_undef(d);
	d->shift |= VFP_LS_MULTI;
	d->imm = imm8;
	d->rs = (uint8_t)regs;
}

void arm_decode_vfp(uint32_t bits27_0, unsigned cond, bool thumb, struct arm_insn *out)
{
	uint32_t w = bits27_0;

	out->cond = (uint8_t)cond;
	if (thumb)
		out->flags |= ARM_F_THUMB | ARM_F_WIDE;
	if (BITS(w, 27, 25) == 6)
		return decode_vfp_ldst(w, out, thumb);
	if (BITS(w, 27, 24) == 0xe)
		return BIT(w, 4) ? decode_vfp_xfer32(w, out, thumb) : decode_vfp_dp(w, out);
	vfp_undef(out);
}
