/*
 * VFPv3 with 32 double registers (-marm -mfpu=vfpv3 -mfloat-abi=hard), as
 * the A9 of the reference QEMU has: the identification registers, D16-D31 in
 * arithmetic, transfers and VLDM/VSTM, and short vectors (FPSCR.LEN), which
 * VFPv3 still has and the A9 implements. Only stride 1: with STRIDE = 2 the
 * reference QEMU (7.2) leaves every other element of a 4-element vector
 * unwritten, where the ARM ARM's pseudocode writes all four.
 */
#include "rt.h"

#define FPEXC_EN (1u << 30)

static __attribute__((noinline)) void vfp_enable(void)
{
	uint32_t cpacr;

	__asm__ volatile("mrc p15, 0, %0, c1, c0, 2" : "=r"(cpacr));
	cpacr |= 0xfu << 20;
	__asm__ volatile("mcr p15, 0, %0, c1, c0, 2\n\tisb" : : "r"(cpacr) : "memory");
	__asm__ volatile("vmsr fpexc, %0" : : "r"(FPEXC_EN) : "memory");
}

static __attribute__((noinline)) void test_id(void)
{
	uint32_t fpsid, mvfr0, mvfr1;

	__asm__ volatile("vmrs %0, fpsid\n\tvmrs %1, mvfr0\n\tvmrs %2, mvfr1"
			 : "=r"(fpsid), "=r"(mvfr0), "=r"(mvfr1));
	rt_printf("FPSID %08x MVFR0 %08x MVFR1 %08x\n", (unsigned int)fpsid, (unsigned int)mvfr0,
		  (unsigned int)mvfr1);
}

static uint64_t bank[16] __attribute__((aligned(8)));

static __attribute__((noinline)) void test_high_registers(void)
{
	rt_puts("d16-d31:\n");
	for (unsigned k = 0; k < 16; k++)
		bank[k] = 0x3ff0000000000000ull + ((uint64_t)k << 48) + k * 0x1234567ull;
	__asm__ volatile("vldmia %0, {d16-d31}\n\t"
			 "vadd.f64 d16, d17, d31\n\t"
			 "vmul.f64 d18, d16, d30\n\t"
			 "vdiv.f64 d19, d18, d29\n\t"
			 "vsqrt.f64 d20, d19\n\t"
			 "vmla.f64 d21, d20, d28\n\t"
			 "vcvt.f32.f64 s0, d21\n\t"
			 "vcvt.f64.f32 d22, s0\n\t"
			 "vmov.f64 d31, d16\n\t"
			 "vmov r0, r1, d24\n\t"
			 "vmov d25, r1, r0\n\t"
			 "vmov.32 r2, d26[1]\n\t"
			 "vmov.32 d27[0], r2\n\t"
			 "vstmia %0, {d16-d31}"
			 : : "r"(bank) : "r0", "r1", "r2", "s0", "d16", "d17", "d18", "d19", "d20",
			   "d21", "d22", "d23", "d24", "d25", "d26", "d27", "d28", "d29", "d30", "d31",
			   "memory");
	for (unsigned k = 0; k < 16; k++)
		rt_printf("  d%u %016llx\n", 16 + k, (unsigned long long)bank[k]);
}

static float vec[32];

/* LEN = 4 and 3 elements: scalar bank s0-s7 against the vector banks. */
static __attribute__((noinline)) void test_short_vectors(void)
{
	uint32_t out[32];

	rt_puts("short vectors:\n");
	for (unsigned len = 3; len <= 4; len++) {
		for (unsigned k = 0; k < 32; k++)
			vec[k] = (float)(k * 3 + 1);
		__asm__ volatile("vldmia %1, {s0-s31}\n\t"
				 "vmsr fpscr, %2\n\t"
				 "vadd.f32 s8, s16, s24\n\t"  /* vector + vector */
				 "vmul.f32 s16, s24, s2\n\t"  /* vector * scalar (bank 0) */
				 "vabs.f32 s2, s3\n\t"	      /* destination in bank 0: scalar */
				 "vmov.f32 s26, #2.0\n\t"    /* vector of immediates */
				 "vmsr fpscr, %3\n\t"
				 "vstmia %0, {s0-s31}"
				 : : "r"(out), "r"(vec),
				   "r"((len - 1) << 16), "r"(0)
				 : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10",
				   "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18", "s19", "s20",
				   "s21", "s22", "s23", "s24", "s25", "s26", "s27", "s28", "s29", "s30",
				   "s31", "memory");
		rt_printf("  length %u:", len);
		for (unsigned k = 0; k < 32; k++)
			rt_printf("%s%08x", k % 8 ? " " : "\n   ", (unsigned int)out[k]);
		rt_puts("\n");
	}
}

int main(void)
{
	rt_puts("vfp32: VFPv3-D32, ARM\n");
	vfp_enable();
	test_id();
	test_high_registers();
	test_short_vectors();
	rt_printf("vfp32: %u failures\n", rt_failures);
	return 0;
}
