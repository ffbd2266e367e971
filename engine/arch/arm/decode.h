/*
 * The decoded-instruction record: A32 and T32 (decode_t32.c) decode to the same
 * struct arm_insn, which the semantics (sem.c.inc) consume. 16 bytes, so that
 * decode caches stay small; a zeroed record (ARM_OP_NONE) means "not decoded
 * yet", which caches rely on.
 *
 * Instruction classes (the decoder decides, statically):
 *   ARM_OP_UNDEF   UNDEFINED on a Cortex-A9: the guest's undefined-instruction
 *                  exception (counted in stats.undef_insns).
 *   ARM_OP_UNIMPL  valid on a Cortex-A9 but not implemented by this engine yet:
 *                  the engine stops (exit 3) naming the encoding. Every ARMv7-A
 *                  encoding of the A9 (NEON off) is implemented today, so no
 *                  decoder emits it; the class stays for strategies and
 *                  extensions that arrive incomplete.
 *   everything else executes; UNPREDICTABLE encodings execute with the one
 *   behaviour listed in the table at the top of decode_a32.c.
 *
 * Field use by op (unused fields are zero):
 *   DP (ARM_OP_DP + ...)  rd, rn, operand 2: imm (FORM_IMM; ARM_F_X set when
 *                  the rotation is non-zero, so a logical S op sets C from
 *                  imm bit 31), rm (FORM_REG), rm + shift (FORM_SHI), rm + rs +
 *                  shift type (FORM_SHR).
 *   MOVW/MOVT      rd, imm16 in imm.
 *   MUL/MLA/MLS    rd, rn, rm, rs = Ra (MLA/MLS). ARM_F_S.
 *   UMULL..SMLAL   rd = RdLo, rs = RdHi, rn, rm. ARM_F_S. UMAAL likewise.
 *   SMULxy etc.    rd, rn, rm, rs = Ra (RdLo for SMLALxy, rd = RdHi);
 *                  shift bit 0: top half of rn (x), bit 1: top half of rm (y).
 *   loads/stores   rd = Rt (rs = Rt2 for LDRD/STRD), rn; _I: imm = offset
 *                  magnitude; _R: rm + shift; ARM_F_P/U/W as encoded (post-
 *                  index has P clear and always writes back), ARM_F_USER for
 *                  the T variants.
 *   LDM/STM        rn, imm = register list, ARM_F_P (before) / U (increment) /
 *                  W, ARM_F_USER for the ^ forms.
 *   B/BL/BLX_IMM   imm = signed offset from the PC as read (insn + 8 / + 4).
 *   BX/BLX_REG     rm.
 *   IT             imm = firstcond:mask (the new ITSTATE).
 *   CBZ            rn, imm = offset from the PC as read; ARM_F_X: CBNZ.
 *   TBB            rn, rm; ARM_F_X: TBH.
 *   CLZ, REV, REV16, REVSH, RBIT: rd, rm.
 *   extends        rd, rn (15: no accumulate), rm, shift = rotation (0..24).
 *   UBFX/SBFX      rd, rn, shift = lsb, imm = width (1..32).
 *   BFI/BFC        rd, rn (BFI), shift = lsb, imm = msb.
 *   SSAT/USAT      rd, rn, shift (type/amount), imm = saturate bit position.
 *   SSAT16/USAT16  rd, rn, imm = saturate bit position.
 *   QADD...        rd, rn, rm.
 *   SEL            rd, rn, rm.  PKH: rd, rn, rm, shift (LSL or ASR).
 *   SWP            rd = Rt, rm = Rt2, rn; shift = size (1 or 4).
 *   LDREX, STREX   rd = Rt (STREX: rs = status register), rn, rm = Rt2 (D);
 *                  shift = size (1, 2, 4 or 8); imm = offset added to
 *                  rn (T32 LDREX/STREX word forms only).
 *   SVC            imm = imm24.  BKPT: imm = imm16.
 *   MRS            rd; ARM_F_X: SPSR.
 *   MSR_IMM/_REG   imm or rm; shift = byte mask (c x s f in bits 0..3);
 *                  ARM_F_X: SPSR.
 *   CPS            imm = A/I/F CPSR bits affected (bits 8:6) | new mode (bits
 *                  4:0, with ARM_F_X), shift = imod (2 enable, 3 disable,
 *                  0 none).
 *   MRC/MCR        rd = Rt; the coprocessor fields are read from raw.
 *   SRS            imm = mode; ARM_F_P/U/W.   RFE: rn; ARM_F_P/U/W.
 *   VFP_DP         CP10/CP11 data processing: shift = enum vfp_fop (or
 *                  VFP_MOV, VFP_MOV_IMM) | VFP_OP_DP for double precision
 *                  (arm/vfp.h); rd, rn, rm = S or D register numbers (0..31),
 *                  each in the precision that operand has (the integer of a
 *                  VCVT is a single); imm = VMOV's value (the high word for
 *                  a double) or the fraction bits of a fixed-point VCVT, rs
 *                  = its size (16, 32); ARM_F_X: VCMP with zero, or the top
 *                  half of VCVTB/VCVTT.
 *   VFP_LDST       VLDR/VSTR/VLDM/VSTM: rd = first S or D register, rn;
 *                  shift = VFP_LS_* kind; ARM_F_X = doubles; ARM_F_P/U/W as
 *                  encoded; VLDR/VSTR: imm = byte offset; VLDM/VSTM: imm =
 *                  the encoding's word count, rs = number of registers.
 *   VFP_XFER       core <-> VFP moves, VMRS/VMSR: shift = enum vfp_xfer;
 *                  rd = Rt, rs = Rt2, rm = S or D register; imm = the D
 *                  register half (VMOV.32) or the VMRS/VMSR register number.
 *   PAR            parallel add/subtract: rd, rn, rm; imm = ARM_PAR(kind, op).
 *   DMUL           imm = ARM_DMUL_*: DUAL (SMLAD/SMUAD/SMLSD/SMUSD) rd, rn,
 *                  rm, rs = Ra (15: none); LONG (SMLALD/SMLSLD) rd = RdLo,
 *                  rs = RdHi, rn, rm; both: shift bit 0 = M (swap the halves
 *                  of rm), ARM_F_X = subtract the top product. MSW
 *                  (SMMUL/SMMLA/SMMLS) rd, rn, rm, rs = Ra (15: none);
 *                  shift bit 0 = R (round), ARM_F_X = subtract from Ra.
 *   USAD8          rd, rn, rm, rs = Ra (15: USAD8, else USADA8).
 *   SETEND         imm = the new CPSR.E (1: big-endian data).
 */
#ifndef ARM_DECODE_H
#define ARM_DECODE_H

#include "captive/types.h"

#define ARM_COND_AL 14u

/* flags */
#define ARM_F_S 0x01u	  /* sets flags */
#define ARM_F_THUMB 0x02u /* decoded from T32 */
#define ARM_F_WIDE 0x04u  /* 32-bit T32 encoding (A32 records: 0, length 4) */
#define ARM_F_P 0x08u
#define ARM_F_U 0x10u
#define ARM_F_W 0x20u
#define ARM_F_USER 0x40u
#define ARM_F_X 0x80u /* op-specific, see above */

/* shift: type in bits 7:6, amount (0..32) in bits 5:0; ROR #0 means RRX. */
#define ARM_SHIFT_LSL 0u
#define ARM_SHIFT_LSR 1u
#define ARM_SHIFT_ASR 2u
#define ARM_SHIFT_ROR 3u
#define ARM_SHIFT(type, amount) ((uint8_t)(((type) << 6) | (amount)))
#define ARM_SHIFT_TYPE(s) ((unsigned)(s) >> 6)
#define ARM_SHIFT_AMOUNT(s) ((unsigned)(s) & 0x3fu)

/* Data-processing opcodes (bits 24:21 of A32). */
enum arm_dp_opc {
	ARM_DP_AND, ARM_DP_EOR, ARM_DP_SUB, ARM_DP_RSB,
	ARM_DP_ADD, ARM_DP_ADC, ARM_DP_SBC, ARM_DP_RSC,
	ARM_DP_TST, ARM_DP_TEQ, ARM_DP_CMP, ARM_DP_CMN,
	ARM_DP_ORR, ARM_DP_MOV, ARM_DP_BIC, ARM_DP_MVN,
	/* T32 has no RSC: in a T32 record its opcode is ORN (Rn OR NOT op2). */
	ARM_DP_ORN = ARM_DP_RSC,
};

/* Forms of the second operand of data processing. */
enum arm_dp_form {
	ARM_FORM_IMM = 0, /* modified immediate */
	ARM_FORM_REG = 1, /* register, LSL #0 */
	ARM_FORM_SHI = 2, /* register shifted by an immediate (incl. RRX) */
	ARM_FORM_SHR = 3, /* register shifted by a register */
};

enum arm_op {
	ARM_OP_NONE = 0,
	ARM_OP_UNDEF,
	ARM_OP_UNIMPL,
	ARM_OP_NOP,
	ARM_OP_SYNC,	/* a no-op that ends the block (ISB) */
	ARM_OP_WFI,
	ARM_OP_MOVW,
	ARM_OP_MOVT,
	ARM_OP_MUL,
	ARM_OP_MLA,
	ARM_OP_MLS,
	ARM_OP_UMULL,
	ARM_OP_UMLAL,
	ARM_OP_SMULL,
	ARM_OP_SMLAL,
	ARM_OP_UMAAL,
	ARM_OP_SMULXY,
	ARM_OP_SMLAXY,
	ARM_OP_SMULWY,
	ARM_OP_SMLAWY,
	ARM_OP_SMLALXY,
	ARM_OP_LDR_I, ARM_OP_LDR_R,
	ARM_OP_STR_I, ARM_OP_STR_R,
	ARM_OP_LDRB_I, ARM_OP_LDRB_R,
	ARM_OP_STRB_I, ARM_OP_STRB_R,
	ARM_OP_LDRH_I, ARM_OP_LDRH_R,
	ARM_OP_STRH_I, ARM_OP_STRH_R,
	ARM_OP_LDRSB_I, ARM_OP_LDRSB_R,
	ARM_OP_LDRSH_I, ARM_OP_LDRSH_R,
	ARM_OP_LDRD_I, ARM_OP_LDRD_R,
	ARM_OP_STRD_I, ARM_OP_STRD_R,
	ARM_OP_LDM,
	ARM_OP_STM,
	ARM_OP_B,
	ARM_OP_BL,
	ARM_OP_BLX_IMM,
	ARM_OP_BX,
	ARM_OP_BLX_REG,
	ARM_OP_CLZ,
	ARM_OP_REV,
	ARM_OP_REV16,
	ARM_OP_REVSH,
	ARM_OP_RBIT,
	ARM_OP_SXTB,
	ARM_OP_SXTH,
	ARM_OP_SXTB16,
	ARM_OP_UXTB,
	ARM_OP_UXTH,
	ARM_OP_UXTB16,
	ARM_OP_UBFX,
	ARM_OP_SBFX,
	ARM_OP_BFI,
	ARM_OP_BFC,
	ARM_OP_SSAT,
	ARM_OP_USAT,
	ARM_OP_SSAT16,
	ARM_OP_USAT16,
	ARM_OP_QADD,
	ARM_OP_QSUB,
	ARM_OP_QDADD,
	ARM_OP_QDSUB,
	ARM_OP_SEL,
	ARM_OP_PKH,
	ARM_OP_SWP,
	ARM_OP_LDREX,
	ARM_OP_STREX,
	ARM_OP_CLREX,
	ARM_OP_SVC,
	ARM_OP_BKPT,
	ARM_OP_MRS,
	ARM_OP_MSR_IMM,
	ARM_OP_MSR_REG,
	ARM_OP_CPS,
	ARM_OP_MRC,
	ARM_OP_MCR,
	ARM_OP_SRS,
	ARM_OP_RFE,
	ARM_OP_VFP_DP,
	ARM_OP_VFP_LDST,
	ARM_OP_VFP_XFER,
	ARM_OP_PAR,
	ARM_OP_DMUL,
	ARM_OP_USAD8,
	ARM_OP_SETEND,
	ARM_OP_IT,
	ARM_OP_CBZ,
	ARM_OP_TBB,
	ARM_OP_DP,	/* ARM_OP_DP + ARM_DP_OP(opc, form, s): 128 ops */
	ARM_OP_COUNT = ARM_OP_DP + 128,
};

_Static_assert(ARM_OP_COUNT <= 256, "ops fit the record's uint8_t");

#define ARM_DP_OP(opc, form, s) (ARM_OP_DP + ((opc) << 3) + ((form) << 1) + (s))

/* Parallel add/subtract (ARM_OP_PAR): imm = kind << 3 | op. The values are
 * the A32 encoding's op1 (bits 22:20) and op2 (bits 7:5); bit 2 of the kind
 * is "unsigned". */
enum arm_par_kind {
	ARM_PAR_S = 1, ARM_PAR_Q = 2, ARM_PAR_SH = 3,	/* modular (sets GE), saturating, halving */
	ARM_PAR_U = 5, ARM_PAR_UQ = 6, ARM_PAR_UH = 7,
};
enum arm_par_op {
	ARM_PAR_ADD16 = 0, ARM_PAR_ASX = 1, ARM_PAR_SAX = 2, ARM_PAR_SUB16 = 3,
	ARM_PAR_ADD8 = 4, ARM_PAR_SUB8 = 7,
};
#define ARM_PAR(kind, op) (((kind) << 3) | (op))
#define ARM_PAR_KIND(imm) ((imm) >> 3)
#define ARM_PAR_OPC(imm) ((imm) & 7u)

/* Signed multiply families of ARM_OP_DMUL (imm). */
enum arm_dmul {
	ARM_DMUL_DUAL = 0,
	ARM_DMUL_LONG = 1,
	ARM_DMUL_MSW = 2,
};

struct arm_insn {
	uint32_t imm;
	uint32_t raw;	/* the encoding (T32: hw1 in bits 31:16, hw2 or 0 below) */
	uint8_t op;	/* enum arm_op */
	uint8_t cond;	/* 0..14 */
	uint8_t flags;	/* ARM_F_* */
	uint8_t shift;
	uint8_t rd, rn, rm, rs;
};

_Static_assert(sizeof(struct arm_insn) == 16, "decoded record stays 16 bytes");

/* Decode one A32 instruction; never fails (every encoding has a class). */
void arm_decode_a32(uint32_t raw, struct arm_insn *out);

/* Whether a T32 halfword (the low 16 bits of hw1) starts a 32-bit encoding. */
bool arm_t32_wide(uint32_t hw1);

/* Decode one T32 instruction, raw = hw1 << 16 | hw2 (hw2 is ignored when
 * hw1 is a 16-bit instruction); never fails. */
void arm_decode_t32(uint32_t raw, struct arm_insn *out);

/* Rewrite a T32 record for execution inside an IT block: the 16-bit
 * flag-setting forms set no flags there (setflags = !InITBlock()). */
void arm_t32_in_it(struct arm_insn *d);

/*
 * Decode a CP10/CP11 instruction from bits 27:0 of its A32 encoding (T32:
 * of hw1:hw2, whose top nibble 0xE stands where A32 has the condition).
 * out must be zeroed with raw set by the caller; this sets cond, the T32
 * flags when thumb, and the rest. Never fails.
 */
void arm_decode_vfp(uint32_t bits27_0, unsigned cond, bool thumb, struct arm_insn *out);

#endif
