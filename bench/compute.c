/*
 * Bare-metal compute benchmark for vexpress-a9: four integer kernels, each
 * printing a checksum so that a wrong result is as visible as a slow one.
 *
 *   crc32   table-driven CRC-32 over a buffer (loads, shifts, xors)
 *   sort    quicksort of pseudo-random ints (branches, recursion)
 *   matmul  integer matrix multiply (multiply-accumulate, strided loads)
 *   chase   walk of a randomly linked list (dependent loads)
 *
 * Sizes are chosen so that qemu-system-arm runs the whole program in a few
 * seconds; the harness times the run on the host, never in the guest.
 */
#include "rt.h"

#define CRC_BYTES (256u * 1024u)
#define CRC_ROUNDS 320u
#define SORT_N 32768u
#define SORT_ROUNDS 120u
#define MAT_N 96u
#define MAT_ROUNDS 340u
#define CHASE_NODES 65536u
#define CHASE_STEPS (16u * 1024u * 1024u + 12345u)

static uint8_t crc_buf[CRC_BYTES];
static uint32_t crc_table[256];
static int32_t sort_buf[SORT_N];
static int32_t mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N], mat_c[MAT_N][MAT_N];

struct node {
	struct node *next;
	uint32_t value;
};

static struct node nodes[CHASE_NODES];
static uint32_t perm[CHASE_NODES];

static uint32_t rng_state;

static uint32_t rng(void)
{
	/* xorshift32: cheap and the same everywhere. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static uint32_t kernel_crc32(void)
{
	uint32_t crc = 0;

	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
		crc_table[i] = c;
	}
	rng_state = 0x12345678;
	for (uint32_t i = 0; i < CRC_BYTES; i++)
		crc_buf[i] = (uint8_t)rng();
	for (uint32_t r = 0; r < CRC_ROUNDS; r++) {
		uint32_t c = ~crc;

		for (uint32_t i = 0; i < CRC_BYTES; i++)
			c = crc_table[(c ^ crc_buf[i]) & 0xFF] ^ (c >> 8);
		crc = ~c;
	}
	return crc;
}

static void quicksort(int32_t *a, int lo, int hi)
{
	while (lo < hi) {
		int32_t pivot = a[lo + (hi - lo) / 2];
		int i = lo, j = hi;

		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				int32_t t = a[i];

				a[i++] = a[j];
				a[j--] = t;
			}
		}
		/* Recurse into the smaller half so the stack stays shallow. */
		if (j - lo < hi - i) {
			quicksort(a, lo, j);
			lo = i;
		} else {
			quicksort(a, i, hi);
			hi = j;
		}
	}
}

static uint32_t kernel_sort(void)
{
	uint32_t sum = 0;

	rng_state = 0xC0FFEE01;
	for (uint32_t r = 0; r < SORT_ROUNDS; r++) {
		for (uint32_t i = 0; i < SORT_N; i++)
			sort_buf[i] = (int32_t)rng();
		quicksort(sort_buf, 0, SORT_N - 1);
		for (uint32_t i = 1; i < SORT_N; i++)
			if (sort_buf[i - 1] > sort_buf[i])
				return 0xBAD50127u;
		for (uint32_t i = 0; i < SORT_N; i += 97)
			sum = sum * 31 + (uint32_t)sort_buf[i];
	}
	return sum;
}

static uint32_t kernel_matmul(void)
{
	uint32_t sum = 0;

	rng_state = 0x0BADF00D;
	for (uint32_t i = 0; i < MAT_N; i++)
		for (uint32_t j = 0; j < MAT_N; j++) {
			mat_a[i][j] = (int32_t)(rng() % 2001) - 1000;
			mat_b[i][j] = (int32_t)(rng() % 2001) - 1000;
		}
	for (uint32_t r = 0; r < MAT_ROUNDS; r++) {
		for (uint32_t i = 0; i < MAT_N; i++)
			for (uint32_t j = 0; j < MAT_N; j++) {
				int32_t acc = 0;

				for (uint32_t k = 0; k < MAT_N; k++)
					acc += mat_a[i][k] * mat_b[k][j];
				mat_c[i][j] = acc;
			}
		/* Feed the result back so every round does different work. */
		for (uint32_t i = 0; i < MAT_N; i++)
			for (uint32_t j = 0; j < MAT_N; j++) {
				sum = sum * 33 + (uint32_t)mat_c[i][j];
				mat_a[i][j] = mat_c[i][j] % 1001;
			}
	}
	return sum;
}

static uint32_t kernel_chase(void)
{
	struct node *n;
	uint32_t sum = 0;

	/* A random cyclic permutation (Sattolo), so the walk visits every node. */
	for (uint32_t i = 0; i < CHASE_NODES; i++)
		perm[i] = i;
	rng_state = 0xFACEFEED;
	for (uint32_t i = CHASE_NODES - 1; i > 0; i--) {
		uint32_t j = rng() % i;
		uint32_t t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (uint32_t i = 0; i < CHASE_NODES; i++) {
		nodes[i].next = &nodes[perm[i]];
		nodes[i].value = i * 2654435761u;
	}
	n = &nodes[0];
	for (uint32_t s = 0; s < CHASE_STEPS; s++) {
		sum += n->value;
		n = n->next;
	}
	return sum ^ (uint32_t)(n - nodes);
}

int main(void)
{
	rt_puts("compute: start\n");
	rt_printf("crc32  %08x\n", (unsigned int)kernel_crc32());
	rt_printf("sort   %08x\n", (unsigned int)kernel_sort());
	rt_printf("matmul %08x\n", (unsigned int)kernel_matmul());
	rt_printf("chase  %08x\n", (unsigned int)kernel_chase());
	rt_puts("compute: done\n");
	return 0;
}
