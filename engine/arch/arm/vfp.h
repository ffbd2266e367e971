/*
 * VFPv3-D32 as a Cortex-A9 with NEON off has it (the reference QEMU's
 * `-cpu cortex-a9,neon=off`): the extension register file, FPSCR/FPEXC and
 * the identification registers, and the floating-point arithmetic exactly as
 * the ARM ARM's pseudocode defines it (FPUnpack, FPProcessNaNs, FPRound and
 * the operations built on them): every rounding mode of FPSCR.RMode,
 * flush-to-zero of inputs and outputs (FPSCR.FZ, with the IDC/UFC rules),
 * default NaN (FPSCR.DN), NaN propagation, the cumulative exception flags.
 * There are no trapped exceptions on the A9 (the trap enables are RAZ/WI).
 *
 * The arithmetic is integer soft-float: exact intermediate results (with a
 * sticky bit) rounded once by one FPRound, so nothing depends on the host
 * FPU's tininess rule (x86 detects tininess after rounding, ARM before) or
 * NaN rules. Normal operands with a normal result well above the underflow
 * threshold take SSE instead (the host MXCSR is saved and restored around
 * it), where IEEE and ARM agree exactly. No libgcc soft-float is involved.
 *
 * Register file: 32 64-bit D registers; S0..S31 alias D0..D15 (S2n is the
 * low word of Dn), and a Q view (Qn = D2n+1:D2n) can be added on the same
 * array when NEON follows.
 */
#ifndef ARM_VFP_H
#define ARM_VFP_H

#include "captive/types.h"

struct arm_vfp {
	uint64_t d[32];
	uint32_t fpscr;	/* all of it, NZCV included */
	uint32_t fpexc;
};

/* Identification registers (what QEMU's cortex-a9,neon=off reports: VFPv3
 * with 32 D registers, short vectors, FP16 conversions; no Advanced SIMD). */
#define VFP_FPSID 0x41033090u
#define VFP_MVFR0 0x11110222u
#define VFP_MVFR1 0x01000011u

/* FPSCR fields. */
#define FPSCR_NZCV 0xf0000000u
#define FPSCR_AHP (1u << 26)
#define FPSCR_DN (1u << 25)
#define FPSCR_FZ (1u << 24)
#define FPSCR_RMODE_SHIFT 22
#define FPSCR_STRIDE 0x00300000u
#define FPSCR_LEN 0x00070000u
#define FPSCR_IDC (1u << 7)
#define FPSCR_IXC (1u << 4)
#define FPSCR_UFC (1u << 3)
#define FPSCR_OFC (1u << 2)
#define FPSCR_DZC (1u << 1)
#define FPSCR_IOC (1u << 0)
/* Writable bits: QC (Advanced SIMD only) and the trap enables read as zero. */
#define FPSCR_WRITABLE 0xf7f7009fu

enum vfp_rmode { VFP_RN = 0, VFP_RP = 1, VFP_RM = 2, VFP_RZ = 3 };

#define FPEXC_EN (1u << 30)
/* Writable bits: EN only (no trapped exceptions, so EX and the rest are RAZ). */
#define FPEXC_WRITABLE FPEXC_EN

/* CPACR bits of the VFP: cp10/cp11 access, D32DIS (stored, as QEMU does) and
 * ASEDIS, which reads as one because Advanced SIMD is absent. */
#define CPACR_WRITABLE 0x40f00000u
#define CPACR_ASEDIS (1u << 31)

/*
 * Floating-point operations (the `op` of vfp_fop). Operands and results are
 * raw encodings in the low bits of a uint64_t: singles in bits 31:0, halves in
 * bits 15:0. VFP_OP_DP (or-ed in) selects double precision for the ops that
 * have both forms.
 */
enum vfp_fop {
	VFP_ADD,	/* a + b */
	VFP_SUB,	/* a - b */
	VFP_MUL,	/* a * b */
	VFP_NMUL,	/* -(a * b) */
	VFP_DIV,	/* a / b */
	VFP_MLA,	/* c + a * b (rounded twice: VFPv3 has no fused form) */
	VFP_MLS,	/* c - a * b */
	VFP_NMLA,	/* -c - a * b */
	VFP_NMLS,	/* -c + a * b */
	VFP_SQRT,	/* sqrt(a) */
	VFP_ABS,	/* |a| (no flags, no flushing) */
	VFP_NEG,	/* -a */
	VFP_CMP,	/* FPSCR.NZCV = compare(a, b); IOC on signalling NaNs */
	VFP_CMPE,	/* likewise, IOC on any NaN */
	VFP_CVT_FD,	/* the other precision: f32 -> f64 (or f64 -> f32 with DP) */
	VFP_TO_SINT,	/* float -> int32 with FPSCR rounding (VCVTR) */
	VFP_TO_UINT,
	VFP_TO_SINT_Z,	/* float -> int32 rounding towards zero (VCVT) */
	VFP_TO_UINT_Z,
	VFP_FROM_SINT,	/* int32 -> float with FPSCR rounding */
	VFP_FROM_UINT,
	/* Fixed point: b = fraction bits, c = size (16 or 32); to-fixed rounds
	 * towards zero and returns the value sign/zero-extended to 64 bits,
	 * from-fixed rounds to nearest. */
	VFP_TO_SFIX,
	VFP_TO_UFIX,
	VFP_FROM_SFIX,
	VFP_FROM_UFIX,
	VFP_H_TO_S,	/* half (bits 15:0 of a) -> single; never DP */
	VFP_S_TO_H,	/* single -> half in bits 15:0 */
	VFP_FOP_COUNT,
};
#define VFP_OP_DP 0x80u

/*
 * Perform one floating-point operation under the current FPSCR (rounding
 * mode, FZ, DN, AHP) and accumulate its exception flags into FPSCR; VFP_CMP
 * and VFP_CMPE also write FPSCR.NZCV and return them in bits 31:28. Total:
 * every input has a defined result. This is the helper a JIT calls.
 */
uint64_t vfp_fop(struct arm_vfp *v, unsigned op, uint64_t a, uint64_t b, uint64_t c);

/* The two moves, for vfp_short_vector only (register, immediate). */
#define VFP_MOV VFP_FOP_COUNT
#define VFP_MOV_IMM (VFP_FOP_COUNT + 1)

/*
 * A vectorizable data-processing op (VFP_ADD..VFP_NEG, VFP_MOV, VFP_MOV_IMM,
 * with VFP_OP_DP for doubles) under an FPSCR whose Len/Stride describe a
 * short vector: iterates over the elements in order (registers wrap within
 * their bank of 8 singles or 4 doubles; a destination in bank 0 makes the
 * operation scalar; a last operand m in bank 0 is a scalar used for every
 * element). Stride 0b11 steps by 2, any other value by 1 (as Linux's VFP
 * support code reads it). d, n, m are S or D register numbers; imm is
 * VFP_MOV_IMM's value (the high word for doubles).
 */
void vfp_short_vector(struct arm_vfp *v, unsigned op, unsigned d, unsigned n, unsigned m,
		      uint32_t imm);

/* VMRS/VMSR register numbers (the encoding's reg field). */
enum vfp_sysreg {
	VFP_SYS_FPSID = 0,
	VFP_SYS_FPSCR = 1,
	VFP_SYS_MVFR1 = 6,
	VFP_SYS_MVFR0 = 7,
	VFP_SYS_FPEXC = 8,
};

/* What an ARM_OP_VFP_XFER record moves (its shift; decode.h has the fields). */
enum vfp_xfer {
	VFP_X_TO_S,		/* VMOV Sn, Rt */
	VFP_X_FROM_S,		/* VMOV Rt, Sn */
	VFP_X_TO_DHALF,		/* VMOV.32 Dd[x], Rt */
	VFP_X_FROM_DHALF,	/* VMOV.32 Rt, Dn[x] */
	VFP_X_TO_SS,		/* VMOV Sm, Sm1, Rt, Rt2 */
	VFP_X_FROM_SS,		/* VMOV Rt, Rt2, Sm, Sm1 */
	VFP_X_TO_D,		/* VMOV Dm, Rt, Rt2 */
	VFP_X_FROM_D,		/* VMOV Rt, Rt2, Dm */
	VFP_X_VMSR,
	VFP_X_VMRS,
};

/* ARM_OP_VFP_LDST kinds (its shift). */
#define VFP_LS_LOAD 1u	/* else a store */
#define VFP_LS_MULTI 2u	/* VLDM/VSTM, else VLDR/VSTR */

static inline uint32_t vfp_s_read(const struct arm_vfp *v, unsigned n)
{
	return (uint32_t)(v->d[n >> 1] >> (32 * (n & 1)));
}

static inline void vfp_s_write(struct arm_vfp *v, unsigned n, uint32_t val)
{
	unsigned sh = 32 * (n & 1);
	v->d[n >> 1] = (v->d[n >> 1] & ~(0xffffffffull << sh)) | ((uint64_t)val << sh);
}

/* VFPExpandImm: the 8-bit immediate of VMOV (immediate) as a single, or as
 * the high word of a double (whose low word is zero). */
uint32_t vfp_expand_imm(unsigned imm8, bool dp);

#endif
