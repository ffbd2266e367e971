/* Identification registers: what the CPU model claims to be. */
#include "rt.h"

int main(void)
{
	uint32_t midr, mpidr, cbar;

	__asm__ volatile("mrc p15, 0, %0, c0, c0, 0" : "=r"(midr));
	__asm__ volatile("mrc p15, 0, %0, c0, c0, 5" : "=r"(mpidr));
	/* Cortex-A9 configuration base address: where the private peripherals are. */
	__asm__ volatile("mrc p15, 4, %0, c15, c0, 0" : "=r"(cbar));
	rt_printf("MIDR  %08x\n", (unsigned int)midr);
	rt_printf("MPIDR %08x\n", (unsigned int)mpidr);
	rt_printf("CBAR  %08x\n", (unsigned int)cbar);
	rt_check("MIDR is a Cortex-A9 r0p0", midr, 0x410FC090);
	return 0;
}
