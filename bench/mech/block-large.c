/*
 * block-large: one straight run of MECH_LARGE_BLOCK instructions within a
 * page, so per-instruction cost dominates and block overheads vanish.
 */
#include "mech.h"

int main(void)
{
	mech_run_passes("block-large", MECH_N(880000000), MECH_LARGE_BLOCK, mech_block_large_loop);
	return 0;
}
