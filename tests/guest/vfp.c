/*
 * VFPv3 (Thumb-2, -mfpu=vfpv3-d16 -mfloat-abi=hard): enabling it lazily from
 * the undefined-instruction trap, then exact results as bit patterns: the
 * arithmetic on special operands (zeros, denormals, infinities, quiet and
 * signalling NaNs, the largest and smallest normals) under each rounding
 * mode, flush-to-zero and default NaN, the cumulative exception flags,
 * comparisons into the APSR, conversions (integer, fixed point, the other
 * precision, half precision), VMOV immediate, VLDM/VSTM and VPUSH/VPOP.
 */
#include "rt.h"

#define PSR_T (1u << 5)
#define FPEXC_EN (1u << 30)
#define FPSCR_DN (1u << 25)
#define FPSCR_FZ (1u << 24)
#define FPSCR_AHP (1u << 26)
#define RMODE(m) ((uint32_t)(m) << 22)

static const char *const rmode_name[4] = { "rn", "rp", "rm", "rz" };

static void fpscr_set(uint32_t v)
{
	__asm__ volatile("vmsr fpscr, %0" : : "r"(v) : "memory");
}

static uint32_t fpscr_get(void)
{
	uint32_t v;

	__asm__ volatile("vmrs %0, fpscr" : "=r"(v) : : "memory");
	return v;
}

/* ---- lazy enable ------------------------------------------------------- */

static volatile uint32_t vfp_traps;

/* A coprocessor 10/11 instruction, the first halfword at addr (Thumb). */
static int is_vfp_insn(uint32_t addr)
{
	uint32_t hw1 = *(const uint16_t *)addr, hw2 = *(const uint16_t *)(addr + 2);

	return (hw1 & 0xec00u) == 0xec00u && ((hw2 >> 8) & 0xeu) == 0xau;
}

static void on_und(struct rt_frame *f)
{
	/* In Thumb state the UNDEF link register is the instruction + 2. */
	uint32_t at = f->pc + ((f->spsr & PSR_T) ? 2 : 0);
	uint32_t fpexc;

	__asm__ volatile("vmrs %0, fpexc" : "=r"(fpexc));
	if (!is_vfp_insn(at) || (fpexc & FPEXC_EN)) {
		rt_printf("  unexpected undefined instruction at %08x\n", (unsigned int)at);
		rt_poweroff();
	}
	vfp_traps++;
	__asm__ volatile("vmsr fpexc, %0" : : "r"(FPEXC_EN) : "memory");
	f->pc = at; /* run it again, enabled */
}

static __attribute__((noinline)) uint32_t first_vfp_use(uint32_t a, uint32_t b)
{
	uint32_t r;

	__asm__ volatile("vmov s0, %1\n\tvmov s1, %2\n\tvadd.f32 s2, s0, s1\n\tvmov %0, s2"
			 : "=r"(r)
			 : "r"(a), "r"(b)
			 : "s0", "s1", "s2", "memory");
	return r;
}

static __attribute__((noinline)) void test_lazy_enable(void)
{
	uint32_t cpacr, fpexc;

	rt_puts("lazy enable:\n");
	__asm__ volatile("mrc p15, 0, %0, c1, c0, 2" : "=r"(cpacr));
	cpacr |= 0xfu << 20; /* cp10, cp11: full access */
	__asm__ volatile("mcr p15, 0, %0, c1, c0, 2\n\tisb" : : "r"(cpacr) : "memory");
	__asm__ volatile("vmsr fpexc, %0" : : "r"(0) : "memory");
	rt_set_handler(RT_EXC_UND, on_und);
	rt_printf("  1.0 + 2.0 = %08x\n", (unsigned int)first_vfp_use(0x3f800000u, 0x40000000u));
	rt_printf("  3.0 + 4.0 = %08x\n", (unsigned int)first_vfp_use(0x40400000u, 0x40800000u));
	__asm__ volatile("vmrs %0, fpexc" : "=r"(fpexc));
	rt_printf("  traps %u, FPEXC.EN %u\n", (unsigned int)vfp_traps, (unsigned int)(fpexc >> 30) & 1);
}

/* ---- arithmetic -------------------------------------------------------- */

enum op { ADD, SUB, MUL, DIV, MLA, NMUL, SQRT, ABS, NEG, OPS };
static const char *const op_name[OPS] = { "add", "sub", "mul", "div", "mla", "nmul", "sqrt", "abs", "neg" };

#define S3(insn)                                                                           \
	__asm__ volatile("vmov s14, %1\n\tvmov s15, %2\n\tvmov s13, %1\n\t" insn "\n\tvmov %0, s13" \
			 : "=r"(r)                                                         \
			 : "r"(a), "r"(b)                                                  \
			 : "s13", "s14", "s15", "memory")

static uint32_t sop(enum op op, uint32_t a, uint32_t b)
{
	uint32_t r = 0;

	switch (op) {
	case ADD: S3("vadd.f32 s13, s14, s15"); break;
	case SUB: S3("vsub.f32 s13, s14, s15"); break;
	case MUL: S3("vmul.f32 s13, s14, s15"); break;
	case DIV: S3("vdiv.f32 s13, s14, s15"); break;
	case MLA: S3("vmla.f32 s13, s14, s15"); break;
	case NMUL: S3("vnmul.f32 s13, s14, s15"); break;
	case SQRT: S3("vsqrt.f32 s13, s14"); break;
	case ABS: S3("vabs.f32 s13, s14"); break;
	default: S3("vneg.f32 s13, s14"); break;
	}
	return r;
}

#define D3(insn)                                                                             \
	__asm__ volatile("vmov d6, %Q1, %R1\n\tvmov d7, %Q2, %R2\n\tvmov d5, %Q1, %R1\n\t" insn \
			 "\n\tvmov %Q0, %R0, d5"                                             \
			 : "=r"(r)                                                           \
			 : "r"(a), "r"(b)                                                    \
			 : "d5", "d6", "d7", "memory")

static uint64_t dop(enum op op, uint64_t a, uint64_t b)
{
	uint64_t r = 0;

	switch (op) {
	case ADD: D3("vadd.f64 d5, d6, d7"); break;
	case SUB: D3("vsub.f64 d5, d6, d7"); break;
	case MUL: D3("vmul.f64 d5, d6, d7"); break;
	case DIV: D3("vdiv.f64 d5, d6, d7"); break;
	case MLA: D3("vmla.f64 d5, d6, d7"); break;
	case NMUL: D3("vnmul.f64 d5, d6, d7"); break;
	case SQRT: D3("vsqrt.f64 d5, d6"); break;
	case ABS: D3("vabs.f64 d5, d6"); break;
	default: D3("vneg.f64 d5, d6"); break;
	}
	return r;
}

static const uint32_t spairs[][2] = {
	{ 0x3f800000u, 0x33800000u },	/* 1 + 2^-24: a tie */
	{ 0x3f800000u, 0x33800001u },	/* just above the tie */
	{ 0xbfc00000u, 0x40400000u },	/* -1.5, 3 */
	{ 0x7f7fffffu, 0x7f7fffffu },	/* max, max: overflow */
	{ 0x00800000u, 0x3f000000u },	/* min normal * 0.5: underflow */
	{ 0x00000001u, 0x807fffffu },	/* denormals */
	{ 0x7f800000u, 0xff800000u },	/* inf, -inf */
	{ 0x00000000u, 0x80000000u },	/* +0, -0 */
	{ 0x7fc00001u, 0x7f800001u },	/* qNaN, sNaN */
	{ 0x3eaaaaabu, 0x40400000u },	/* 1/3, 3 */
	{ 0xc0000000u, 0x00000000u },	/* -2, 0: divide by zero, sqrt of negative */
};

static const uint64_t dpairs[][2] = {
	{ 0x3ff0000000000000ull, 0x3ca0000000000000ull },
	{ 0x3ff0000000000000ull, 0x3ca0000000000001ull },
	{ 0xbff8000000000000ull, 0x4008000000000000ull },
	{ 0x7fefffffffffffffull, 0x7fefffffffffffffull },
	{ 0x0010000000000000ull, 0x3fe0000000000000ull },
	{ 0x0000000000000001ull, 0x800fffffffffffffull },
	{ 0x7ff0000000000000ull, 0xfff0000000000000ull },
	{ 0x0000000000000000ull, 0x8000000000000000ull },
	{ 0x7ff8000000000001ull, 0x7ff0000000000001ull },
	{ 0x3fd5555555555555ull, 0x4008000000000000ull },
	{ 0xc000000000000000ull, 0x0000000000000000ull },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Every op on every pair under mode bits `mode`; FPSCR's flags cleared
 * before each and printed after. */
static void arith(uint32_t mode, const char *name)
{
	for (unsigned op = 0; op < OPS; op++) {
		rt_printf("  %s f32 %s:", name, op_name[op]);
		for (unsigned k = 0; k < ARRAY_SIZE(spairs); k++) {
			fpscr_set(mode);
			uint32_t r = sop(op, spairs[k][0], spairs[k][1]);
			rt_printf(" %08x/%02x", (unsigned int)r, (unsigned int)(fpscr_get() & 0x9f));
		}
		rt_puts("\n");
	}
	for (unsigned op = 0; op < OPS; op++) {
		rt_printf("  %s f64 %s:", name, op_name[op]);
		for (unsigned k = 0; k < ARRAY_SIZE(dpairs); k++) {
			fpscr_set(mode);
			uint64_t r = dop(op, dpairs[k][0], dpairs[k][1]);
			rt_printf(" %016llx/%02x", (unsigned long long)r, (unsigned int)(fpscr_get() & 0x9f));
		}
		rt_puts("\n");
	}
}

static __attribute__((noinline)) void test_arith(void)
{
	rt_puts("arithmetic (result/flags IDC..IOC):\n");
	for (unsigned m = 0; m < 4; m++)
		arith(RMODE(m), rmode_name[m]);
	arith(FPSCR_FZ, "fz");
	arith(FPSCR_DN, "dn");
	arith(FPSCR_FZ | FPSCR_DN | RMODE(3), "fz+dn+rz");
}

/* ---- comparisons ------------------------------------------------------- */

static __attribute__((noinline)) void test_compare(void)
{
	rt_puts("compare (NZCV from vmrs APSR_nzcv, flags):\n");
	for (unsigned k = 0; k < ARRAY_SIZE(spairs); k++) {
		uint32_t a = spairs[k][0], b = spairs[k][1], apsr, apsr_e, fl, fl_e;

		fpscr_set(0);
		__asm__ volatile("vmov s14, %1\n\tvmov s15, %2\n\tvcmp.f32 s14, s15\n\t"
				 "vmrs APSR_nzcv, fpscr\n\tmrs %0, apsr"
				 : "=r"(apsr) : "r"(a), "r"(b) : "s14", "s15", "cc", "memory");
		fl = fpscr_get() & 0x9f;
		fpscr_set(0);
		__asm__ volatile("vmov s14, %1\n\tvmov s15, %2\n\tvcmpe.f32 s14, s15\n\t"
				 "vmrs APSR_nzcv, fpscr\n\tmrs %0, apsr"
				 : "=r"(apsr_e) : "r"(a), "r"(b) : "s14", "s15", "cc", "memory");
		fl_e = fpscr_get() & 0x9f;
		rt_printf("  %08x %08x: vcmp %x/%02x vcmpe %x/%02x\n", (unsigned int)a, (unsigned int)b,
			  (unsigned int)(apsr >> 28), (unsigned int)fl, (unsigned int)(apsr_e >> 28),
			  (unsigned int)fl_e);
	}
	{
		uint32_t apsr;
		fpscr_set(0);
		__asm__ volatile("vmov s14, %1\n\tvcmp.f32 s14, #0\n\tvmrs APSR_nzcv, fpscr\n\tmrs %0, apsr"
				 : "=r"(apsr) : "r"(0x80000000u) : "s14", "cc", "memory");
		rt_printf("  -0 vs #0: %x\n", (unsigned int)(apsr >> 28));
	}
}

/* ---- conversions ------------------------------------------------------- */

#define CVT(insn, in, out)                                                                   \
	__asm__ volatile("vmov s14, %1\n\t" insn "\n\tvmov %0, s13" : "=r"(out) : "r"(in)      \
			 : "s13", "s14", "memory")

static const uint32_t cvt_in[] = {
	0x3fc00000u, 0x40200000u, 0xbfc00000u, 0xc0200000u, /* 1.5 2.5 -1.5 -2.5 */
	0x4f000000u, 0xcf000001u, 0x4f800000u, 0x7fc00000u, /* 2^31, below -2^31, 2^32, NaN */
	0x3effffffu, 0x00000001u, 0xff800000u, 0x477fe000u, /* < 0.5, denormal, -inf, 65504 */
};

static __attribute__((noinline)) void test_convert(void)
{
	rt_puts("conversions (result/flags):\n");
	for (unsigned m = 0; m < 4; m++) {
		rt_printf("  %s:\n", rmode_name[m]);
		for (unsigned k = 0; k < ARRAY_SIZE(cvt_in); k++) {
			uint32_t in = cvt_in[k], r[7], fl[7];
			unsigned j = 0;
			fpscr_set(RMODE(m));
			CVT("vcvt.s32.f32 s13, s14", in, r[j]);
			fl[j++] = fpscr_get() & 0x9f;
			fpscr_set(RMODE(m));
			CVT("vcvtr.s32.f32 s13, s14", in, r[j]);
			fl[j++] = fpscr_get() & 0x9f;
			fpscr_set(RMODE(m));
			CVT("vcvtr.u32.f32 s13, s14", in, r[j]);
			fl[j++] = fpscr_get() & 0x9f;
			fpscr_set(RMODE(m));
			CVT("vcvt.f32.s32 s13, s14", in, r[j]);
			fl[j++] = fpscr_get() & 0x9f;
			fpscr_set(RMODE(m));
			CVT("vcvt.f32.u32 s13, s14", in, r[j]);
			fl[j++] = fpscr_get() & 0x9f;
			fpscr_set(RMODE(m));
			CVT("vmov s13, s14\n\tvcvt.s32.f32 s13, s13, #8", in, r[j]);
			fl[j++] = fpscr_get() & 0x9f;
			fpscr_set(RMODE(m) | (m & 1 ? FPSCR_AHP : 0));
			CVT("vcvtb.f16.f32 s13, s14", in, r[j]);
			fl[j++] = fpscr_get() & 0x9f;
			rt_printf("   %08x:", (unsigned int)in);
			for (unsigned q = 0; q < j; q++)
				rt_printf(" %08x/%02x", (unsigned int)r[q], (unsigned int)fl[q]);
			rt_puts("\n");
		}
		for (unsigned k = 0; k < ARRAY_SIZE(dpairs); k++) {
			uint64_t in = dpairs[k][0];
			uint32_t r;
			fpscr_set(RMODE(m));
			__asm__ volatile("vmov d6, %Q1, %R1\n\tvcvt.f32.f64 s13, d6\n\tvmov %0, s13"
					 : "=r"(r) : "r"(in) : "s13", "d6", "memory");
			rt_printf("   f64 %016llx -> f32 %08x/%02x\n", (unsigned long long)in,
				  (unsigned int)r, (unsigned int)(fpscr_get() & 0x9f));
		}
	}
	/* From fixed point and the other way round the precisions, in RN. */
	fpscr_set(0);
	for (unsigned k = 0; k < ARRAY_SIZE(cvt_in); k++) {
		uint32_t in = cvt_in[k], fx, h;
		uint64_t d;
		CVT("vmov s13, s14\n\tvcvt.f32.s32 s13, s13, #12", in, fx);
		__asm__ volatile("vmov s14, %1\n\tvcvt.f64.f32 d6, s14\n\tvmov %Q0, %R0, d6"
				 : "=r"(d) : "r"(in) : "s14", "d6", "memory");
		CVT("vcvtt.f32.f16 s13, s14", in, h);
		rt_printf("  %08x: fixed %08x f64 %016llx f16hi %08x\n", (unsigned int)in,
			  (unsigned int)fx, (unsigned long long)d, (unsigned int)h);
	}
	rt_printf("  flags %02x\n", (unsigned int)(fpscr_get() & 0x9f));
}

/* ---- moves, loads and stores ------------------------------------------- */

static __attribute__((noinline)) void test_moves(void)
{
	static uint64_t src[8] __attribute__((aligned(8))), dst[8] __attribute__((aligned(8)));
	static uint32_t words[6] __attribute__((aligned(8)));
	uint32_t a, b, c, lo, hi, *wp = words + 6;
	uint64_t d;

	rt_puts("moves:\n");
	__asm__ volatile("vmov.f32 s13, #1.5\n\tvmov %0, s13\n\tvmov.f32 s13, #-0.125\n\tvmov %1, s13\n\t"
			 "vmov.f32 s13, #31.0\n\tvmov %2, s13"
			 : "=r"(a), "=r"(b), "=r"(c) : : "s13");
	__asm__ volatile("vmov.f64 d5, #-2.5\n\tvmov %Q0, %R0, d5" : "=r"(d) : : "d5");
	rt_printf("  vmov imm: %08x %08x %08x %016llx\n", (unsigned int)a, (unsigned int)b,
		  (unsigned int)c, (unsigned long long)d);
	for (unsigned k = 0; k < 8; k++)
		src[k] = 0x0101010101010101ull * (k + 1) + k;
	__asm__ volatile("vldmia %1, {d0-d7}\n\t"
			 "vpush {d0-d3}\n\t"
			 "vmov.f64 d0, d7\n\t"
			 "vpop {d4-d7}\n\t"
			 "vstmia %0, {d0-d7}"
			 : : "r"(dst), "r"(src) : "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "memory");
	rt_puts("  vldm/vpush/vpop/vstm:");
	for (unsigned k = 0; k < 8; k++)
		rt_printf(" %016llx", (unsigned long long)dst[k]);
	rt_puts("\n");
	__asm__ volatile("vmov s0, s1, %2, %3\n\t"
			 "vmov.32 d2[1], %2\n\tvmov.32 d2[0], %3\n\t"
			 "vmov s2, %3\n\tvmov s3, %2\n\tvmov s4, s5\n\t"
			 "vstmdb %0!, {s0-s5}\n\t"
			 "vmov %1, s1\n\t"
			 : "+r"(wp), "=r"(a) : "r"(0x11111111u), "r"(0x22222222u)
			 : "s0", "s1", "s2", "s3", "s4", "s5", "memory");
	__asm__ volatile("vmov d3, %2, %3\n\tvmov %0, %1, d3" : "=r"(lo), "=r"(hi)
			 : "r"(0x33333333u), "r"(0x44444444u) : "d3");
	rt_printf("  transfers: wb %d s1 %08x d3 %08x:%08x words", (int)(wp - words), (unsigned int)a,
		  (unsigned int)hi, (unsigned int)lo);
	for (unsigned k = 0; k < 6; k++)
		rt_printf(" %08x", (unsigned int)words[k]);
	rt_puts("\n");
}

int main(void)
{
	rt_puts("vfp: VFPv3-D16, Thumb-2\n");
	test_lazy_enable();
	test_arith();
	test_compare();
	test_convert();
	test_moves();
	rt_printf("vfp: %u failures\n", rt_failures);
	return 0;
}
