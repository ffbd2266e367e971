/*
 * Fuzz harness: the A32, T32 and VFP decoders (engine/arch/arm/decode_a32.c,
 * decode_t32.c, decode_vfp.c), compiled hosted.
 *
 * Input: 32-bit words (little-endian; a short tail is zero-padded). Each is
 * decoded as an A32 encoding, as T32 hw1:hw2, as that T32 record inside an
 * IT block (arm_t32_in_it), and as a CP10/CP11 encoding in both states.
 *
 * Invariants checked beyond the sanitizers - what decode.h (and vfp.h for
 * the VFP records' fields) promises, or what the semantics index with:
 *   - every encoding gets a class: op is neither NONE nor UNIMPL ("no
 *     decoder emits it") and below ARM_OP_COUNT; cond is 0..14;
 *   - raw is the encoding (T32: hw2 zero for a 16-bit one); ARM_F_THUMB on
 *     T32 records only, ARM_F_WIDE exactly on 32-bit T32 ones; IT, CBZ and
 *     TBB only in T32;
 *   - core register fields below 16; S and D register numbers below 32; a
 *     VLDM/VSTM's registers end by S31/D31, a two-single VMOV's by S31;
 *   - shift amounts 0..32; a data-processing operand 2 of the documented
 *     form (register: LSL #0; register-shifted: no immediate amount);
 *     extend rotations 0, 8, 16, 24; bitfields inside the word; saturation
 *     positions in range; LDM/STM lists non-empty; exclusive and SWP sizes
 *     as listed; sub-op fields (PAR, DMUL, CPS, VFP ops and transfers) in
 *     their enums;
 *   - arm_t32_in_it changes nothing but the S flag (and the op's S bit);
 *   - decoding is deterministic.
 */
#include <string.h>

#include "arm/decode.h"
#include "arm/vfp.h"
#include "fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool is_vfp(const struct arm_insn *d)
{
	return d->op == ARM_OP_VFP_DP || d->op == ARM_OP_VFP_LDST || d->op == ARM_OP_VFP_XFER;
}

static void check_vfp(const struct arm_insn *d)
{
	unsigned kind = d->shift;

	switch (d->op) {
	case ARM_OP_VFP_DP:
		FUZZ_CHECK(d->rd < 32 && d->rn < 32 && d->rm < 32);
		FUZZ_CHECK((kind & ~VFP_OP_DP) <= VFP_MOV_IMM);
		FUZZ_CHECK(d->rs == 0 || d->rs == 16 || d->rs == 32);
		if (d->rs)
			FUZZ_CHECK(d->imm <= d->rs);
		break;
	case ARM_OP_VFP_LDST:
		FUZZ_CHECK(d->rd < 32 && d->rn < 16 && d->rm == 0);
		FUZZ_CHECK((kind & ~(VFP_LS_LOAD | VFP_LS_MULTI)) == 0);
		if (kind & VFP_LS_MULTI) {
			FUZZ_CHECK(d->rs >= 1 && d->rd + d->rs <= 32);
			if (d->flags & ARM_F_X)
				FUZZ_CHECK(d->rs <= 16);
		}
		break;
	default: /* ARM_OP_VFP_XFER */
		FUZZ_CHECK(d->rd < 16 && d->rs < 16 && d->rm < 32);
		FUZZ_CHECK(kind <= VFP_X_VMRS);
		if (kind == VFP_X_TO_SS || kind == VFP_X_FROM_SS)
			FUZZ_CHECK(d->rm < 31);
		if (kind == VFP_X_TO_DHALF || kind == VFP_X_FROM_DHALF)
			FUZZ_CHECK(d->imm <= 1);
		if (kind == VFP_X_VMRS || kind == VFP_X_VMSR)
			FUZZ_CHECK(d->imm == VFP_SYS_FPSID || d->imm == VFP_SYS_FPSCR ||
				   d->imm == VFP_SYS_MVFR0 || d->imm == VFP_SYS_MVFR1 ||
				   d->imm == VFP_SYS_FPEXC);
		break;
	}
}

static void check_dp(const struct arm_insn *d)
{
	unsigned x = d->op - ARM_OP_DP, form = (x >> 1) & 3;

	FUZZ_CHECK((x & 1) == !!(d->flags & ARM_F_S));
	switch (form) {
	case ARM_FORM_IMM:
		FUZZ_CHECK(d->rm == 0 && d->rs == 0 && d->shift == 0);
		break;
	case ARM_FORM_REG:
		FUZZ_CHECK(d->rs == 0 && d->shift == 0);
		break;
	case ARM_FORM_SHI:
		FUZZ_CHECK(d->rs == 0 && ARM_SHIFT_AMOUNT(d->shift) <= 32);
		break;
	default:
		FUZZ_CHECK(ARM_SHIFT_AMOUNT(d->shift) == 0);
		break;
	}
}

/* What holds for every record, whatever decoded it. */
static void check_record(const struct arm_insn *d, bool thumb)
{
	FUZZ_CHECK(d->op != ARM_OP_NONE && d->op != ARM_OP_UNIMPL && d->op < ARM_OP_COUNT);
	FUZZ_CHECK(d->cond <= 14);
	FUZZ_CHECK(!!(d->flags & ARM_F_THUMB) == thumb);
	if (!thumb)
		FUZZ_CHECK(!(d->flags & ARM_F_WIDE));
	if (d->op == ARM_OP_UNDEF)
		return;
	if (is_vfp(d))
		return check_vfp(d);
	FUZZ_CHECK(d->rd < 16 && d->rn < 16 && d->rm < 16 && d->rs < 16);
	if (d->op >= ARM_OP_DP)
		return check_dp(d);

	switch (d->op) {
	case ARM_OP_IT:
		FUZZ_CHECK(thumb && d->imm < 256 && (d->imm & 0xf) && (d->imm >> 4) != 15);
		break;
	case ARM_OP_CBZ:
	case ARM_OP_TBB:
		FUZZ_CHECK(thumb);
		break;
	case ARM_OP_LDR_R: case ARM_OP_STR_R: case ARM_OP_LDRB_R: case ARM_OP_STRB_R:
	case ARM_OP_LDRH_R: case ARM_OP_STRH_R: case ARM_OP_LDRSB_R: case ARM_OP_LDRSH_R:
	case ARM_OP_LDRD_R: case ARM_OP_STRD_R: case ARM_OP_PKH:
		FUZZ_CHECK(ARM_SHIFT_AMOUNT(d->shift) <= 32);
		break;
	case ARM_OP_SXTB: case ARM_OP_SXTH: case ARM_OP_SXTB16:
	case ARM_OP_UXTB: case ARM_OP_UXTH: case ARM_OP_UXTB16:
		FUZZ_CHECK(d->shift % 8 == 0 && d->shift <= 24);
		break;
	case ARM_OP_UBFX:
	case ARM_OP_SBFX:
		FUZZ_CHECK(d->imm >= 1 && d->imm <= 32 && d->shift + d->imm <= 32);
		break;
	case ARM_OP_BFI:
	case ARM_OP_BFC:
		FUZZ_CHECK(d->shift <= d->imm && d->imm <= 31);
		break;
	case ARM_OP_SSAT:
		FUZZ_CHECK(d->imm >= 1 && d->imm <= 32 && ARM_SHIFT_AMOUNT(d->shift) <= 32);
		break;
	case ARM_OP_USAT:
		FUZZ_CHECK(d->imm <= 31 && ARM_SHIFT_AMOUNT(d->shift) <= 32);
		break;
	case ARM_OP_SSAT16:
		FUZZ_CHECK(d->imm >= 1 && d->imm <= 16);
		break;
	case ARM_OP_USAT16:
		FUZZ_CHECK(d->imm <= 15);
		break;
	case ARM_OP_LDM:
	case ARM_OP_STM:
		FUZZ_CHECK(d->imm != 0 && d->imm <= 0xffff);
		break;
	case ARM_OP_SWP:
		FUZZ_CHECK(d->shift == 1 || d->shift == 4);
		break;
	case ARM_OP_LDREX:
	case ARM_OP_STREX:
		FUZZ_CHECK(d->shift == 1 || d->shift == 2 || d->shift == 4 || d->shift == 8);
		if (d->shift == 8 && !thumb) /* A32 pairs Rt with Rt + 1 */
			FUZZ_CHECK(d->rm == d->rd + 1);
		break;
	case ARM_OP_PAR: {
		unsigned kind = ARM_PAR_KIND(d->imm), opc = ARM_PAR_OPC(d->imm);
		FUZZ_CHECK(kind != 0 && kind != 4 && kind <= 7);
		FUZZ_CHECK(opc != 5 && opc != 6);
		break;
	}
	case ARM_OP_DMUL:
		FUZZ_CHECK(d->imm <= ARM_DMUL_MSW);
		break;
	case ARM_OP_CPS:
		FUZZ_CHECK(d->shift == 0 || d->shift == 2 || d->shift == 3);
		break;
	case ARM_OP_MSR_IMM:
	case ARM_OP_MSR_REG:
		FUZZ_CHECK(d->shift < 16);
		break;
	case ARM_OP_B:
	case ARM_OP_BL:
		FUZZ_CHECK(d->imm % (thumb ? 2 : 4) == 0);
		break;
	case ARM_OP_BLX_IMM:
		FUZZ_CHECK(d->imm % 2 == 0);
		break;
	default:
		break;
	}
}

static void check_a32(uint32_t w)
{
	struct arm_insn d, again;

	arm_decode_a32(w, &d);
	check_record(&d, false);
	FUZZ_CHECK(d.raw == w);
	arm_decode_a32(w, &again);
	FUZZ_CHECK(!memcmp(&d, &again, sizeof(d)));
}

static void check_t32(uint32_t w)
{
	struct arm_insn d, again, it;
	bool wide = arm_t32_wide(w >> 16);

	arm_decode_t32(w, &d);
	check_record(&d, true);
	FUZZ_CHECK(!!(d.flags & ARM_F_WIDE) == wide);
	FUZZ_CHECK(d.raw == (wide ? w : (w & 0xffff0000u)));
	arm_decode_t32(w, &again);
	FUZZ_CHECK(!memcmp(&d, &again, sizeof(d)));

	it = d;
	arm_t32_in_it(&it);
	check_record(&it, true);
	FUZZ_CHECK((it.flags | ARM_F_S) == (d.flags | ARM_F_S));
	FUZZ_CHECK(it.imm == d.imm && it.raw == d.raw && it.cond == d.cond &&
		   it.shift == d.shift && it.rd == d.rd && it.rn == d.rn && it.rm == d.rm &&
		   it.rs == d.rs);
	if (it.op != d.op)
		FUZZ_CHECK(d.op >= ARM_OP_DP && it.op == d.op - 1);
}

static void check_vfp_word(uint32_t w, bool thumb)
{
	struct arm_insn d;

	memset(&d, 0, sizeof(d));
	d.raw = w;
	arm_decode_vfp(w & 0x0fffffffu, thumb ? ARM_COND_AL : (w >> 28) % 15, thumb, &d);
	check_record(&d, thumb);
	FUZZ_CHECK(d.raw == w);
	if (thumb)
		FUZZ_CHECK(d.flags & ARM_F_WIDE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < size; i += 4) {
		uint32_t w = 0;

		memcpy(&w, data + i, size - i < 4 ? size - i : 4);
		check_a32(w);
		check_t32(w);
		check_vfp_word(w, false);
		check_vfp_word(w, true);
	}
	return 0;
}
