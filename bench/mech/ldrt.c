/*
 * ldrt: unprivileged loads and stores (LDRT/STRT) from SVC mode with the MMU
 * on, as a kernel copies to and from user space: the hot-mmuon loop with
 * every access checked against user permissions.
 */
#include "mech.h"

#define WORDS 256u

static uint32_t l1[4096] __attribute__((aligned(16384)));
static uint32_t buf[WORDS] __attribute__((aligned(4096)));

int main(void)
{
	uint32_t n = MECH_N(140000000), sum, i;

	for (i = 0; i < WORDS; i++)
		buf[i] = i * 0x01010101u;
	mech_l1_identity(l1);
	mech_mmu_on(l1, 1);
	mech_start("ldrt");
	sum = mech_ldrt_loop(n, buf, WORDS);
	mech_end("ldrt", n, sum);
	mech_mmu_off();
	return 0;
}
