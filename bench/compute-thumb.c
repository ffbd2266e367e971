/*
 * Bare-metal Thumb-2 + VFP compute benchmark for vexpress-a9 (-mthumb
 * -mfpu=vfpv3-d16 -mfloat-abi=hard): three kernels, each printing a checksum
 * of its exact result, so a wrong answer is as visible as a slow one.
 *
 *   fmatmul  single-precision matrix multiply (VMLA, VLDR, strided loads)
 *   crc32    bitwise CRC-32 (IT blocks, shifts, conditional execution)
 *   sort     shell sort of doubles (VCMP + VMRS, 64-bit loads and stores)
 *
 * Like compute.c, sized so that qemu-system-arm runs it in a few seconds;
 * the harness times it on the host (bench/run.sh -k build/compute-thumb.elf).
 */
#include "rt.h"

#define MAT_N 64u
#define MAT_ROUNDS 180u
#define CRC_BYTES (64u * 1024u)
#define CRC_ROUNDS 72u
#define SORT_N 16384u
#define SORT_ROUNDS 36u

static float mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N], mat_c[MAT_N][MAT_N];
static uint8_t crc_buf[CRC_BYTES];
static double sort_buf[SORT_N];

static uint32_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static uint32_t float_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static __attribute__((noinline)) uint32_t kernel_fmatmul(void)
{
	uint32_t sum = 0;

	rng_state = 0x0badf00d;
	for (uint32_t i = 0; i < MAT_N; i++)
		for (uint32_t j = 0; j < MAT_N; j++) {
			mat_a[i][j] = (float)((int32_t)(rng() % 2001) - 1000) / 256.0f;
			mat_b[i][j] = (float)((int32_t)(rng() % 2001) - 1000) / 512.0f;
		}
	for (uint32_t r = 0; r < MAT_ROUNDS; r++) {
		for (uint32_t i = 0; i < MAT_N; i++)
			for (uint32_t j = 0; j < MAT_N; j++) {
				float acc = 0.0f;

				for (uint32_t k = 0; k < MAT_N; k++)
					acc += mat_a[i][k] * mat_b[k][j];
				mat_c[i][j] = acc;
			}
		/* Feed the result back, scaled to stay finite. */
		for (uint32_t i = 0; i < MAT_N; i++)
			for (uint32_t j = 0; j < MAT_N; j++) {
				sum = sum * 33 + float_bits(mat_c[i][j]);
				mat_a[i][j] = mat_c[i][j] * (1.0f / 64.0f) + 0.25f;
			}
	}
	return sum;
}

static __attribute__((noinline)) uint32_t kernel_crc32(void)
{
	uint32_t crc = 0;

	rng_state = 0x12345678;
	for (uint32_t i = 0; i < CRC_BYTES; i++)
		crc_buf[i] = (uint8_t)rng();
	for (uint32_t r = 0; r < CRC_ROUNDS; r++) {
		uint32_t c = ~crc;

		for (uint32_t i = 0; i < CRC_BYTES; i++) {
			c ^= crc_buf[i];
			for (int k = 0; k < 8; k++)
				c = (c & 1) ? (c >> 1) ^ 0xedb88320u : c >> 1;
		}
		crc = ~c;
	}
	return crc;
}

static __attribute__((noinline)) uint32_t kernel_sort(void)
{
	static const uint32_t gaps[] = { 4193, 1750, 701, 301, 132, 57, 23, 10, 4, 1 };
	uint32_t sum = 0;

	rng_state = 0xc0ffee01;
	for (uint32_t r = 0; r < SORT_ROUNDS; r++) {
		for (uint32_t i = 0; i < SORT_N; i++)
			sort_buf[i] = (double)(int32_t)rng() / (double)(rng() | 1);
		for (uint32_t g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
			uint32_t gap = gaps[g];

			for (uint32_t i = gap; i < SORT_N; i++) {
				double v = sort_buf[i];
				uint32_t j = i;

				while (j >= gap && sort_buf[j - gap] > v) {
					sort_buf[j] = sort_buf[j - gap];
					j -= gap;
				}
				sort_buf[j] = v;
			}
		}
		for (uint32_t i = 1; i < SORT_N; i++)
			if (sort_buf[i - 1] > sort_buf[i])
				return 0xbad50127u;
		for (uint32_t i = 0; i < SORT_N; i += 97) {
			uint64_t b;

			memcpy(&b, &sort_buf[i], 8);
			sum = sum * 31 + (uint32_t)b + (uint32_t)(b >> 32);
		}
	}
	return sum;
}

/* CP10/CP11 full access and FPEXC.EN, before any floating-point code runs:
 * main itself has none (the kernels are out of line). */
static void vfp_enable(void)
{
	uint32_t cpacr;

	__asm__ volatile("mrc p15, 0, %0, c1, c0, 2" : "=r"(cpacr));
	cpacr |= 0xfu << 20;
	__asm__ volatile("mcr p15, 0, %0, c1, c0, 2\n\tisb" : : "r"(cpacr) : "memory");
	__asm__ volatile("vmsr fpexc, %0" : : "r"(1u << 30) : "memory");
}

int main(void)
{
	rt_puts("compute-thumb: start\n");
	vfp_enable();
	rt_printf("fmatmul %08x\n", (unsigned int)kernel_fmatmul());
	rt_printf("crc32   %08x\n", (unsigned int)kernel_crc32());
	rt_printf("sort    %08x\n", (unsigned int)kernel_sort());
	rt_puts("compute-thumb: done\n");
	return 0;
}
