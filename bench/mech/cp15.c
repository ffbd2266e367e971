/*
 * cp15: a coprocessor register write and read back (MCR/MRC of TPIDRURW,
 * the user read/write thread ID register): a system register access with no
 * side effect.
 */
#include "mech.h"

int main(void)
{
	uint32_t n = MECH_N(24000000), sum;

	mech_start("cp15");
	sum = mech_cp15_loop(n);
	mech_end("cp15", n, sum);
	return 0;
}
