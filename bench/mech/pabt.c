/*
 * pabt: a prefetch abort with the MMU on. A call into an execute-never page
 * takes a permission fault on the fetch; the handler reads IFSR and IFAR,
 * returns a value in r0 and resumes after the call.
 */
#include "mech.h"

#define XN_VA 0x64002000u

static uint32_t l1[4096] __attribute__((aligned(16384)));
static uint32_t l2[256] __attribute__((aligned(1024)));

static void on_pabt(struct rt_frame *f)
{
	uint32_t ifsr, ifar;

	__asm__ volatile("mrc p15, 0, %0, c5, c0, 1" : "=r"(ifsr));
	__asm__ volatile("mrc p15, 0, %0, c6, c0, 2" : "=r"(ifar));
	f->r[0] = mech_mix(f->r[0], ifar ^ (ifsr & 0x40Fu));
	f->pc = f->r[7];
}

int main(void)
{
	uint32_t n = MECH_N(1000000), sum;

	mech_l1_identity(l1);
	mech_l2_identity(l1, l2, XN_VA, MECH_PAGE_RAM);
	l2[(XN_VA >> 12) & 0xFF] |= MECH_L2_XN;
	mech_mmu_on(l1, 1);
	rt_set_handler(RT_EXC_PABT, on_pabt);
	mech_start("pabt");
	sum = mech_pabt_loop(n, XN_VA);
	mech_end("pabt", n, sum);
	mech_mmu_off();
	return 0;
}
