/*
 * block-small: basic blocks of two instructions (a step and a branch to the
 * next one), so block dispatch, chaining and per-block interrupt checks
 * dominate. Iterations count steps, as in block-large.
 */
#include "mech.h"

int main(void)
{
	mech_run_passes("block-small", MECH_N(896000000), MECH_SMALL_BLOCKS, mech_block_small_loop);
	return 0;
}
