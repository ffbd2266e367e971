/*
 * smc-data: stores to a word in the same 4 KiB page as the running loop,
 * which change no instruction. A translator that tracks code writes by page
 * must tell these from self-modifying code (smc) or pay for it every store.
 */
#include "mech.h"

int main(void)
{
	uint32_t n = MECH_N(1000000), sum;

	mech_start("smc-data");
	sum = mech_smc_data_loop(n);
	mech_end("smc-data", n, sum);
	return 0;
}
