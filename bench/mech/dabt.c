/*
 * dabt: a data abort with the MMU on. A load from a page whose small-page
 * entry is invalid takes a translation fault; the handler reads DFSR and
 * DFAR, returns a value in r0 and skips the load.
 */
#include "mech.h"

#define BAD_VA 0x64001230u

static uint32_t l1[4096] __attribute__((aligned(16384)));
static uint32_t l2[256] __attribute__((aligned(1024)));

static void on_dabt(struct rt_frame *f)
{
	uint32_t dfsr, dfar;

	__asm__ volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(dfsr));
	__asm__ volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(dfar));
	/* Only the fault status (FS) and WnR are defined for this fault. */
	f->r[0] = mech_mix(f->r[0], dfar ^ (dfsr & 0x80Fu));
	f->pc += 4;
}

int main(void)
{
	uint32_t n = MECH_N(1000000), sum;

	mech_l1_identity(l1);
	mech_l2_identity(l1, l2, BAD_VA, MECH_PAGE_RAM);
	l2[(BAD_VA >> 12) & 0xFF] = 0;
	mech_mmu_on(l1, 1);
	rt_set_handler(RT_EXC_DABT, on_dabt);
	mech_start("dabt");
	sum = mech_dabt_loop(n, BAD_VA);
	mech_end("dabt", n, sum);
	mech_mmu_off();
	return 0;
}
