/*
 * VFPv3 conformance suite: every exec strategy must pass it. Built once per
 * mmu x exec pair; drives that pair's hosted engine build through the
 * in-process engine API (framework/engine_api.h). The floating-point state is
 * set through the boot block (D registers, FPSCR, FPEXC, CPACR), one or a few
 * instructions run at 0x60001000 (vectors `b .` at 0x60000000), and the
 * published state is checked.
 *
 * Directed cases cover each rounding mode, flush-to-zero, default NaN, NaN
 * propagation, every cumulative flag, conversions at their boundaries, the
 * CPACR/FPEXC access rules and restartable VLDM/VSTM; a randomized
 * comparison against the host's IEEE arithmetic (SSE under fesetround)
 * covers the bulk of add/sub/mul/div/sqrt/mla in both precisions
 * (CAPTIVE_VFP_CASES cases, default 3000). The encodings were assembled with arm-none-eabi-as; comments give the source.
 */
#include <check.h>
#include <fenv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_api.h"
#include "support/check_main.h"

#define RAM_BASE 0x60000000u
#define RAM_SIZE (4u << 20)
#define CODE 0x60001000u
#define DATA 0x60002000u
#define B_SELF 0xeafffffeu

#define MODE_USR 0x10u
#define MODE_SVC 0x13u
#define MODE_ABT 0x17u
#define MODE_UND 0x1bu

#define CPACR_FULL 0x00f00000u
#define EN 0x40000000u

/* FPSCR */
#define RN (0u << 22)
#define RP (1u << 22)
#define RM (2u << 22)
#define RZ (3u << 22)
#define FZ (1u << 24)
#define DN (1u << 25)
#define AHP (1u << 26)
#define IOC 0x01u
#define DZC 0x02u
#define OFC 0x04u
#define UFC 0x08u
#define IXC 0x10u
#define IDC 0x80u

/* Encodings. */
#define VADD_F32 0xee300a81u	/* vadd.f32 s0, s1, s2 */
#define VSUB_F32 0xee300ac1u	/* vsub.f32 s0, s1, s2 */
#define VMUL_F32 0xee200a81u	/* vmul.f32 s0, s1, s2 */
#define VDIV_F32 0xee800a81u	/* vdiv.f32 s0, s1, s2 */
#define VSQRT_F32 0xeeb10ae0u	/* vsqrt.f32 s0, s1 */
#define VADD_F64 0xee310b02u	/* vadd.f64 d0, d1, d2 */
#define VSUB_F64 0xee310b42u	/* vsub.f64 d0, d1, d2 */
#define VMUL_F64 0xee210b02u	/* vmul.f64 d0, d1, d2 */
#define VDIV_F64 0xee810b02u	/* vdiv.f64 d0, d1, d2 */
#define VSQRT_F64 0xeeb10bc1u	/* vsqrt.f64 d0, d1 */
#define VMLA_F32 0xee000a81u	/* vmla.f32 s0, s1, s2 */
#define VMLS_F32 0xee000ac1u	/* vmls.f32 s0, s1, s2 */
#define VNMLA_F32 0xee100ac1u	/* vnmla.f32 s0, s1, s2 */
#define VNMLS_F32 0xee100a81u	/* vnmls.f32 s0, s1, s2 */
#define VNMUL_F32 0xee200ac1u	/* vnmul.f32 s0, s1, s2 */
#define VMLA_F64 0xee010b02u	/* vmla.f64 d0, d1, d2 */
#define VABS_F64 0xeeb00bc1u	/* vabs.f64 d0, d1 */
#define VNEG_F32 0xeeb10a60u	/* vneg.f32 s0, s1 */
#define VMOV_F32 0xeeb00a60u	/* vmov.f32 s0, s1 */
#define VMOV_IMM_F64 0xeef70b08u /* vmov.f64 d16, #1.5 */
#define VMOV_IMM_F32 0xeebc0a00u /* vmov.f32 s0, #-0.125 */
#define VCMP_F32 0xeef40a41u	/* vcmp.f32 s1, s2 */
#define VCMPE_F32 0xeef40ac1u	/* vcmpe.f32 s1, s2 */
#define VCMPE_F64 0xeeb41bc2u	/* vcmpe.f64 d1, d2 */
#define VCMP_F32_Z 0xeef50a40u	/* vcmp.f32 s1, #0.0 */
#define VCVT_F64_F32 0xeeb70ac1u /* vcvt.f64.f32 d0, s2 */
#define VCVT_F32_F64 0xeeb70bc1u /* vcvt.f32.f64 s0, d1 */
#define VCVT_S32_F32 0xeebd0ae0u /* vcvt.s32.f32 s0, s1 */
#define VCVTR_S32_F32 0xeebd0a60u /* vcvtr.s32.f32 s0, s1 */
#define VCVT_U32_F64 0xeebc0bc1u /* vcvt.u32.f64 s0, d1 */
#define VCVTR_U32_F64 0xeebc0b41u /* vcvtr.u32.f64 s0, d1 */
#define VCVT_F32_S32 0xeeb80ae0u /* vcvt.f32.s32 s0, s1 */
#define VCVT_F64_U32 0xeeb80b41u /* vcvt.f64.u32 d0, s2 */
#define VCVT_S32_F32_16 0xeebe0ac8u /* vcvt.s32.f32 s0, s0, #16 */
#define VCVT_F32_U16_8 0xeebb0a44u /* vcvt.f32.u16 s0, s0, #8 */
#define VCVT_S16_F64_4 0xeebe0b46u /* vcvt.s16.f64 d0, d0, #4 */
#define VCVTB_F32_F16 0xeeb20a60u /* vcvtb.f32.f16 s0, s1 */
#define VCVTT_F16_F32 0xeeb30ae0u /* vcvtt.f16.f32 s0, s1 */

static char engine_path[512];
static struct engine_inst *ei;
static struct captive_shared *sh;
static uint8_t *ram;

static void setup(void)
{
	ck_assert_int_eq(engine_api_open(&ei, engine_path, RAM_BASE, RAM_SIZE, -1), 0);
	sh = engine_api_shared(ei);
	ram = engine_api_ram(ei);
}

static void teardown(void)
{
	engine_api_close(ei);
}

static void put(uint32_t pa, uint32_t v)
{
	memcpy(ram + (pa - RAM_BASE), &v, 4);
}

static uint32_t get(uint32_t pa)
{
	uint32_t v;
	memcpy(&v, ram + (pa - RAM_BASE), 4);
	return v;
}

/* Vectors `b .` (at RAM_BASE for the tests that set VBAR; the undefined-
 * instruction exception otherwise goes to 0x4), the program at CODE then
 * `b .`, SVC mode with interrupts
 * masked, VFP enabled (CPACR full access, FPEXC.EN) with FPSCR = fpscr. */
static void load(const uint32_t *prog, size_t n, uint32_t fpscr)
{
	memset(ram, 0, 0x3000);
	for (unsigned v = 0; v < 8; v++)
		put(RAM_BASE + 4 * v, B_SELF);
	memcpy(ram + (CODE - RAM_BASE), prog, 4 * n);
	put(CODE + 4 * (uint32_t)n, B_SELF);
	memset(&sh->boot, 0, sizeof(sh->boot));
	sh->boot.r[15] = CODE;
	sh->boot.cpsr = 0x1d3;
	sh->boot.cpacr = CPACR_FULL;
	sh->boot.fpexc = EN;
	sh->boot.fpscr = fpscr;
	sh->irq_line = 0;
	sh->stop_request = 0;
	sh->config.irq_strategy = CAPTIVE_IRQ_PER_BLOCK;
}

#define LOAD(prog, fpscr) load((prog), sizeof(prog) / 4, (fpscr))

static int run(uint64_t n)
{
	return engine_api_run(ei, n);
}

static uint32_t mode(void)
{
	return sh->state.cpsr & 0x1fu;
}

static uint32_t sreg(unsigned n)
{
	return (uint32_t)(sh->state.d[n / 2] >> (32 * (n % 2)));
}

static void set_sreg(unsigned n, uint32_t v)
{
	uint64_t *d = &sh->boot.d[n / 2];
	unsigned s = 32 * (n % 2);
	*d = (*d & ~(0xffffffffull << s)) | ((uint64_t)v << s);
}

/* One single-precision instruction: s0 = acc, s1 = a, s2 = b. Returns s0. */
static uint32_t op32(uint32_t insn, uint32_t acc, uint32_t a, uint32_t b, uint32_t fpscr,
		     uint32_t *fpscr_out)
{
	uint32_t prog[1] = { insn };
	LOAD(prog, fpscr);
	set_sreg(0, acc);
	set_sreg(1, a);
	set_sreg(2, b);
	ck_assert_int_eq(run(1), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->state.r[15], CODE + 4);
	*fpscr_out = sh->state.fpscr;
	return sreg(0);
}

/* One double-precision instruction: d0 = acc, d1 = a, d2 = b. Returns d0. */
static uint64_t op64(uint32_t insn, uint64_t acc, uint64_t a, uint64_t b, uint32_t fpscr,
		     uint32_t *fpscr_out)
{
	uint32_t prog[1] = { insn };
	LOAD(prog, fpscr);
	sh->boot.d[0] = acc;
	sh->boot.d[1] = a;
	sh->boot.d[2] = b;
	ck_assert_int_eq(run(1), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->state.r[15], CODE + 4);
	*fpscr_out = sh->state.fpscr;
	return sh->state.d[0];
}

struct case32 {
	uint32_t insn, acc, a, b, fpscr, want, want_fpscr;
};

static const struct case32 cases32[] = {
	/* plain arithmetic */
	{ VADD_F32, 0, 0x3f800000, 0x40000000, RN, 0x40400000, RN },
	{ VMLA_F32, 0x3f800000, 0x40000000, 0x40400000, RN, 0x40e00000, RN },
	{ VMLS_F32, 0x3f800000, 0x40000000, 0x40400000, RN, 0xc0a00000, RN },
	{ VNMLA_F32, 0x3f800000, 0x40000000, 0x40400000, RN, 0xc0e00000, RN },
	{ VNMLS_F32, 0x3f800000, 0x40000000, 0x40400000, RN, 0x40a00000, RN },
	{ VNMUL_F32, 0, 0x40000000, 0x40400000, RN, 0xc0c00000, RN },
	{ VNEG_F32, 0, 0x7f800001, 0, RN, 0xff800001, RN }, /* no NaN processing */
	{ VMOV_F32, 0, 0x00000001, 0, FZ, 0x00000001, FZ }, /* no flushing */
	{ VMOV_IMM_F32, 0, 0, 0, RN, 0xbe000000, RN },
	/* the four rounding modes on 1/3 and -1/3 */
	{ VDIV_F32, 0, 0x3f800000, 0x40400000, RN, 0x3eaaaaab, RN | IXC },
	{ VDIV_F32, 0, 0x3f800000, 0x40400000, RZ, 0x3eaaaaaa, RZ | IXC },
	{ VDIV_F32, 0, 0x3f800000, 0x40400000, RP, 0x3eaaaaab, RP | IXC },
	{ VDIV_F32, 0, 0x3f800000, 0x40400000, RM, 0x3eaaaaaa, RM | IXC },
	{ VDIV_F32, 0, 0xbf800000, 0x40400000, RP, 0xbeaaaaaa, RP | IXC },
	{ VDIV_F32, 0, 0xbf800000, 0x40400000, RM, 0xbeaaaaab, RM | IXC },
	/* ties to even */
	{ VADD_F32, 0, 0x4b800000, 0x3f800000, RN, 0x4b800000, RN | IXC },
	{ VADD_F32, 0, 0x4b800001, 0x3f800000, RN, 0x4b800002, RN | IXC },
	/* exact zero: +0, but -0 when rounding towards minus infinity */
	{ VSUB_F32, 0, 0x3f800000, 0x3f800000, RN, 0x00000000, RN },
	{ VSUB_F32, 0, 0x3f800000, 0x3f800000, RM, 0x80000000, RM },
	{ VADD_F32, 0, 0x80000000, 0x80000000, RN, 0x80000000, RN },
	/* invalid operations give the default NaN */
	{ VDIV_F32, 0, 0, 0, RN, 0x7fc00000, RN | IOC },
	{ VSUB_F32, 0, 0x7f800000, 0x7f800000, RN, 0x7fc00000, RN | IOC },
	{ VMUL_F32, 0, 0x7f800000, 0x80000000, RN, 0x7fc00000, RN | IOC },
	{ VSQRT_F32, 0, 0xbf800000, 0, RN, 0x7fc00000, RN | IOC },
	{ VSQRT_F32, 0, 0x80000000, 0, RN, 0x80000000, RN },
	{ VSQRT_F32, 0, 0x40000000, 0, RN, 0x3fb504f3, RN | IXC },
	{ VSQRT_F32, 0, 0x40800000, 0, RN, 0x40000000, RN },
	/* division by zero */
	{ VDIV_F32, 0, 0xbf800000, 0, RN, 0xff800000, RN | DZC },
	{ VDIV_F32, 0, 0x7f800000, 0, RN, 0x7f800000, RN },
	/* overflow by rounding mode */
	{ VMUL_F32, 0, 0x7f7fffff, 0x40000000, RN, 0x7f800000, RN | OFC | IXC },
	{ VMUL_F32, 0, 0x7f7fffff, 0x40000000, RZ, 0x7f7fffff, RZ | OFC | IXC },
	{ VMUL_F32, 0, 0x7f7fffff, 0x40000000, RM, 0x7f7fffff, RM | OFC | IXC },
	{ VMUL_F32, 0, 0xff7fffff, 0x40000000, RP, 0xff7fffff, RP | OFC | IXC },
	{ VMUL_F32, 0, 0xff7fffff, 0x40000000, RM, 0xff800000, RM | OFC | IXC },
	/* underflow: tininess before rounding; the result rounds up to the
	 * smallest normal and UFC is still set */
	{ VMUL_F32, 0, 0x3f7fffff, 0x00800000, RN, 0x00800000, RN | UFC | IXC },
	{ VMUL_F32, 0, 0x3f7fffff, 0x00800000, RZ, 0x007fffff, RZ | UFC | IXC },
	/* an exact denormal result is no underflow */
	{ VMUL_F32, 0, 0x3f000000, 0x00800000, RN, 0x00400000, RN },
	/* flush-to-zero: outputs (UFC, no IXC), inputs (IDC) */
	{ VMUL_F32, 0, 0x3f7fffff, 0x00800000, FZ, 0x00000000, FZ | UFC },
	{ VMUL_F32, 0, 0xbf000000, 0x00800000, FZ, 0x80000000, FZ | UFC },
	{ VADD_F32, 0, 0x00000001, 0x00000000, RN, 0x00000001, RN },
	{ VADD_F32, 0, 0x00000001, 0x00000000, FZ, 0x00000000, FZ | IDC },
	{ VADD_F32, 0, 0x80000001, 0x80000000, FZ, 0x80000000, FZ | IDC },
	{ VADD_F32, 0, 0x00000001, 0x3f800000, FZ, 0x3f800000, FZ | IDC },
	{ VCMP_F32, 0, 0x00000001, 0x00000000, FZ, 0, 0x60000000 | FZ | IDC },
	/* NaN propagation: signalling first, then operand order; quieting */
	{ VADD_F32, 0, 0x7f800001, 0x7fc00002, RN, 0x7fc00001, RN | IOC },
	{ VADD_F32, 0, 0x7fc00002, 0xff800003, RN, 0xffc00003, RN | IOC },
	{ VADD_F32, 0, 0x7fc00005, 0x7fc00006, RN, 0x7fc00005, RN },
	{ VMUL_F32, 0, 0x3f800000, 0xffc00006, RN, 0xffc00006, RN },
	{ VADD_F32, 0, 0x7fc00005, 0x7fc00006, DN, 0x7fc00000, DN },
	{ VADD_F32, 0, 0x3f800000, 0x7f800003, DN, 0x7fc00000, DN | IOC },
	/* VMLA: the addend's NaN wins over the product's */
	{ VMLA_F32, 0x7fc00001, 0x7fc00002, 0x3f800000, RN, 0x7fc00001, RN },
	{ VMLA_F32, 0x7fc00001, 0x7f800002, 0x3f800000, RN, 0x7fc00001, RN | IOC },
	{ VNMLA_F32, 0x7fc00001, 0x3f800000, 0x3f800000, RN, 0xffc00001, RN },
	{ VNMUL_F32, 0, 0, 0x7f800000, DN, 0xffc00000, DN | IOC },
	/* compares */
	{ VCMP_F32, 0, 0x3f800000, 0x40000000, RN, 0, 0x80000000 },
	{ VCMP_F32, 0, 0x40000000, 0x40000000, RN, 0, 0x60000000 },
	{ VCMP_F32, 0, 0x80000000, 0x00000000, RN, 0, 0x60000000 },
	{ VCMP_F32, 0, 0x40000000, 0x3f800000, RN, 0, 0x20000000 },
	{ VCMP_F32, 0, 0xff800000, 0xbf800000, RN, 0, 0x80000000 },
	{ VCMP_F32, 0, 0x7fc00000, 0x3f800000, RN, 0, 0x30000000 },
	{ VCMPE_F32, 0, 0x7fc00000, 0x3f800000, RN, 0, 0x30000000 | IOC },
	{ VCMP_F32, 0, 0x7f800001, 0x3f800000, RN, 0, 0x30000000 | IOC },
	{ VCMP_F32_Z, 0, 0xbf800000, 0x3f800000, RN, 0, 0x80000000 },
	/* float -> integer */
	{ VCVT_S32_F32, 0, 0x40200000, 0, RN, 2, RN | IXC },
	{ VCVTR_S32_F32, 0, 0x40200000, 0, RN, 2, RN | IXC },
	{ VCVTR_S32_F32, 0, 0x40600000, 0, RN, 4, RN | IXC },
	{ VCVTR_S32_F32, 0, 0xc0200000, 0, RN, (uint32_t)-2, RN | IXC },
	{ VCVTR_S32_F32, 0, 0xc0200000, 0, RM, (uint32_t)-3, RM | IXC },
	{ VCVTR_S32_F32, 0, 0x40200000, 0, RP, 3, RP | IXC },
	{ VCVT_S32_F32, 0, 0x4f32d05e, 0, RN, 0x7fffffff, RN | IOC },
	{ VCVT_S32_F32, 0, 0x4f000000, 0, RN, 0x7fffffff, RN | IOC },
	{ VCVT_S32_F32, 0, 0xcf000000, 0, RN, 0x80000000, RN },
	{ VCVT_S32_F32, 0, 0xff800000, 0, RN, 0x80000000, RN | IOC },
	{ VCVT_S32_F32, 0, 0x7fc00000, 0, RN, 0, RN | IOC },
	{ VCVT_S32_F32, 0, 0x00000001, 0, RN, 0, RN | IXC },
	{ VCVT_S32_F32, 0, 0x00000001, 0, FZ, 0, FZ | IDC },
	{ VCVT_S32_F32, 0, 0x80000000, 0, RN, 0, RN },
	/* integer -> float */
	{ VCVT_F32_S32, 0, 0x01000001, 0, RN, 0x4b800000, RN | IXC },
	{ VCVT_F32_S32, 0, 0x01000001, 0, RP, 0x4b800001, RP | IXC },
	{ VCVT_F32_S32, 0, 0x80000000, 0, RN, 0xcf000000, RN },
	{ VCVT_F32_S32, 0, 0, 0, RM, 0, RM },
	/* half precision, IEEE and alternative */
	{ VCVTB_F32_F16, 0, 0x12343c00, 0, RN, 0x3f800000, RN },
	{ VCVTB_F32_F16, 0, 0x00007c00, 0, RN, 0x7f800000, RN },
	{ VCVTB_F32_F16, 0, 0x00007c00, 0, AHP, 0x47800000, AHP },
	{ VCVTB_F32_F16, 0, 0x00007d01, 0, RN, 0x7fe02000, RN | IOC },
	{ VCVTB_F32_F16, 0, 0x00000001, 0, FZ, 0x33800000, FZ },
	{ VCVTT_F16_F32, 0x12345678, 0x3f800000, 0, RN, 0x3c005678, RN },
	{ VCVTT_F16_F32, 0x12345678, 0x47800000, 0, RN, 0x7c005678, RN | OFC | IXC },
	{ VCVTT_F16_F32, 0x12345678, 0x47800000, 0, AHP, 0x7c005678, AHP },
	{ VCVTT_F16_F32, 0x12345678, 0x48000000, 0, AHP, 0x7fff5678, AHP | IOC },
	{ VCVTT_F16_F32, 0x12345678, 0x7fc00000, 0, AHP, 0x00005678, AHP | IOC },
	{ VCVTT_F16_F32, 0x12345678, 0x33000000, 0, RN, 0x00005678, RN | UFC | IXC },
};

START_TEST(single_precision_directed)
{
	const struct case32 *c = &cases32[_i];
	uint32_t fpscr, r = op32(c->insn, c->acc, c->a, c->b, c->fpscr, &fpscr);

	/* Compares leave s0 alone: check the flags only. */
	if ((c->insn & 0x0fbe0f50) != 0x0eb40a40)
		ck_assert_msg(r == c->want, "case %d: %08x: got %08x want %08x", _i, c->insn, r, c->want);
	ck_assert_msg(fpscr == c->want_fpscr, "case %d: %08x: fpscr %08x want %08x", _i, c->insn,
		      fpscr, c->want_fpscr);
}
END_TEST

struct case64 {
	uint32_t insn;
	uint64_t acc, a, b;
	uint32_t fpscr;
	uint64_t want;
	uint32_t want_fpscr;
};

static const struct case64 cases64[] = {
	{ VDIV_F64, 0, 0x3ff0000000000000, 0x4008000000000000, RN, 0x3fd5555555555555, RN | IXC },
	{ VDIV_F64, 0, 0x3ff0000000000000, 0x4008000000000000, RP, 0x3fd5555555555556, RP | IXC },
	{ VSQRT_F64, 0, 0x4000000000000000, 0, RN, 0x3ff6a09e667f3bcd, RN | IXC },
	{ VSQRT_F64, 0, 0x0000000000000001, 0, RN, 0x1e60000000000000, RN },
	{ VMUL_F64, 0, 0x7fefffffffffffff, 0x7fefffffffffffff, RZ, 0x7fefffffffffffff, RZ | OFC | IXC },
	{ VMUL_F64, 0, 0x0010000000000000, 0x3fefffffffffffff, FZ, 0, FZ | UFC },
	{ VMUL_F64, 0, 0x0010000000000000, 0x3fe0000000000000, RN, 0x0008000000000000, RN },
	{ VSUB_F64, 0, 0x3ff0000000000001, 0x3ff0000000000000, RN, 0x3cb0000000000000, RN },
	{ VADD_F64, 0, 0x7ff0000000000001, 0x7ff8000000000002, RN, 0x7ff8000000000001, RN | IOC },
	{ VMLA_F64, 0x3ff0000000000000, 0x3ff8000000000000, 0x4000000000000000, RN,
	  0x4010000000000000, RN },
	{ VABS_F64, 0, 0xfff0000000000001, 0, RN, 0x7ff0000000000001, RN },
	{ VCMPE_F64, 0, 0x3ff0000000000000, 0x3ff0000000000000, RN, 0, 0x60000000 },
	/* conversions between the precisions */
	/* vcvt.f64.f32 d0, s2: s2 is the low word of d1 */
	{ VCVT_F64_F32, 0, 0x7f800001, 0, RN, 0x7ff8000020000000, RN | IOC },
	{ VCVT_F64_F32, 0, 0x00000001, 0, RN, 0x36a0000000000000, RN },
	{ VCVT_F64_F32, 0, 0x00000001, 0, FZ, 0, FZ | IDC },
	/* fixed point, in place in d0 */
	{ VCVT_S16_F64_4, 0xbff0000000000000, 0, 0, RN, 0xfffffffffffffff0, RN },
	{ VCVT_S16_F64_4, 0x40c0000000000000, 0, 0, RN, 0x0000000000007fff, RN | IOC },
};

START_TEST(double_precision_directed)
{
	const struct case64 *c = &cases64[_i];
	uint32_t fpscr;
	uint64_t r = op64(c->insn, c->acc, c->a, c->b, c->fpscr, &fpscr);

	if ((c->insn & 0x0fbe0f50) != 0x0eb40b40)
		ck_assert_msg(r == c->want, "case %d: %08x: got %016llx want %016llx", _i, c->insn,
			      (unsigned long long)r, (unsigned long long)c->want);
	ck_assert_msg(fpscr == c->want_fpscr, "case %d: %08x: fpscr %08x want %08x", _i, c->insn,
		      fpscr, c->want_fpscr);
}
END_TEST

/* Conversions whose operand and result sit in other registers than s0/d0. */
START_TEST(conversions_between_sizes)
{
	uint32_t fpscr;
	uint32_t prog[1];

	/* vcvt.f32.f64 s0, d1: overflow and a double NaN's payload */
	ck_assert_uint_eq(op64(VCVT_F32_F64, 0, 0x7e37e43c8800759c, 0, RN, &fpscr) & 0xffffffff,
			  0x7f800000);
	ck_assert_uint_eq(fpscr, RN | OFC | IXC);
	ck_assert_uint_eq(op64(VCVT_F32_F64, 0, 0xfff4000020000000, 0, RN, &fpscr) & 0xffffffff,
			  0xffe00001);
	ck_assert_uint_eq(fpscr, RN | IOC);
	/* vcvt.u32.f64 s0, d1 just below 2^32; vcvtr at a tie */
	ck_assert_uint_eq(op64(VCVT_U32_F64, 0, 0x41efffffffff0000, 0, RN, &fpscr) & 0xffffffff,
			  0xffffffff);
	ck_assert_uint_eq(fpscr, RN | IXC);
	ck_assert_uint_eq(op64(VCVTR_U32_F64, 0, 0x4004000000000000, 0, RN, &fpscr) & 0xffffffff, 2);
	ck_assert_uint_eq(op64(VCVT_U32_F64, 0, 0xbff0000000000000, 0, RN, &fpscr) & 0xffffffff, 0);
	ck_assert_uint_eq(fpscr, RN | IOC);
	ck_assert_uint_eq(op64(VCVT_U32_F64, 0, 0xbfe0000000000000, 0, RN, &fpscr) & 0xffffffff, 0);
	ck_assert_uint_eq(fpscr, RN | IXC);
	/* vcvt.f64.u32 d0, s2 (the low word of d1) */
	ck_assert_uint_eq(op64(VCVT_F64_U32, 0, 0xffffffff, 0, RN, &fpscr), 0x41efffffffe00000);
	ck_assert_uint_eq(fpscr, RN);
	/* fixed point in s0: vcvt.s32.f32 s0, s0, #16; vcvt.f32.u16 s0, s0, #8 */
	ck_assert_uint_eq(op32(VCVT_S32_F32_16, 0x3fc00000, 0, 0, RN, &fpscr), 0x00018000);
	ck_assert_uint_eq(op32(VCVT_S32_F32_16, 0x47000000, 0, 0, RN, &fpscr), 0x7fffffff);
	ck_assert_uint_eq(fpscr, RN | IOC);
	ck_assert_uint_eq(op32(VCVT_F32_U16_8, 0xffff0180, 0, 0, RZ, &fpscr), 0x3fc00000);
	/* vmov.f64 d16, #1.5 */
	prog[0] = VMOV_IMM_F64;
	LOAD(prog, RN);
	ck_assert_int_eq(run(1), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->state.d[16], 0x3ff8000000000000);
}
END_TEST

/* ---- randomized comparison with the host's IEEE arithmetic ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Operands with interesting exponents: near 1, huge, tiny, denormal, zero,
 * infinity; never NaN (the host's NaN rules are not ARM's). */
static uint32_t rnd_f32(void)
{
	uint32_t r = (uint32_t)rnd(), sign = r & 0x80000000u, frac = (uint32_t)rnd() & 0x7fffffu;
	static const uint32_t exps[] = { 127, 126, 128, 150, 100, 1, 2, 0, 254, 253, 200, 50, 255 };
	uint32_t e = exps[(r >> 8) % 13];
	if ((r & 0xff) < 96)
		e = (r >> 16) & 0xff;
	if (e == 255)
		frac = 0;
	if ((r & 0x300) == 0x300)
		frac &= 0x7ff000u; /* short mantissas: exact results and ties */
	return sign | (e << 23) | frac;
}

static uint64_t rnd_f64(void)
{
	uint64_t r = rnd(), sign = r & (1ull << 63), frac = rnd() & 0xfffffffffffffull;
	static const uint64_t exps[] = { 1023, 1022, 1024, 1075, 900, 1, 2, 0, 2046, 2045, 1500, 100, 2047 };
	uint64_t e = exps[(r >> 8) % 13];
	if ((r & 0xff) < 96)
		e = (r >> 16) & 0x7ff;
	if (e == 2047)
		frac = 0;
	if ((r & 0x300) == 0x300)
		frac &= 0xfffffff000000ull;
	return sign | (e << 52) | frac;
}

static uint32_t host_flags(void)
{
	uint32_t f = 0;
	if (fetestexcept(FE_INVALID))
		f |= IOC;
	if (fetestexcept(FE_DIVBYZERO))
		f |= DZC;
	if (fetestexcept(FE_OVERFLOW))
		f |= OFC;
	if (fetestexcept(FE_INEXACT))
		f |= IXC;
	return f;
}

static const int host_modes[4] = { FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };

static float f32_of(uint32_t v)
{
	float f;
	memcpy(&f, &v, 4);
	return f;
}

static uint32_t bits_of_f32(float f)
{
	uint32_t v;
	memcpy(&v, &f, 4);
	return v;
}

static double f64_of(uint64_t v)
{
	double f;
	memcpy(&f, &v, 8);
	return f;
}

static uint64_t bits_of_f64(double f)
{
	uint64_t v;
	memcpy(&v, &f, 8);
	return v;
}

/* The host's answer for op (0 add, 1 sub, 2 mul, 3 div, 4 sqrt, 5 mla); the
 * flags of an MLA are those of both roundings. */
static uint32_t host32(unsigned op, uint32_t acc, uint32_t a, uint32_t b, unsigned mode,
		       uint32_t *flags)
{
	volatile float x = f32_of(a), y = f32_of(b), z = f32_of(acc), r;

	fesetround(host_modes[mode]);
	feclearexcept(FE_ALL_EXCEPT);
	switch (op) {
	case 0: r = x + y; break;
	case 1: r = x - y; break;
	case 2: r = x * y; break;
	case 3: r = x / y; break;
	case 4: r = sqrtf(x); break;
	default: r = x * y; r = z + r; break;
	}
	*flags = host_flags();
	fesetround(FE_TONEAREST);
	uint32_t v = bits_of_f32(r);
	return isnan(r) ? 0x7fc00000u : v;
}

static uint64_t host64(unsigned op, uint64_t acc, uint64_t a, uint64_t b, unsigned mode,
		       uint32_t *flags)
{
	volatile double x = f64_of(a), y = f64_of(b), z = f64_of(acc), r;

	fesetround(host_modes[mode]);
	feclearexcept(FE_ALL_EXCEPT);
	switch (op) {
	case 0: r = x + y; break;
	case 1: r = x - y; break;
	case 2: r = x * y; break;
	case 3: r = x / y; break;
	case 4: r = sqrt(x); break;
	default: r = x * y; r = z + r; break;
	}
	*flags = host_flags();
	fesetround(FE_TONEAREST);
	uint64_t v = bits_of_f64(r);
	return isnan(r) ? 0x7ff8000000000000ull : v;
}

static const uint32_t rand_insn32[6] = { VADD_F32, VSUB_F32, VMUL_F32, VDIV_F32, VSQRT_F32, VMLA_F32 };
static const uint32_t rand_insn64[6] = { VADD_F64, VSUB_F64, VMUL_F64, VDIV_F64, VSQRT_F64, VMLA_F64 };

/* Results must be bit-identical and IOC/DZC/OFC/IXC equal; UFC is not
 * compared (x86 detects tininess after rounding, ARM before). */
START_TEST(random_against_host_ieee)
{
	const char *env = getenv("CAPTIVE_VFP_CASES");
	unsigned n = env ? (unsigned)strtoul(env, NULL, 0) : 3000, bad = 0;

	for (unsigned k = 0; k < n && bad < 5; k++) {
		unsigned op = (unsigned)(rnd() % 6), mode = (unsigned)(rnd() % 4);
		/* IXC already set half of the time: that is the engine's fast path */
		uint32_t fpscr = (mode << 22) | ((k & 2) ? IXC : 0), hf, ef;
		bool dp = k & 1;
		if (!dp) {
			uint32_t a = rnd_f32(), b = rnd_f32(), acc = rnd_f32();
			/* vsqrt.f32 s0, s1 and the others all read s1 (and s2) */
			uint32_t want = host32(op, acc, a, b, mode, &hf);
			uint32_t got = op32(rand_insn32[op], acc, a, b, fpscr, &ef);
			if (got != want || (ef & ~UFC) != (fpscr | hf)) {
				fprintf(stderr, "f32 op %u mode %u: %08x %08x acc %08x: got %08x/%08x want %08x/%08x\n",
					op, mode, a, b, acc, got, ef, want, fpscr | hf);
				bad++;
			}
		} else {
			uint64_t a = rnd_f64(), b = rnd_f64(), acc = rnd_f64();
			uint64_t want = host64(op, acc, a, b, mode, &hf);
			uint64_t got = op64(rand_insn64[op], acc, a, b, fpscr, &ef);
			if (got != want || (ef & ~UFC) != (fpscr | hf)) {
				fprintf(stderr, "f64 op %u mode %u: %016llx %016llx acc %016llx: got %016llx/%08x want %016llx/%08x\n",
					op, mode, (unsigned long long)a, (unsigned long long)b,
					(unsigned long long)acc, (unsigned long long)got, ef,
					(unsigned long long)want, fpscr | hf);
				bad++;
			}
		}
	}
	ck_assert_uint_eq(bad, 0);
}
END_TEST

/* ---- access control ---- */

static const uint32_t prog_vadd[] = {
	VADD_F32,
};

START_TEST(undefined_while_cpacr_denies)
{
	LOAD(prog_vadd, 0);
	sh->boot.cpacr = 0;
	ck_assert_int_eq(run(1), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(mode(), MODE_UND);
	ck_assert_uint_eq(sh->state.r[15], 0x4); /* VBAR = 0 */
}
END_TEST

START_TEST(undefined_while_fpexc_disabled)
{
	LOAD(prog_vadd, 0);
	sh->boot.fpexc = 0;
	ck_assert_int_eq(run(1), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(mode(), MODE_UND);
	ck_assert_uint_eq(sh->stats.undef_insns, 1);
}
END_TEST

/* A VFP instruction whose condition fails never checks: the next one, in
 * the same straight line of code, must (a JIT checking once per block). */
static const uint32_t prog_skipped_check[] = {
	0xe1500000, /* cmp r0, r0 */
	0x1e300a81, /* vaddne.f32 s0, s1, s2: condition fails */
	VADD_F32,   /* UNDEFINED: FPEXC.EN clear */
	B_SELF,
};

START_TEST(undefined_after_a_skipped_vfp_instruction)
{
	LOAD(prog_skipped_check, 0);
	sh->boot.fpexc = 0;
	set_sreg(1, 0x3f800000);
	run(4);
	ck_assert_uint_eq(sh->stats.undef_insns, 1);
	ck_assert_uint_eq(sreg(0), 0);
}
END_TEST

/* CPACR cp10/cp11 = 01: privileged access only. */
START_TEST(user_mode_needs_cpacr_full_access)
{
	LOAD(prog_vadd, 0);
	sh->boot.cpacr = 0x00500000;
	sh->boot.cpsr = MODE_USR;
	ck_assert_int_eq(run(1), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(mode(), MODE_UND);
	LOAD(prog_vadd, 0);
	sh->boot.cpacr = 0x00500000;
	set_sreg(1, 0x3f800000);
	ck_assert_int_eq(run(1), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(mode(), MODE_SVC);
	ck_assert_uint_eq(sreg(0), 0x3f800000);
}
END_TEST

/* With FPEXC.EN clear privileged code still reaches FPEXC, FPSID and the
 * MVFRs (that is how an OS enables VFP lazily); FPSCR is UNDEFINED. */
static const uint32_t prog_enable[] = {
	0xeef80a10, /* vmrs r0, fpexc */
	0xeef01a10, /* vmrs r1, fpsid */
	0xeef72a10, /* vmrs r2, mvfr0 */
	0xeef63a10, /* vmrs r3, mvfr1 */
	0xee114f50, /* mrc p15, 0, r4, c1, c0, 2 (CPACR) */
	0xe3a05101, /* mov r5, #0x40000000 */
	0xeee85a10, /* vmsr fpexc, r5 */
	0xeef86a10, /* vmrs r6, fpexc */
	0xe3e07000, /* mvn r7, #0 */
	0xeee17a10, /* vmsr fpscr, r7 */
	0xeef18a10, /* vmrs r8, fpscr */
	0xeee80a10, /* vmsr fpexc, r0 (disable again) */
	0xeef19a10, /* vmrs r9, fpscr: UNDEFINED */
};

START_TEST(fpexc_enable_sequence_and_id_registers)
{
	LOAD(prog_enable, 0);
	sh->boot.fpexc = 0;
	ck_assert_int_eq(run(13), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->state.r[0], 0);
	ck_assert_uint_eq(sh->state.r[1], 0x41033090);
	ck_assert_uint_eq(sh->state.r[2], 0x11110222);
	ck_assert_uint_eq(sh->state.r[3], 0x01000011);
	ck_assert_uint_eq(sh->state.r[4], 0x80f00000); /* ASEDIS reads as one */
	ck_assert_uint_eq(sh->state.r[6], 0x40000000);
	ck_assert_uint_eq(sh->state.r[8], 0xf7f7009f); /* QC, trap enables RAZ */
	ck_assert_uint_eq(mode(), MODE_UND);
	ck_assert_uint_eq(sh->state.fpexc, 0);
	ck_assert_uint_eq(sh->state.r[15], 0x4); /* VBAR = 0 */
}
END_TEST

static const uint32_t prog_user_sysreg[] = {
	0xeef80a10, /* vmrs r0, fpexc */
};

START_TEST(user_mode_cannot_reach_fpexc)
{
	LOAD(prog_user_sysreg, 0);
	sh->boot.cpsr = MODE_USR;
	ck_assert_int_eq(run(1), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(mode(), MODE_UND);
}
END_TEST

/* Advanced SIMD, VFPv4 and later forms, and unallocated system registers. */
static const uint32_t undefined_encodings[] = {
	0xf2210802, /* vadd.i32 d0, d1, d2 */
	0xee800b10, /* vdup.32 d0, r0 */
	0xee400b30, /* vmov.8 d0[1], r0 */
	0xee900b70, /* vmov.u16 r0, d0[1] */
	0xeea00a81, /* vfma.f32 s0, s1, s2 */
	0xeeb20b60, /* vcvtb.f64.f16 d0, s1 */
	0xeef90a10, /* vmrs r0, fpinst */
	0xeee70a10, /* vmsr mvfr0, r0 */
	0xf420078f, /* vld1.32 {d0}, [r0] */
	0xec900a00, /* vldmia r0, {} (no registers) */
	0xec900b22, /* vldmia r0, {d0-d16}: more than 16 */
};

START_TEST(undefined_encodings_are_undefined)
{
	uint32_t prog[1] = { undefined_encodings[_i] };

	LOAD(prog, 0);
	ck_assert_int_eq(run(1), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_msg(mode() == MODE_UND, "%08x is not UNDEFINED", prog[0]);
}
END_TEST

/* ---- transfers ---- */

static const uint32_t prog_moves[] = {
	0xe59f0024, /* 0  ldr r0, [pc, #36] (=0x11111111) */
	0xe59f1024, /* 4  ldr r1, [pc, #36] (=0x22222222) */
	0xee010a90, /* 8  vmov s3, r0 */
	0xee112a90, /* c  vmov r2, s3 */
	0xee210b90, /* 10 vmov.32 d17[1], r0 */
	0xee313b90, /* 14 vmov.32 r3, d17[1] */
	0xec410a12, /* 18 vmov s4, s5, r0, r1 */
	0xec554a12, /* 1c vmov r4, r5, s4, s5 */
	0xec410b32, /* 20 vmov d18, r0, r1 */
	0xec576b32, /* 24 vmov r6, r7, d18 */
	0xeafffffe, /* 28 b . */
	0x11111111, /* 2c */
	0x22222222, /* 30 */
};

START_TEST(core_transfers)
{
	LOAD(prog_moves, 0);
	sh->boot.d[17] = 0x5555555566666666ull;
	ck_assert_int_eq(run(10), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sreg(3), 0x11111111);
	ck_assert_uint_eq(sh->state.r[2], 0x11111111);
	ck_assert_uint_eq(sh->state.d[17], 0x1111111166666666ull);
	ck_assert_uint_eq(sh->state.r[3], 0x11111111);
	ck_assert_uint_eq(sreg(4), 0x11111111);
	ck_assert_uint_eq(sreg(5), 0x22222222);
	ck_assert_uint_eq(sh->state.r[4], 0x11111111);
	ck_assert_uint_eq(sh->state.r[5], 0x22222222);
	ck_assert_uint_eq(sh->state.d[18], 0x2222222211111111ull);
	ck_assert_uint_eq(sh->state.r[6], 0x11111111);
	ck_assert_uint_eq(sh->state.r[7], 0x22222222);
}
END_TEST

START_TEST(loads_stores_push_pop)
{
	static const uint32_t prog[] = {
		0xe59f8018, /* 0  ldr r8, [pc, #24] (=DATA at 0x20) */
		0xed881b02, /* 4  vstr d1, [r8, #8] */
		0xed986a00, /* 8  vldr s12, [r8] */
		0xed2d8b04, /* c  vpush {d8-d9} */
		0xecbd2b04, /* 10 vpop {d2-d3} */
		0xec980b02, /* 14 vldmia r8, {d0} */
		0xeef1fa10, /* 18 vmrs APSR_nzcv, fpscr */
		0xeafffffe, /* 1c b . */
		DATA,	    /* 20 */
	};
	load(prog, sizeof(prog) / 4, 0x60000000);
	sh->boot.d[1] = 0x0123456789abcdefull;
	sh->boot.d[8] = 0xaaaaaaaabbbbbbbbull;
	sh->boot.d[9] = 0xccccccccddddddddull;
	sh->boot.r[13] = DATA + 0x100;
	put(DATA, 0x5a5a5a5a);
	put(DATA + 4, 0x6b6b6b6b);
	ck_assert_int_eq(run(7), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(get(DATA + 8), 0x89abcdef);
	ck_assert_uint_eq(get(DATA + 12), 0x01234567);
	ck_assert_uint_eq(sreg(12), 0x5a5a5a5a);
	ck_assert_uint_eq(sh->state.d[2], 0xaaaaaaaabbbbbbbbull);
	ck_assert_uint_eq(sh->state.d[3], 0xccccccccddddddddull);
	ck_assert_uint_eq(get(DATA + 0x100 - 16), 0xbbbbbbbb);
	ck_assert_uint_eq(sh->state.r[13], DATA + 0x100);
	ck_assert_uint_eq(sh->state.d[0], 0x6b6b6b6b5a5a5a5aull);
	ck_assert_uint_eq(sh->state.cpsr >> 28, 0x6); /* Z C from FPSCR */
}
END_TEST

/* VLDM/VSTM crossing from a mapped section into an unmapped one: the data
 * abort leaves every register and the memory untouched. */
static const uint32_t prog_restart[] = {
	0xe3000000, /* movw r0, #0 */
	0xe3460000, /* movt r0, #0x6000 */
	0xee0c0f10, /* mcr p15, 0, r0, c12, c0, 0 (VBAR) */
	0xe3040000, /* movw r0, #0x4000 */
	0xe3460000, /* movt r0, #0x6000 */
	0xee020f10, /* mcr p15, 0, r0, c2, c0, 0 (TTBR0) */
	0xe3e00000, /* mvn r0, #0 */
	0xee030f10, /* mcr p15, 0, r0, c3, c0, 0 (DACR) */
	0xee110f10, /* mrc p15, 0, r0, c1, c0, 0 */
	0xe3800001, /* orr r0, r0, #1 */
	0xee010f10, /* mcr p15, 0, r0, c1, c0, 0 (MMU on) */
	0xe30f0ff0, /* movw r0, #0xfff0 */
	0xe346000f, /* movt r0, #0x600f */
	0xecb00b08, /* vldmia r0!, {d0-d3} */
	0xec800b08, /* vstmia r0, {d0-d3} */
};

static void map_first_section(void)
{
	put(0x60004000 + 4 * 0x600, 0x60000c02); /* section, AP = 11, domain 0 */
}

START_TEST(vldm_fault_is_restartable)
{
	LOAD(prog_restart, 0);
	map_first_section();
	for (unsigned k = 0; k < 4; k++)
		sh->boot.d[k] = 0x1111111111111111ull * (k + 1);
	ck_assert_int_eq(run(14), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(mode(), MODE_ABT);
	ck_assert_uint_eq(sh->state.dfar, 0x60100000);
	ck_assert_uint_eq(sh->state.dfsr & 0x40f, 0x5); /* section translation fault */
	ck_assert_uint_eq(sh->state.r[0], 0x600ffff0);
	for (unsigned k = 0; k < 4; k++)
		ck_assert_uint_eq(sh->state.d[k], 0x1111111111111111ull * (k + 1));
	ck_assert_uint_eq(sh->state.banked_lr[4], CODE + 13 * 4 + 8);
}
END_TEST

START_TEST(vstm_fault_is_restartable)
{
	LOAD(prog_restart, 0);
	map_first_section();
	put(CODE + 13 * 4, 0xe1a00000); /* the vldmia becomes a nop */
	for (unsigned k = 0; k < 4; k++)
		sh->boot.d[k] = 0x1111111111111111ull * (k + 1);
	ck_assert_int_eq(run(15), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(mode(), MODE_ABT);
	ck_assert_uint_eq(sh->state.dfar, 0x60100000);
	ck_assert_uint_eq(sh->state.dfsr & 0x800, 0x800); /* WnR */
	for (uint32_t a = 0x600ffff0; a < 0x60100000; a += 4)
		ck_assert_uint_eq(get(a), 0);
}
END_TEST

/* ---- short vectors (FPSCR.Len) ---- */

START_TEST(short_vectors)
{
	static const uint32_t prog_vec[] = { 0xee384a0c }; /* vadd.f32 s8, s16, s24 */
	static const uint32_t prog_mixed[] = { 0xee384a00 }; /* vadd.f32 s8, s16, s0 */
	static const uint32_t prog_scalar[] = { 0xee380a0c }; /* vadd.f32 s0, s16, s24 */
	const uint32_t len2 = 1u << 16;

	LOAD(prog_vec, len2);
	set_sreg(16, 0x3f800000);
	set_sreg(17, 0x40000000);
	set_sreg(24, 0x40400000);
	set_sreg(25, 0x40800000);
	ck_assert_int_eq(run(1), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sreg(8), 0x40800000);	 /* 1 + 3 */
	ck_assert_uint_eq(sreg(9), 0x40c00000);	 /* 2 + 4 */
	ck_assert_uint_eq(sreg(10), 0);

	LOAD(prog_mixed, len2 | (3u << 20)); /* stride 2 */
	set_sreg(16, 0x3f800000);
	set_sreg(18, 0x40000000);
	set_sreg(0, 0x3f800000);
	ck_assert_int_eq(run(1), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sreg(8), 0x40000000);
	ck_assert_uint_eq(sreg(9), 0);
	ck_assert_uint_eq(sreg(10), 0x40400000);

	LOAD(prog_scalar, len2);
	set_sreg(16, 0x3f800000);
	set_sreg(24, 0x3f800000);
	ck_assert_int_eq(run(1), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sreg(0), 0x40000000);
	ck_assert_uint_eq(sreg(1), 0);
}
END_TEST

static Suite *vfp_suite(void)
{
	Suite *s = suite_create("engine-vfp");
	TCase *tc = tcase_create("vfp");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, single_precision_directed, 0, (int)(sizeof(cases32) / sizeof(cases32[0])));
	tcase_add_loop_test(tc, double_precision_directed, 0, (int)(sizeof(cases64) / sizeof(cases64[0])));
	tcase_add_test(tc, conversions_between_sizes);
	tcase_add_test(tc, random_against_host_ieee);
	tcase_add_test(tc, undefined_while_cpacr_denies);
	tcase_add_test(tc, undefined_while_fpexc_disabled);
	tcase_add_test(tc, undefined_after_a_skipped_vfp_instruction);
	tcase_add_test(tc, user_mode_needs_cpacr_full_access);
	tcase_add_test(tc, fpexc_enable_sequence_and_id_registers);
	tcase_add_test(tc, user_mode_cannot_reach_fpexc);
	tcase_add_loop_test(tc, undefined_encodings_are_undefined, 0,
			    (int)(sizeof(undefined_encodings) / sizeof(undefined_encodings[0])));
	tcase_add_test(tc, core_transfers);
	tcase_add_test(tc, loads_stores_push_pop);
	tcase_add_test(tc, vldm_fault_is_restartable);
	tcase_add_test(tc, vstm_fault_is_restartable);
	tcase_add_test(tc, short_vectors);
	suite_add_tcase(s, tc);
	return s;
}

/* build/tests/test_engine_vfp-<mmu>-<exec> tests build/engine/process/<mmu>-<exec>.so */
int main(int argc, char **argv)
{
	if (check_engine_path(argc > 0 ? argv[0] : NULL, "test_engine_vfp", engine_path,
			      sizeof(engine_path)))
		return EXIT_FAILURE;
	return check_run_suite(vfp_suite());
}
