/*
 * device: a device register read with no side effect, the V2M SYS_ID
 * register of the motherboard: every access leaves the CPU model for the
 * device model (the io strategy's path).
 */
#include "mech.h"

#define SYS_ID 0x00u

int main(void)
{
	uint32_t n = MECH_N(15000000), sum;

	mech_start("device");
	sum = mech_device_loop(n, RT_SYSREG_BASE + SYS_ID);
	mech_end("device", n, sum);
	return 0;
}
